#!/usr/bin/env python3
"""train_step.py -- PyTorch's side of NNBenchmarks' train.mlp.b<b>.* and train.cnn.b<b>.* (b = 64,
256): the time of one training step of the MLP and the CNN of ../shared/bench, at
torch.set_num_threads(1) and (2), in samples per second.

How it corresponds to ../shared/bench/mlp_train.py and cnn_train.py: the same models
(nn.Sequential of the same layers, default init, torch.manual_seed(0)), the same loss
(nn.CrossEntropyLoss, mean), the same optimizer (SGD lr=0.05, momentum=0.9), batch 64 (theirs)
or 256, and per step the same work as their timed loop body:

    xb, yb = <b rows of the data>      # they: xs[i:i+bs] of an epoch gathered once by xtr[perm]
    loss = lossf(model(xb), yb)
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()

Differences, so that a step takes milliseconds instead of an epoch taking seconds:
  * the data set is 60,000 random images in [0, 1) (torch.rand [60000, 784], viewed as
    [60000, 1, 28, 28] for the CNN) with random int64 labels, not Fashion-MNIST: the per-step work
    does not depend on the pixel values, and random labels keep the loss and gradients ordinary
    (a single fixed batch would be fitted until the gradients turn denormal);
  * each step gathers its batch with index_select by b entries of a fixed permutation (a view
    of it, no copy), where the scripts gather the whole epoch once (xtr[perm]) and then slice:
    the same bytes copied per sample, in b-row pieces;
  * only steps are timed: no randperm per epoch (about 1 ms per 60,000 samples), no evaluation;
  * every RESTART_EVERY (200) steps the model takes its initial parameters back and the optimizer
    forgets its momentum buffers (Kindling's side does the same at the same step counts), so every
    timed step is one of the first 200 of a training run. Left training, a unit whose ReLU stays
    off keeps a momentum buffer that shrinks by 0.9 a step into denormal numbers about 750 steps
    later, and denormal arithmetic slows both frameworks' optimizer steps severalfold (here
    opt.step() went from 540 to 3,400 us by step 2,400 of the MLP): the comparison would then
    depend on how many steps each side had run when it was measured.
The timing: 10 warm-up steps, then timed blocks of `--steps` steps (default at batch 64: MLP 50,
CNN 5; a quarter of that, at least 2, at batch 256)
until `--min-time` seconds (default 2) have passed; the time per step is the median block's
mean. Before each measurement the script waits (up to --max-wait s) for a quiet machine and
measures the CPU load other processes put on it (ForeignLoad of ../shared/bench); a measurement
with a foreign load above 0.1 is repeated, up to --tries times, and the least-contaminated
one kept.

Kindling's side: Benchmarks/Benchmarks/NNBenchmarks/TrainStep.swift (the same steps; its t1/t2 set
BLAS.threadCount). Benchmarks/peers/compare.py imports measure() from here.

Usage: python Benchmarks/peers/train_step.py [--models mlp,cnn] [--batches 64,256] [--threads 1,2] [--json PATH]
"""
import argparse
import json
import os
import resource
import statistics
import time

import torch
import torch.nn as nn

BATCH = 64  # the shared scripts' batch size; measure() also takes 256
N = 60000
RESTART_EVERY = 200  # steps between restarts from the initial parameters (TrainStep.swift: restartEvery)


class ForeignLoad:
    """CPU used by other processes while a region ran, as a fraction of all CPUs (0 = idle machine,
    0.5 = one of two cores busy elsewhere); the same measure as ../shared/bench's scripts."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _stat():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v)

    @staticmethod
    def _own():
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

    def __enter__(self):
        self.b0, self.t0 = self._stat()
        self.o0 = self._own()
        return self

    def __exit__(self, *exc):
        b1, t1 = self._stat()
        own = (self._own() - self.o0) * self.hz
        self.value = round(max(0.0, (b1 - self.b0 - own) / max(t1 - self.t0, 1)), 3)
        return False


def wait_quiet(max_wait=90.0, thresh=0.05, window=0.5):
    """Blocks until the machine's busy fraction over `window` s is below `thresh` (or `max_wait`)."""
    start = time.time()
    while True:
        b0, t0 = ForeignLoad._stat()
        time.sleep(window)
        b1, t1 = ForeignLoad._stat()
        if (b1 - b0) / max(t1 - t0, 1) < thresh or time.time() - start > max_wait:
            return


