#!/usr/bin/env python3
"""compare.py -- Kindling against PyTorch on the same CPU workloads, measured alternately in one run.

Runs Benchmarks/'s suites (package-benchmark, release build, JMH export) and the PyTorch side of the
same workloads alternately, section by section (overhead, elementwise, matmul, layers, linalg,
train, data loader), for --rounds R rounds (default 3): in each round, each section's Kindling
benchmarks (one `swift package benchmark --filter` run selecting exactly them), then at once the
same section's PyTorch workloads. The benchmarks are built once before the first round. A full run
takes about R times one round (~7 minutes on 2 cores); --rounds 1 is the quick run. Then it prints
one table:

    workload | Kindling | PyTorch t1 | PyTorch t2 | ratio t1 | (min–max) | ratio t2 | (min–max) | Kindling rate

Times are the median over the rounds of each round's median per op, in microseconds; ratio = the
median over the rounds of that round's PyTorch time / Kindling time, so > 1 means Kindling is
faster, and (min–max) the range of the per-round ratios: the noise between rounds.
t1 / t2 = torch.set_num_threads(1 / 2). Kindling's elementwise loops split across every core
above 32768 elements (2 threads here) and cannot be told otherwise; its matrix products run with
BLAS.threadCount = 1 and 2 (rows `... t1` / `... t2`, compared with the same PyTorch thread count).

Workloads (Benchmarks/README.md lists the Kindling side):
  overhead.*      ../shared/bench/op_overhead.py: its cases() and per_call_us(), imported by path
  elementwise.*   ../shared/bench/elementwise_bw.py's cases on 1M and 16M float32 (its time_fn):
                    .alloc   allocating the result (a + b, torch.relu(a), ...)
                    .inplace c.add_(b), ..., c reset from a before each timed call (untimed);
                             Kindling has no out= overloads, so this is its preallocated form
                    .out     PyTorch's out= form (torch.add(a, b, out=c)); PyTorch only, compared
                             with Kindling's .inplace
  matmul.<n>      a.matmul(b) allocating vs torch.matmul(a, b); sizes of gemm_peak.py
  cblas_sgemm.<n> OpenBLAS cblas_sgemm called directly from Swift vs torch.mm(a, b, out=c) (MKL)
  layer.<l>.<m>   ../shared/bench/conv_fwd_bwd.py's layers: Conv2d(32, 64, 3) on [64, 32, 28, 28] and
                  Linear(1024, 1024) on [256, 1024], forward (no grad) and forward+backward
  train.<m>.b<b>.t<n>  one training step (batch gather, zeroGrad, forward, cross-entropy, backward,
                  SGD-momentum step) of ../shared/bench/mlp_train.py's MLP and cnn_train.py's CNN,
                  batch b = 64 (the scripts') and 256, BLAS.threadCount = n; the PyTorch side is
                  Benchmarks/peers/train_step.py (its docstring says how it corresponds to the shared
                  scripts) at n threads. Both sides restart training from the initial parameters
                  every 200 steps, before the numbers turn denormal (train_step.py says why). A
                  second table gives samples/s and the ratio Kindling /
                  PyTorch samples/s against the targets (MLP >= 1.5, CNN >= 1.0) per batch size.
  linalg.<f>.<n>  (LinalgBenchmarks) torch.linalg functions on float32 n x n matrices, n = 64, 256, 1024:
                  solve (A + n*I, one right-hand side vector), cholesky (M M^T / n + I), svd
                  (randn, reduced, with vectors) and eigh (M + M^T, with vectors); the
                  PyTorch side is Benchmarks/peers/linalg.py (same workloads) at 1 and 2 threads. Kindling
                  runs LAPACK on one thread below n = 512 and on every core from 512 up. Rate: the LAPACK flop count
                  (solve 2n^3/3 + 2n^2, cholesky n^3/3) per second.
  first-step.mlp.b64  time to first training step from process start: wall time from launching a
                  process to the end of its first MLP training step (mlp_train.py's MLP, SGD-momentum,
                  one synthetic batch of 64 random images and labels; no data set read), measured from
                  here with time.perf_counter around subprocess.run, FIRST_STEP_RUNS runs after one
                  untimed warm-up run, median. Kindling: the release binary of the Benchmarks package's
                  FirstTrainingStep target (built here with swift build -c release). PyTorch: this
                  Python running `-c FIRST_STEP_TORCH` (the same step), so interpreter start-up and
                  `import torch` count. Both at their default thread counts. Target: Kindling <= 0.5 s.
                  Not a package-benchmark benchmark: --filter selects it when the regex matches
                  the name first-step.mlp.b64.
  overhead-loop.<op>.1  the cost of one eager op on 1-element float32 tensors (add, mul, relu, add_)
                  timed in a plain release loop: the Benchmarks package's OpOverheadLoop target (built
                  here), which links no package-benchmark code and so not its malloc interposer, which
                  wraps each of an op's allocations and frees in the overhead.* rows. Run once per
                  round after the rounds; the median of the runs' medians, against the PyTorch t1
                  time of the same op from this run's overhead section (when it ran). Target: <= 0.3 µs.
                  Not a package-benchmark benchmark: --filter selects it when the regex matches a name.
  gpu.*           none here: the GPUBenchmarks target registers its benchmarks only when KindlingGPU's
                  CUDA.isAvailable is true, and the GPU comparison with PyTorch is Tools/gpu/device-check.sh
                  (kindling gpu bench beside peers/gpu_bench.py), so this script runs the same on machines
                  with and without a GPU.
  fashion-mnist.epoch.b64.workers<w>  (DataBenchmarks) one shuffled Fashion-MNIST epoch through a
                  DataLoader, batch 64, collated to tensors; a third table gives the loader's time
                  per batch (epoch / 938 batches) as a fraction of the MLP training step (target < 5%).

The machine is shared: each section's Kindling and PyTorch sides first wait (up to --max-wait s)
for the machine to go quiet, and the table ends with the CPU load other processes put on the
machine during each section, the worst over the rounds (0 = idle, 0.5 = one of 2 cores busy
elsewhere; > 0.1 means the section's numbers are suspect). The training-step table's ratio is
likewise the median of the per-round ratios; the data-loader and first-step tables are computed
from the medians (first-step runs once, after the rounds).

Usage (from the repository root; `make compare` (or its old name `make bench-compare`) installs torch
in .venv and runs this):
  python Benchmarks/peers/compare.py [--rounds R] [--filter REGEX] [--max-wait S] [--json PATH]
                                     [--kindling-jmh PATH]
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH_PACKAGE = os.path.join(ROOT, "Benchmarks")
DEFAULT_SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
TARGETS = ["TensorBenchmarks", "AutogradBenchmarks", "NNBenchmarks", "DataBenchmarks", "LinalgBenchmarks"]

SIZES_EW = [(1 << 20, "1M"), (16 << 20, "16M")]
SIZES_MM = [64, 128, 256, 512, 1024, 2048]
# Kindling benchmarks that run many ops per sample (package-benchmark's scalingFactor): the JMH
# export reports whole samples.
INNER_ITERATIONS = {"overhead": 1000}
# Kindling overhead benchmark -> op_overhead.py case name.
OVERHEAD = [
    ("overhead.add.1", "add_1"),
    ("overhead.mul.1", "mul_1"),
    ("overhead.relu.1", "relu_1"),
    ("overhead.add_.1", "add__1"),
    ("overhead.add.1000", "add_1k"),
    ("overhead.sum.1000", "sum_1k"),
    ("overhead.mm.8x8", "mm_8x8"),
    ("overhead.cblas_sgemm.8x8", "mm_8x8"),
    ("overhead.fwdbwd.10", "fwdbwd_10"),
]
# Elementwise ops: bytes per element (reads + writes), as in elementwise_bw.py.
EW_BYTES = {"add": 12, "mul": 12, "relu": 8, "exp": 8}
# Training steps (NNBenchmarks' train.<model>.b<batch>.t<threads>): batch sizes and the targets for
# Kindling samples/s ÷ PyTorch samples/s (issue 5; the same at every batch size).
TRAIN_BATCH = 64  # the shared scripts' batch, and the data loader's
TRAIN_BATCHES = (64, 256)
TRAIN_TARGETS = {"mlp": 1.5, "cnn": 1.0}
# DataBenchmarks: batches in one Fashion-MNIST epoch of batch 64 (60000 / 64, the last one partial),
# and the target for the loader's time per batch as a fraction of the MLP step (issue 6).
LOADER_BATCHES = -(-60000 // TRAIN_BATCH)
LOADER_TARGET = 0.05
# Time to first training step (first-step.mlp.b64): the pseudo-benchmark's name, runs, the target.
FIRST_STEP_NAME = "first-step.mlp.b64"
FIRST_STEP_RUNS = 7
FIRST_STEP_TARGET = 0.5  # seconds, Kindling
OVERHEAD_LOOP_TARGET = 0.3  # µs per op, Kindling
# OpOverheadLoop's ops, printed under the overhead.* names they share with TensorBenchmarks.
OVERHEAD_LOOP_OPS = ["overhead.add.1", "overhead.mul.1", "overhead.relu.1", "overhead.add_.1"]
# PyTorch's side: the same as Benchmarks/Sources/FirstTrainingStep/main.swift.
FIRST_STEP_TORCH = """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                      nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
x, y = torch.rand(64, 784), torch.randint(10, (64,))
opt.zero_grad(set_to_none=True)
loss = nn.functional.cross_entropy(model(x), y)
loss.backward()
opt.step()
print(f"first training step (MLP, batch 64): loss {loss.item()}")
"""
# LinalgBenchmarks' linalg.<function>.<n>: the table's order and each function's flop count (for the
# rate column; a function without one gets no rate).
LINALG_FLOPS = {
    "solve": lambda n: 2 * n ** 3 / 3 + 2 * n ** 2,
    "cholesky": lambda n: n ** 3 / 3,
}


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# MARK: - Kindling


def benchmark_command(targets, *options):
    """`swift package benchmark` over `targets` (names from TARGETS)."""
    return (["swift", "package", "--disable-sandbox", *options, "benchmark"]
            + [arg for target in targets for arg in ("--target", target)])


def list_benchmarks():
    """{benchmark name: its target} for TARGETS, from `swift package benchmark list`, which builds the
    targets (release) first: the one build, before anything is timed."""
    print(f"Kindling: building and listing the benchmarks of {', '.join(TARGETS)} (release) ...",
          file=sys.stderr, flush=True)
    listed = subprocess.run(benchmark_command(TARGETS) + ["list"], cwd=BENCH_PACKAGE, check=True,
                            stdout=subprocess.PIPE, text=True).stdout.splitlines()
    names, target = {}, None
    for line in map(str.strip, listed):  # "Target 'X' available benchmarks:", then X's names
        heading = re.fullmatch(r"Target '(\w+)' available benchmarks:", line)
        if heading:
            target = heading.group(1)
        elif line and target:
            names[line] = target
    return names


def exact_names_regex(names):
    """A package-benchmark --filter (a Swift Regex) that matches exactly `names`."""
    return "^(" + "|".join(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", name) for name in names) + ")$"


def read_jmh(path):
    """({benchmark: median µs per op}, {benchmark: (p25, p75) µs per op}) from a JMH export."""
    with open(path) as f:
        elements = json.load(f)
    medians, spread = {}, {}
    for element in elements:
        name = element["benchmark"].split(".", 3)[3]  # package.benchmark.<Target>.<name>
        wall = element["secondaryMetrics"]["Time (wall clock)"]
        assert wall["scoreUnit"] == "μs", wall["scoreUnit"]
        inner = INNER_ITERATIONS.get(name.split(".")[0], 1)
        medians[name] = wall["scorePercentiles"]["50.0"] / inner
        samples = sorted(wall["rawData"][0])
        spread[name] = (samples[len(samples) // 4] / inner, samples[(3 * len(samples)) // 4] / inner)
    return medians, spread


def run_kindling(names, targets):
    """Runs exactly the Kindling benchmarks `names` (of `targets`), once:
    ({benchmark: median µs per op}, {benchmark: (p25, p75)}, foreign load)."""
    out_dir = tempfile.mkdtemp(prefix="kindling-bench-")
    try:
        cmd = (benchmark_command(targets, "--allow-writing-to-directory", out_dir)
               + ["--no-progress", "--format", "jmh", "--path", out_dir, "--filter", exact_names_regex(names)])
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            run = subprocess.run(cmd, cwd=BENCH_PACKAGE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            # package-benchmark prints which benchmark failed, and the crash's backtrace, on stdout.
            sys.exit("error: the Kindling benchmarks failed (exit status %d); the end of their output:\n%s"
                     % (run.returncode, "\n".join(run.stdout.splitlines()[-60:])))
        medians, spread = read_jmh(os.path.join(out_dir, "Current_run.jmh.json"))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return medians, spread, load.value


def kindling_side(jmh_path):
    """({benchmark: target}, run(names)): the Kindling benchmarks there are and the function that
    measures some of them, running them, or with --kindling-jmh reading them from that export (the
    same numbers in every round; foreign load None)."""
    if jmh_path is None:
        listed = list_benchmarks()
        return listed, lambda names: run_kindling(names, sorted({listed[name] for name in names}))
    medians, spread = read_jmh(jmh_path)
    return ({name: None for name in medians},
            lambda names: ({n: medians[n] for n in names}, {n: spread[n] for n in names}, None))


# MARK: - PyTorch


def timed_with_reset(fn, reset, min_time=0.3, min_reps=5):
    """elementwise_bw.time_fn for an in-place op: `reset()` before each call, outside the timing."""
    reset()
    fn()
    ts = []
    t_start = time.perf_counter()
    while len(ts) < min_reps or time.perf_counter() - t_start < min_time:
        reset()
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2], ts[0]


def torch_overhead(peers, names):
    """op_overhead.py's cases for the overhead.* benchmarks in `names`, at 1 and 2 threads:
    ({(case, threads): median µs}, foreign loads)."""
    wanted = {case for kname, case in OVERHEAD if kname in names}
    results, foreign = {}, {}
    if not wanted:
        return results, foreign
    for nt in (1, 2):
        peers.torch.set_num_threads(nt)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            for name, fn, k in peers.op_overhead.cases():
                if name in wanted:
                    results[(name, nt)] = peers.op_overhead.per_call_us(fn, k)[0]
        foreign[f"overhead t{nt}"] = load.value
    return results, foreign


def torch_elementwise(peers, names):
    """elementwise_bw.py's cases (+ in-place) for the sizes of the elementwise.* benchmarks in
    `names`, at 1 and 2 threads: ({(op.size.form, threads): median µs}, foreign loads)."""
    torch, time_fn = peers.torch, peers.elementwise_bw.time_fn
    results, foreign = {}, {}
    torch.manual_seed(0)
    for nt in (1, 2):
        torch.set_num_threads(nt)
        for n, label in SIZES_EW:
            if not any(name.split(".")[2] == label for name in names):
                continue
            a, b, c = torch.randn(n), torch.randn(n), torch.empty(n)
            a_small = a * 0.01
            out_cases = {
                "add": lambda: torch.add(a, b, out=c),
                "mul": lambda: torch.mul(a, b, out=c),
                "relu": lambda: torch.clamp_min(a, 0, out=c),
                "exp": lambda: torch.exp(a_small, out=c),
            }
            alloc_cases = {
                "add": lambda: a + b,
                "mul": lambda: a * b,
                "relu": lambda: torch.relu(a),
                "exp": lambda: torch.exp(a_small),
            }
            inplace_cases = {
                "add": (lambda: c.add_(b), lambda: c.copy_(a)),
                "mul": (lambda: c.mul_(b), lambda: c.copy_(a)),
                "relu": (lambda: c.relu_(), lambda: c.copy_(a)),
                "exp": (lambda: c.exp_(), lambda: c.copy_(a_small)),
            }
            shared.wait_quiet(max_wait=ARGS.max_wait)
            with shared.ForeignLoad() as load:
                for op in EW_BYTES:
                    key = f"{op}.{label}"
                    results[(f"elementwise.{key}.out", nt)] = time_fn(out_cases[op])[0] * 1e6
                    results[(f"elementwise.{key}.alloc", nt)] = time_fn(alloc_cases[op])[0] * 1e6
                    fn, reset = inplace_cases[op]
                    results[(f"elementwise.{key}.inplace", nt)] = timed_with_reset(fn, reset)[0] * 1e6
            foreign[f"elementwise {label} t{nt}"] = load.value
            del a, b, c, a_small
    return results, foreign


def torch_matmul(peers, names):
    """gemm_peak.py's sizes: torch.matmul allocating and torch.mm(out=), for the sizes and thread
    counts of the matmul.* and cblas_sgemm.* benchmarks in `names`: ({(name, threads): median µs}, foreign loads)."""
    torch, time_fn = peers.torch, peers.gemm_peak.time_fn
    results, foreign = {}, {}
    torch.manual_seed(0)
    for nt in (1, 2):
        sizes = [n for n in SIZES_MM if f"matmul.{n}.t{nt}" in names or f"cblas_sgemm.{n}.t{nt}" in names]
        if not sizes:
            continue
        torch.set_num_threads(nt)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            for n in sizes:
                a, b, c = torch.randn(n, n), torch.randn(n, n), torch.empty(n, n)
                results[(f"matmul.{n}", nt)] = time_fn(lambda: torch.matmul(a, b))[0] * 1e6
                results[(f"cblas_sgemm.{n}", nt)] = time_fn(lambda: torch.mm(a, b, out=c))[0] * 1e6
        foreign[f"matmul t{nt}"] = load.value
    return results, foreign


def torch_layers(peers, names):
    """conv_fwd_bwd.py's layers and modes, for the layer.* benchmarks in `names`, at 1 and 2 threads:
    ({(layer.<name>.<mode>, threads): median µs}, foreign loads)."""
    torch, time_fn = peers.torch, peers.conv_fwd_bwd.time_fn
    nn = torch.nn
    results, foreign = {}, {}
    for nt in (1, 2):
        torch.set_num_threads(nt)
        torch.manual_seed(0)
        cases = [("conv", nn.Conv2d(32, 64, 3), torch.randn(64, 32, 28, 28)),
                 ("linear", nn.Linear(1024, 1024), torch.randn(256, 1024))]
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            for name, layer, x in cases:
                if not any(n.startswith(f"layer.{name}.") for n in names):
                    continue
                with torch.no_grad():
                    g = torch.randn_like(layer(x))
                xg = x.clone().requires_grad_(True)

                def fwd():
                    with torch.no_grad():
                        layer(x)

                def fwdbwd():
                    layer(xg).backward(g)
                    xg.grad = None
                    for p in layer.parameters():
                        p.grad = None

                results[(f"layer.{name}.fwd", nt)] = time_fn(fwd)[0] * 1e6
                results[(f"layer.{name}.fwdbwd", nt)] = time_fn(fwdbwd)[0] * 1e6
        foreign[f"layers t{nt}"] = load.value
    return results, foreign


def torch_linalg(peers, names):
    """Benchmarks/peers/linalg.py's workloads for the linalg.* benchmarks in `names`, at 1 and 2 threads:
    ({(linalg.<function>.<n>, threads): median µs per call}, foreign loads)."""
    results, foreign = {}, {}
    wanted = sorted(n for n in names if n.startswith("linalg."))
    for nt in (1, 2):
        r, load = peers.linalg.measure(wanted, nt, max_wait=ARGS.max_wait)
        results.update({(name, nt): us for name, us in r.items()})
        foreign[f"linalg t{nt}"] = load
    return results, foreign


def linalg_key(name):
    """Sort key of a linalg.<function>.<n> name: LINALG_FLOPS's order, then other functions, then n."""
    _, function, size = name.split(".")
    order = list(LINALG_FLOPS)
    return (order.index(function) if function in order else len(order), function, int(size))


def torch_train(peers, names):
    """Benchmarks/peers/train_step.py's steps for the train.* benchmarks in `names`:
    ({(train.<model>.b<batch>, threads): median µs per step}, foreign loads)."""
    results, foreign = {}, {}
    for model in TRAIN_TARGETS:
        for bs in TRAIN_BATCHES:
            for nt in (1, 2):
                if f"train.{model}.b{bs}.t{nt}" not in names:
                    continue
                seconds, load = peers.train_step.measure(model, nt, max_wait=ARGS.max_wait, batch_size=bs)
                results[(f"train.{model}.b{bs}", nt)] = seconds * 1e6
                foreign[f"train {model} b{bs} t{nt}"] = load
    return results, foreign


# MARK: - Rounds


class Section:
    """One part of a round: Kindling's benchmarks whose names match `pattern` (whole name), then
    `torch(peers, names)` ({(workload, threads): µs}, {label: foreign load}) for them, or None
    where PyTorch has no side."""

    def __init__(self, name, pattern, torch):
        self.name, self.pattern, self.torch = name, pattern, torch


# The order each round runs them in. A benchmark belongs to the first section that matches it; the
# last catches any other benchmark of TARGETS, so that every one the filter selects still runs.
SECTIONS = [
    Section("overhead", r"overhead\..*", torch_overhead),
    Section("elementwise", r"elementwise\..*", torch_elementwise),
    Section("matmul", r"(matmul|cblas_sgemm)\.\d+\..*", torch_matmul),
    Section("layers", r"layer\..*", torch_layers),
    Section("linalg", r"linalg\..*", torch_linalg),
    Section("train", r"train\..*", torch_train),
    Section("data loader", r"fashion-mnist\..*", None),
    Section("other", r".*", None),
]