def make_model(name):
    if name == "mlp":  # mlp_train.py's make_model, with the Flatten that Kindling's MLP starts with
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(  # cnn_train.py's make_model
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


_DATA = None


def data():
    """(images [60000, 784] in [0, 1), labels int64 [60000], permutation [60000]), seed 0."""
    global _DATA
    if _DATA is None:
        g = torch.Generator().manual_seed(0)
        _DATA = (torch.rand(N, 784, generator=g), torch.randint(10, (N,), generator=g), torch.randperm(N, generator=g))
    return _DATA


class Trainer:
    """A model, its optimizer and the position in the data set."""

    def __init__(self, name, batch_size=BATCH):
        images, self.labels, self.order = data()
        self.batch_size = batch_size
        self.images = images.view(N, 784) if name == "mlp" else images.view(N, 1, 28, 28)
        torch.manual_seed(0)
        self.model = make_model(name)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.05, momentum=0.9)
        self.lossf = nn.CrossEntropyLoss()
        self.batch = 0
        self.initial = [p.detach().clone() for p in self.model.parameters()]
        self.steps_since_restart = 0

    def restart(self):
        """The initial parameters back, and no momentum buffers (the next step starts them afresh)."""
        with torch.no_grad():
            for p, initial in zip(self.model.parameters(), self.initial):
                p.copy_(initial)
        self.opt.state.clear()
        self.steps_since_restart = 0

    def step(self):
        if self.steps_since_restart == RESTART_EVERY:
            self.restart()
        self.steps_since_restart += 1
        bs = self.batch_size
        index = self.order[self.batch * bs:(self.batch + 1) * bs]
        self.batch = (self.batch + 1) % (N // bs)
        xb, yb = self.images.index_select(0, index), self.labels.index_select(0, index)
        loss = self.lossf(self.model(xb), yb)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()


def time_steps(trainer, steps, min_time):
    """Median over blocks of `steps` steps of the mean time per step, in seconds."""
    for _ in range(10):
        trainer.step()
    blocks = []
    start = time.perf_counter()
    while len(blocks) < 5 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        blocks.append((time.perf_counter() - t0) / steps)
    return statistics.median(blocks)


DEFAULT_STEPS = {"mlp": 50, "cnn": 5}


def default_steps(name, batch_size):
    """Steps per timed block: DEFAULT_STEPS at batch 64, scaled down for larger batches (at least 2)."""
    return max(2, DEFAULT_STEPS[name] * BATCH // batch_size)


def measure(name, threads, steps=None, min_time=2.0, max_wait=90.0, tries=3, batch_size=BATCH):
    """(seconds per step, foreign load) of `name` ("mlp"/"cnn") at batch `batch_size` and
    torch.set_num_threads(threads): the least-contaminated of up to `tries` measurements (stops at
    the first with load <= 0.1)."""
    torch.set_num_threads(threads)
    trainer = Trainer(name, batch_size)
    best = None
    for _ in range(tries):
        wait_quiet(max_wait=max_wait)
        with ForeignLoad() as load:
            seconds = time_steps(trainer, steps or default_steps(name, batch_size), min_time)
        if best is None or load.value < best[1]:
            best = (seconds, load.value)
        if load.value <= 0.1:
            break
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--batches", default="64,256")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps per timed block (default: MLP 50, CNN 5 at batch 64; a quarter at 256)")
    parser.add_argument("--min-time", type=float, default=2.0)
    parser.add_argument("--max-wait", type=float, default=90.0)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    results = []
    for name in args.models.split(","):
        for bs in map(int, args.batches.split(",")):
            for threads in map(int, args.threads.split(",")):
                seconds, foreign = measure(name, threads, args.steps, args.min_time, args.max_wait, args.tries, bs)
                results.append({"model": name, "batch": bs, "threads": threads, "us_per_step": seconds * 1e6,
                                "samples_per_s": bs / seconds, "foreign_load": foreign})
                print(f"train.{name}.b{bs}.t{threads}: {seconds * 1e6:9.1f} us/step  {bs / seconds:9.0f} samples/s"
                      f"  (foreign load {foreign})", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