def plan_sections(names):
    """[(section, its benchmarks among `names`, sorted)] in SECTIONS' order, sections with none left out."""
    members = {section.name: [] for section in SECTIONS}
    for name in sorted(names):
        section = next(s for s in SECTIONS if re.fullmatch(s.pattern, name))
        members[section.name].append(name)
    return [(section, members[section.name]) for section in SECTIONS if members[section.name]]


class Round:
    """One round's numbers: Kindling's {benchmark: median µs} and {benchmark: (p25, p75)}, PyTorch's
    {(workload, threads): median µs}, and {section label: foreign load}."""

    def __init__(self):
        self.kindling, self.spread, self.torch, self.foreign = {}, {}, {}, {}


def run_section(section, names, run_kindling_names, peers, round_, label):
    """Runs one section once: Kindling's benchmarks `names`, then PyTorch's same workloads, into `round_`."""
    print(f"{label} {section.name}: Kindling, {counted(len(names), 'benchmark')} ...", file=sys.stderr, flush=True)
    medians, spread, load = run_kindling_names(names)
    round_.kindling.update(medians)
    round_.spread.update(spread)
    round_.foreign[f"kindling {section.name}"] = load
    if section.torch is not None:
        print(f"{label} {section.name}: PyTorch ...", file=sys.stderr, flush=True)
        results, foreign = section.torch(peers, set(names))
        round_.torch.update(results)
        round_.foreign.update(foreign)


def run_rounds(plan, rounds, run_kindling_names, peers):
    """[Round] of `rounds` rounds, each running every section of `plan` in turn, Kindling then PyTorch."""
    results = []
    for r in range(rounds):
        round_ = Round()
        for section, names in plan:
            run_section(section, names, run_kindling_names, peers, round_, f"round {r + 1}/{rounds}")
        results.append(round_)
    return results


def keys_of(dicts):
    """The keys of `dicts`, in order of first appearance."""
    return list(dict.fromkeys(key for d in dicts for key in d))


def median_over(dicts):
    """{key: the median of its values in `dicts` (those that have it)}."""
    return {key: statistics.median(d[key] for d in dicts if key in d) for key in keys_of(dicts)}


def spread_over(dicts):
    """{benchmark: (median p25, median p75)} over the rounds' {benchmark: (p25, p75)}."""
    return {key: tuple(statistics.median(d[key][i] for d in dicts if key in d) for i in (0, 1))
            for key in keys_of(dicts)}


def worst_over(dicts):
    """{label: the highest foreign load in `dicts`} (None where no round measured one)."""
    return {key: max((d[key] for d in dicts if d.get(key) is not None), default=None) for key in keys_of(dicts)}


def round_ratios(rounds, kindling_name, torch_key):
    """(median, min, max) of PyTorch time / Kindling time over the rounds that measured both, or None."""
    ratios = [r.torch[torch_key] / r.kindling[kindling_name] for r in rounds
              if kindling_name in r.kindling and torch_key in r.torch]
    return (statistics.median(ratios), min(ratios), max(ratios)) if ratios else None


# MARK: - Time to first training step


def time_process(cmd, runs, cwd=None):
    """Wall seconds of `runs` runs of `cmd` (after one untimed warm-up run), each from launch to exit."""
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return sorted(times)


def first_step(runs):
    """{"kindling": sorted seconds, "torch": sorted seconds}, foreign loads: the time from process
    start to the end of the first MLP training step, Kindling's release binary against python -c."""
    print("Kindling: swift build -c release --product FirstTrainingStep ...", file=sys.stderr, flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "FirstTrainingStep"], cwd=BENCH_PACKAGE,
                   check=True, stdout=subprocess.DEVNULL)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=BENCH_PACKAGE,
                              check=True, capture_output=True, text=True).stdout.strip()
    commands = {"kindling": [os.path.join(bin_path, "FirstTrainingStep")],
                "torch": [sys.executable, "-c", FIRST_STEP_TORCH]}
    results, foreign = {}, {}
    for side, cmd in commands.items():
        print(f"{side}: time to first training step, {runs} runs ...", file=sys.stderr, flush=True)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            results[side] = time_process(cmd, runs)
        foreign[f"first-step {side}"] = load.value
    return results, foreign


def print_first_step_table(result):
    k, t = result["kindling"], result["torch"]
    median = statistics.median
    lines = [["time to first training step", "Kindling s", "(min–max)", "PyTorch s", "(min–max)",
              "ratio PT/K", "target (Kindling)", "met"],
             ["MLP, batch 64, from process start", f"{median(k):.3f}", f"{k[0]:.3f}–{k[-1]:.3f}",
              f"{median(t):.3f}", f"{t[0]:.3f}–{t[-1]:.3f}", f"{median(t) / median(k):.1f}",
              f"<= {FIRST_STEP_TARGET:.1f} s", "yes" if median(k) <= FIRST_STEP_TARGET else "NO"]]
    print_grid(lines)


# MARK: - Per-op cost in a plain loop


def loop_name(op):
    """overhead.add.1 -> overhead-loop.add.1: the --filter name of OpOverheadLoop's row for op."""
    return op.replace("overhead.", "overhead-loop.", 1)


def overhead_loop(runs):
    """{op: [median µs per op of each run]}, foreign loads: OpOverheadLoop's release binary, `runs` runs."""
    print("Kindling: swift build -c release --product OpOverheadLoop ...", file=sys.stderr, flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "OpOverheadLoop"], cwd=BENCH_PACKAGE,
                   check=True, stdout=subprocess.DEVNULL)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=BENCH_PACKAGE,
                              check=True, capture_output=True, text=True).stdout.strip()
    results = {op: [] for op in OVERHEAD_LOOP_OPS}
    worst = 0.0
    for run in range(runs):
        print(f"kindling: per-op cost in a plain loop, run {run + 1}/{runs} ...", file=sys.stderr, flush=True)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            out = subprocess.run([os.path.join(bin_path, "OpOverheadLoop")], check=True, capture_output=True,
                                 text=True).stdout
        worst = max(worst, load.value)
        for line in out.splitlines():
            name, median_ns, _ = line.split()
            if name in results:
                results[name].append(float(median_ns) / 1000)
    return results, {"overhead loop": worst}


def overhead_loop_rows(loop, torch_results):
    """(op, Kindling µs (median over runs), min, max, PyTorch t1 µs or None, ratio or None) per op."""
    torch_key = dict(OVERHEAD)
    out = []
    for op, times in loop.items():
        if not times:
            continue
        k = statistics.median(times)
        t = torch_results.get((torch_key[op], 1))
        out.append((loop_name(op), k, min(times), max(times), t, t / k if t else None))
    return out


def print_overhead_loop_table(rows_):
    lines = [["per-op cost, plain loop", "Kindling µs", "(min–max)", "PyTorch t1 µs", "ratio PT/K", "target",
              "met"]]
    for op, k, lo, hi, t, r in rows_:
        lines.append([op, f"{k:.3f}", f"{lo:.3f}–{hi:.3f}", f"{t:.3f}" if t else "—", f"{r:.2f}" if r else "—",
                      f"<= {OVERHEAD_LOOP_TARGET} µs", "yes" if k <= OVERHEAD_LOOP_TARGET else "NO"])
    print_grid(lines)


# MARK: - The table

# A row's rate: its work per op (bytes, flops, samples) per Kindling time, as (scale to the unit
# from work per µs, format).
RATE_UNITS = {"GB/s": (1e-3, ".1f"), "GFLOP/s": (1e-3, ".1f"), "samples/s": (1e6, ".0f")}


def row_specs(names):
    """(workload, Kindling benchmark, PyTorch key at 1 thread or None, at 2 threads or None,
    (work per op, rate unit) or None) for every table row of the Kindling benchmarks in `names`."""
    out = []
    for kname, tname in OVERHEAD:
        if kname in names:
            out.append((kname, kname, (tname, 1), (tname, 2), None))
    for form in ("inplace", "alloc"):
        for n, label in SIZES_EW:
            for op, bpe in EW_BYTES.items():
                name = f"elementwise.{op}.{label}.{form}"
                if name not in names:
                    continue
                out.append((name, name, (name, 1), (name, 2), (bpe * n, "GB/s")))
                if form == "inplace":
                    out_name = f"elementwise.{op}.{label}.out"
                    out.append(("  vs PyTorch out=", name, (out_name, 1), (out_name, 2), None))
    for base in ("matmul", "cblas_sgemm"):
        for n in SIZES_MM:
            for nt in (1, 2):
                name = f"{base}.{n}.t{nt}"
                if name in names:  # compared with PyTorch at the same thread count only
                    key = (f"{base}.{n}", nt)
                    out.append((name, name, key if nt == 1 else None, key if nt == 2 else None,
                                (2 * n ** 3, "GFLOP/s")))
    flops = {"conv": 2.0 * 64 * 64 * 26 * 26 * 32 * 9, "linear": 2.0 * 256 * 1024 * 1024}
    for layer, forward_flops in flops.items():
        for mode, multiple in (("fwd", 1), ("fwdbwd", 3)):
            name = f"layer.{layer}.{mode}"
            if name in names:
                out.append((name, name, (name, 1), (name, 2), (multiple * forward_flops, "GFLOP/s")))
    for name in sorted((n for n in names if re.fullmatch(r"linalg\.\w+\.\d+", n)), key=linalg_key):
        _, function, size = name.split(".")
        flops_of = LINALG_FLOPS.get(function)
        out.append((name, name, (name, 1), (name, 2), (flops_of(int(size)), "GFLOP/s") if flops_of else None))
    for model, bs, nt, name, key in train_benchmarks(names):
        out.append((name, name, key if nt == 1 else None, key if nt == 2 else None, (bs, "samples/s")))
    return out


def train_benchmarks(names):
    """(model, batch, threads, Kindling benchmark, PyTorch key) per train.* benchmark in `names`."""
    return [(model, bs, nt, f"train.{model}.b{bs}.t{nt}", (f"train.{model}.b{bs}", nt))
            for model in TRAIN_TARGETS for bs in TRAIN_BATCHES for nt in (1, 2)
            if f"train.{model}.b{bs}.t{nt}" in names]


def rows(rounds, kindling, spread, torch_results):
    """(workload, Kindling µs, (p25, p75), PyTorch t1 µs, PyTorch t2 µs, t1 ratios, t2 ratios, rate) per
    row: times are the medians over the rounds, ratios round_ratios' (median, min, max) or None."""
    out = []
    for workload, kname, key1, key2, rate in row_specs(kindling):
        k = kindling[kname]
        rate_text = ""
        if rate is not None:
            scale, form = RATE_UNITS[rate[1]]
            rate_text = f"{rate[0] / k * scale:{form}} {rate[1]}"
        out.append((workload, k, spread[kname], torch_results.get(key1), torch_results.get(key2),
                    round_ratios(rounds, kname, key1), round_ratios(rounds, kname, key2), rate_text))
    return out


def train_rows(rounds, kindling, torch_results):
    """(model, batch, threads, Kindling samples/s, PyTorch samples/s, ratios, target) per train.*
    benchmark that both sides ran: samples/s from the medians over the rounds, ratios the (median,
    min, max) over the rounds of that round's Kindling samples/s ÷ PyTorch samples/s."""
    out = []
    for model, bs, nt, name, key in train_benchmarks(kindling):
        if key not in torch_results:
            continue
        out.append((model, bs, nt, bs / kindling[name] * 1e6, bs / torch_results[key] * 1e6,
                    round_ratios(rounds, name, key), TRAIN_TARGETS[model]))
    return out


def loader_rows(kindling):
    """(workers, loader µs per batch, [(threads, MLP step µs, fraction)]) per DataBenchmarks epoch."""
    out = []
    for workers in (0, 2):
        epoch = kindling.get(f"fashion-mnist.epoch.b{TRAIN_BATCH}.workers{workers}")
        if epoch is None:
            continue
        per_batch = epoch / LOADER_BATCHES
        steps = [(nt, kindling[f"train.mlp.b{TRAIN_BATCH}.t{nt}"]) for nt in (1, 2)
                 if f"train.mlp.b{TRAIN_BATCH}.t{nt}" in kindling]
        out.append((workers, per_batch, [(nt, step, per_batch / step) for nt, step in steps]))
    return out


def fmt_time(us):
    if us is None:
        return "—"
    return f"{us:.3f}" if us < 10 else f"{us:.1f}" if us < 1000 else f"{us:.0f}"


def fmt_ratio(ratios):
    """The median of round_ratios' (median, min, max), and its range."""
    return ("—", "—") if ratios is None else (f"{ratios[0]:.2f}", f"{ratios[1]:.2f}–{ratios[2]:.2f}")


def print_table(table):
    header = ["workload", "Kindling µs", "(p25–p75)", "PyTorch t1", "PyTorch t2", "ratio t1", "(min–max)",
              "ratio t2", "(min–max)", "Kindling rate"]
    lines = [header]
    for name, k, (p25, p75), t1, t2, ratios1, ratios2, rate in table:
        lines.append([name, fmt_time(k), f"{fmt_time(p25)}–{fmt_time(p75)}", fmt_time(t1), fmt_time(t2),
                      *fmt_ratio(ratios1), *fmt_ratio(ratios2), rate])
    print_grid(lines)


def print_grid(lines):
    """Prints rows of cells, the first a header, the first column left-aligned."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        print(" | ".join(cells))
        if i == 0:
            print("-+-".join("-" * w for w in widths))


def print_train_table(rows_):
    lines = [["training step", "batch", "threads", "Kindling samples/s", "PyTorch samples/s",
              "ratio K/PT", "(min–max)", "target", "met"]]
    for model, bs, nt, k_rate, t_rate, ratios, target in rows_:
        lines.append([model, str(bs), str(nt), f"{k_rate:.0f}", f"{t_rate:.0f}", *fmt_ratio(ratios),
                      f">= {target:.1f}", "yes" if ratios[0] >= target else "NO"])
    print_grid(lines)


def print_loader_table(rows_):
    lines = [["data loader, batch 64", "µs/batch", "MLP step t1 µs", "fraction t1", "MLP step t2 µs",
              "fraction t2", "target"]]
    for workers, per_batch, fractions in rows_:
        cells = {nt: (fmt_time(step), f"{100 * fraction:.1f}%") for nt, step, fraction in fractions}
        lines.append([f"Fashion-MNIST, {workers} workers", fmt_time(per_batch),
                      *cells.get(1, ("—", "—")), *cells.get(2, ("—", "—")), f"< {100 * LOADER_TARGET:.0f}%"])
    print_grid(lines)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=DEFAULT_SHARED,
                        help="folder of the PyTorch baseline scripts (default: ../shared/bench)")
    parser.add_argument("--filter", default=None,
                        help="regex on Kindling benchmark names (package-benchmark --filter: whole name)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of Kindling and PyTorch alternating section by section (default 3; "
                             "each about 7 minutes for the whole suite; 1 for a quick run)")
    parser.add_argument("--max-wait", type=float, default=90.0,
                        help="seconds to wait for a quiet machine before each section and side (default 90)")
    parser.add_argument("--kindling-jmh", default=None,
                        help="read Kindling results from this JMH file instead of running the suite "
                             "(the same numbers in every round)")
    parser.add_argument("--json", default=None, help="also write every number to this JSON file")
    parser.add_argument("--first-step-runs", type=int, default=FIRST_STEP_RUNS,
                        help=f"timed runs per side for {FIRST_STEP_NAME} (default {FIRST_STEP_RUNS}; median)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def load_peers():
    """The PyTorch side's modules: torch, the shared baseline scripts, train_step.py and linalg.py."""
    try:
        import torch
    except ImportError as error:
        sys.exit(f"compare.py: PyTorch cannot be imported by {sys.executable} ({error}). `make compare` installs it "
                 "in .venv (pip install torch numpy); or run this script with a Python that has torch.")
    scripts = {name: os.path.join(ARGS.shared, f"{name}.py") for name in ("op_overhead", "elementwise_bw", "gemm_peak", "conv_fwd_bwd")}
    missing = [p for p in scripts.values() if not os.path.exists(p)]
    if missing:
        sys.exit(f"compare.py: the PyTorch baseline scripts are missing: {', '.join(missing)} (use --shared DIR)")
    here = os.path.dirname(os.path.abspath(__file__))
    return types.SimpleNamespace(
        torch=torch, **{name: load_module(path, name) for name, path in scripts.items()},
        train_step=load_module(os.path.join(here, "train_step.py"), "train_step"),
        linalg=load_module(os.path.join(here, "linalg.py"), "linalg_bench"))


def counted(n, noun):
    """"1 round", "3 rounds"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def print_report(peers, rounds, table, trains, loaders, first, loop, foreign, seconds):
    torch = peers.torch
    print()
    print(f"Kindling vs PyTorch {torch.__version__} ({torch.get_num_threads()} max threads), "
          f"{os.cpu_count()} CPUs, {counted(len(rounds), 'round')}, run took {seconds:.0f} s")
    print()
    if table:
        print(f"Times: median over {counted(len(rounds), 'round')} of each round's median µs per op. ratio = median over the "
              "rounds of PyTorch / Kindling in the same round (> 1: Kindling faster), (min–max) their range. "
              "Matmul rows compare the same thread count.")
        print()
        print_table(table)
        print()
    if trains:
        print("Training steps: samples/s (batch / median step time); ratio = median over the rounds of Kindling / "
              "PyTorch at the same batch and thread count in the same round (Kindling's t = BLAS.threadCount; "
              "its other kernels use every core)")
        print()
        print_train_table(trains)
        print()
    if loaders:
        print(f"Data loader: one shuffled Fashion-MNIST epoch / {LOADER_BATCHES} batches, as a fraction of "
              "Kindling's MLP training step (train.mlp.b64), from the medians over the rounds")
        print()
        print_loader_table(loaders)
        print()
    if first:
        print(f"Time to first training step: wall time from launching the process to the end of its first MLP "
              f"step (batch 64, synthetic data), median of {ARGS.first_step_runs} runs after a warm-up run; "
              "Kindling: Benchmarks' FirstTrainingStep release binary; PyTorch: python -c, so interpreter "
              "start-up and `import torch` count")
        print()
        print_first_step_table(first)
        print()
    if loop:
        print("Per-op cost in a plain loop: OpOverheadLoop's release binary (no package-benchmark code, so no "
              "malloc interposer around the op's allocations), median µs per op of each run, median over "
              "the runs (one per round); PyTorch: the overhead section's t1 time of the same op in this run")
        print()
        print_overhead_loop_table(loop)
        print()
    print("GPU rows: none here (GPUBenchmarks registers nothing without CUDA; on a GPU machine, "
          "Tools/gpu/device-check.sh compares kindling gpu bench with peers/gpu_bench.py)")
    print("CPU load from other processes per section, the worst over the rounds (0 = idle machine, > 0.1 = suspect):",
          json.dumps(foreign))


def torch_json(results):
    """{(workload, threads): µs} as {"<workload>.t<threads>": µs}."""
    return {f"{k}.t{t}": v for (k, t), v in results.items()}


def ratio_json(key, ratios):
    """{key: the median of round_ratios' (median, min, max), key_min_max: [min, max]}, None where absent."""
    if ratios is None:
        return {key: None, f"{key}_min_max": None}
    return {key: ratios[0], f"{key}_min_max": [ratios[1], ratios[2]]}


def write_json(path, peers, rounds, kindling, spread, torch_results, table, trains, loaders, first, loop,
               foreign):
    with open(path, "w") as f:
        json.dump({
            "torch": peers.torch.__version__,
            "rounds": len(rounds),
            "kindling_median_us": kindling,
            "kindling_p25_p75_us": spread,
            "torch_median_us": torch_json(torch_results),
            "foreign_load": foreign,
            "rows": [{"workload": w, "kindling_us": k, "torch_t1_us": t1, "torch_t2_us": t2,
                      **ratio_json("ratio_t1", r1), **ratio_json("ratio_t2", r2)}
                     for w, k, _, t1, t2, r1, r2, _ in table],
            "train": [{"model": m, "batch": bs, "threads": nt, "kindling_samples_per_s": k,
                       "torch_samples_per_s": t, **ratio_json("ratio", r), "target": g}
                      for m, bs, nt, k, t, r, g in trains],
            "first_step_s": first,
            "overhead_loop": [{"workload": w, "kindling_us": k, "kindling_min_max_us": [lo, hi], "torch_t1_us": t,
                               "ratio_t1": r} for w, k, lo, hi, t, r in loop],
            "loader": [{"workers": w, "us_per_batch": b,
                        "fraction_of_mlp_step": {f"t{nt}": fr for nt, _, fr in fr_list}}
                       for w, b, fr_list in loaders],
            "per_round": [{"kindling_median_us": r.kindling, "kindling_p25_p75_us": r.spread,
                           "torch_median_us": torch_json(r.torch), "foreign_load": r.foreign} for r in rounds],
        }, f, indent=1)


def main():
    global ARGS, shared
    ARGS = parse_args()
    peers = load_peers()
    shared = peers.op_overhead  # ForeignLoad and wait_quiet: the same in every script

    started = time.time()
    listed, run_kindling_names = kindling_side(ARGS.kindling_jmh)
    selected = [name for name in listed if ARGS.filter is None or re.fullmatch(ARGS.filter, name)]
    plan = plan_sections(selected)
    if not plan:
        print("Kindling: the filter selects no package-benchmark benchmark", file=sys.stderr, flush=True)
    rounds = run_rounds(plan, ARGS.rounds, run_kindling_names, peers)
    kindling, spread = median_over([r.kindling for r in rounds]), spread_over([r.spread for r in rounds])
    torch_results = median_over([r.torch for r in rounds])
    foreign = worst_over([r.foreign for r in rounds])

    first = None
    if ARGS.filter is None or re.fullmatch(ARGS.filter, FIRST_STEP_NAME):
        first, f = first_step(ARGS.first_step_runs)
        foreign.update(f)

    loop = []
    if ARGS.filter is None or any(re.fullmatch(ARGS.filter, loop_name(op)) for op in OVERHEAD_LOOP_OPS):
        times, f = overhead_loop(max(1, len(rounds)))
        foreign.update(f)
        loop = overhead_loop_rows(times, torch_results)

    table = rows(rounds, kindling, spread, torch_results)
    trains = train_rows(rounds, kindling, torch_results)
    loaders = loader_rows(kindling)
    print_report(peers, rounds, table, trains, loaders, first, loop, foreign, time.time() - started)
    if ARGS.json:
        write_json(ARGS.json, peers, rounds, kindling, spread, torch_results, table, trains, loaders, first, loop,
                   foreign)


if __name__ == "__main__":
    main()
