#!/usr/bin/env python3
"""compare.py -- Kindling against PyTorch on the same CPU workloads, measured in one run.

Runs Benchmarks/'s TensorBenchmarks suite (package-benchmark, release build, JMH export) and the
PyTorch side of the same workloads, then prints one table:

    workload | Kindling | PyTorch t1 | PyTorch t2 | ratio t1 | ratio t2 | Kindling rate

Times are medians per op in microseconds; ratio = PyTorch time / Kindling time, so > 1 means
Kindling is faster. t1 / t2 = torch.set_num_threads(1 / 2). Kindling's elementwise loops split
across every core above 32768 elements (2 threads here) and cannot be told otherwise; its matrix
products run with BLAS.threadCount = 1 and 2 (rows `... t1` / `... t2`, compared with the same
PyTorch thread count).

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
                  scripts) at n threads. A second table gives samples/s and the ratio Kindling /
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
  gpu.*           none yet: Kindling has no GPU benchmark target. GPU rows are skipped when KindlingGPU's
                  CUDA.isAvailable is false (a GPUBenchmarks target registers its benchmarks only when it
                  is true), so this script runs the same on machines with and without a GPU.
  fashion-mnist.epoch.b64.workers<w>  (DataBenchmarks) one shuffled Fashion-MNIST epoch through a
                  DataLoader, batch 64, collated to tensors; a third table gives the loader's time
                  per batch (epoch / 938 batches) as a fraction of the MLP training step (target < 5%).

The machine is shared: each section first waits (up to --max-wait s) for the machine to go quiet,
and the table ends with the CPU load other processes put on the machine during each section
(0 = idle, 0.5 = one of 2 cores busy elsewhere; > 0.1 means the section's numbers are suspect).

Usage (from the repository root; `make compare` (or its old name `make bench-compare`) installs torch
in .venv and runs this):
  python Benchmarks/peers/compare.py [--filter REGEX] [--max-wait S] [--json PATH] [--kindling-jmh PATH]
"""
import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time

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


def run_kindling(filter_regex, jmh_path=None):
    """Runs the Kindling benchmark targets and returns ({benchmark: median µs per op}, {benchmark: (p25, p75)}, foreign load)."""
    if jmh_path is None:
        out_dir = tempfile.mkdtemp(prefix="kindling-bench-")
        base = ["swift", "package", "--disable-sandbox", "--allow-writing-to-directory", out_dir, "benchmark"]
        # Build first (the plugin's release build), outside the measured section.
        targets = [arg for target in TARGETS for arg in ("--target", target)]
        listed = subprocess.run(base + ["list"] + targets, cwd=BENCH_PACKAGE, check=True, stdout=subprocess.PIPE,
                                text=True).stdout.splitlines()
        if filter_regex and not any(re.fullmatch(filter_regex, line.strip()) for line in listed):
            return {}, {}, None  # the filter selects no benchmark (e.g. only first-step.mlp.b64)
        cmd = base + targets + ["--no-progress", "--format", "jmh", "--path", out_dir]
        if filter_regex:
            cmd += ["--filter", filter_regex]
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            run = subprocess.run(cmd, cwd=BENCH_PACKAGE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            # package-benchmark prints which benchmark failed, and the crash's backtrace, on stdout.
            sys.exit("error: the Kindling benchmarks failed (exit status %d); the end of their output:\n%s"
                     % (run.returncode, "\n".join(run.stdout.splitlines()[-60:])))
        jmh_path = os.path.join(out_dir, "Current_run.jmh.json")
        foreign = load.value
    else:
        foreign = None
    if not os.path.exists(jmh_path):  # the filter matched no benchmark (e.g. only first-step.*)
        return {}, {}, foreign
    with open(jmh_path) as f:
        elements = json.load(f)
    medians, spread = {}, {}
    for element in elements:
        name = element["benchmark"].split(".", 3)[3]  # package.benchmark.<Target>.<name>
        wall = element["secondaryMetrics"]["Time (wall clock)"]
        assert wall["scoreUnit"] == "μs", wall["scoreUnit"]
        inner = INNER_ITERATIONS.get(name.split(".")[0], 1)
        p = wall["scorePercentiles"]
        medians[name] = p["50.0"] / inner
        samples = sorted(wall["rawData"][0])
        spread[name] = (samples[len(samples) // 4] / inner, samples[(3 * len(samples)) // 4] / inner)
    return medians, spread, foreign


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


def torch_overhead(torch, op_overhead, wanted):
    """op_overhead.py's cases at 1 and 2 threads: {(case, threads): median µs}."""
    results, foreign = {}, {}
    for nt in (1, 2):
        torch.set_num_threads(nt)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            for name, fn, k in op_overhead.cases():
                if name in wanted:
                    results[(name, nt)] = op_overhead.per_call_us(fn, k)[0]
        foreign[f"overhead t{nt}"] = load.value
    return results, foreign


def torch_elementwise(torch, elementwise_bw):
    """elementwise_bw.py's cases (+ in-place): {(op.size.form, threads): median µs}."""
    results, foreign = {}, {}
    torch.manual_seed(0)
    for nt in (1, 2):
        torch.set_num_threads(nt)
        for n, label in SIZES_EW:
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
                    results[(f"elementwise.{key}.out", nt)] = elementwise_bw.time_fn(out_cases[op])[0] * 1e6
                    results[(f"elementwise.{key}.alloc", nt)] = elementwise_bw.time_fn(alloc_cases[op])[0] * 1e6
                    fn, reset = inplace_cases[op]
                    results[(f"elementwise.{key}.inplace", nt)] = timed_with_reset(fn, reset)[0] * 1e6
            foreign[f"elementwise {label} t{nt}"] = load.value
            del a, b, c, a_small
    return results, foreign


def torch_matmul(torch, gemm_peak):
    """gemm_peak.py's sizes: torch.matmul allocating and torch.mm(out=): {(name, threads): median µs}."""
    results, foreign = {}, {}
    torch.manual_seed(0)
    for nt in (1, 2):
        torch.set_num_threads(nt)
        shared.wait_quiet(max_wait=ARGS.max_wait)
        with shared.ForeignLoad() as load:
            for n in SIZES_MM:
                a, b, c = torch.randn(n, n), torch.randn(n, n), torch.empty(n, n)
                results[(f"matmul.{n}", nt)] = gemm_peak.time_fn(lambda: torch.matmul(a, b))[0] * 1e6
                results[(f"cblas_sgemm.{n}", nt)] = gemm_peak.time_fn(lambda: torch.mm(a, b, out=c))[0] * 1e6
        foreign[f"matmul t{nt}"] = load.value
    return results, foreign


def torch_layers(torch, conv_fwd_bwd):
    """conv_fwd_bwd.py's layers and modes: {(layer.<name>.<mode>, threads): median µs}."""
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

                results[(f"layer.{name}.fwd", nt)] = conv_fwd_bwd.time_fn(fwd)[0] * 1e6
                results[(f"layer.{name}.fwdbwd", nt)] = conv_fwd_bwd.time_fn(fwdbwd)[0] * 1e6
        foreign[f"layers t{nt}"] = load.value
    return results, foreign


def torch_linalg(linalg, names):
    """Benchmarks/peers/linalg.py's workloads for the linalg.* benchmarks that ran, at 1 and 2 threads:
    ({(linalg.<function>.<n>, threads): median µs per call}, foreign loads)."""
    results, foreign = {}, {}
    wanted = sorted(n for n in names if n.startswith("linalg."))
    for nt in (1, 2):
        r, load = linalg.measure(wanted, nt, max_wait=ARGS.max_wait)
        results.update({(name, nt): us for name, us in r.items()})
        foreign[f"linalg t{nt}"] = load
    return results, foreign


def linalg_key(name):
    """Sort key of a linalg.<function>.<n> name: LINALG_FLOPS's order, then other functions, then n."""
    _, function, size = name.split(".")
    order = list(LINALG_FLOPS)
    return (order.index(function) if function in order else len(order), function, int(size))


def torch_train(train_step, names):
    """Benchmarks/peers/train_step.py's steps for the train.* benchmarks that ran:
    ({(train.<model>.b<batch>, threads): median µs per step}, foreign loads)."""
    results, foreign = {}, {}
    for model in TRAIN_TARGETS:
        for bs in TRAIN_BATCHES:
            for nt in (1, 2):
                if f"train.{model}.b{bs}.t{nt}" not in names:
                    continue
                seconds, load = train_step.measure(model, nt, max_wait=ARGS.max_wait, batch_size=bs)
                results[(f"train.{model}.b{bs}", nt)] = seconds * 1e6
                foreign[f"train {model} b{bs} t{nt}"] = load
    return results, foreign


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


def median(values):
    return values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2


def print_first_step_table(result):
    k, t = result["kindling"], result["torch"]
    lines = [["time to first training step", "Kindling s", "(min–max)", "PyTorch s", "(min–max)",
              "ratio PT/K", "target (Kindling)", "met"],
             ["MLP, batch 64, from process start", f"{median(k):.3f}", f"{k[0]:.3f}–{k[-1]:.3f}",
              f"{median(t):.3f}", f"{t[0]:.3f}–{t[-1]:.3f}", f"{median(t) / median(k):.1f}",
              f"<= {FIRST_STEP_TARGET:.1f} s", "yes" if median(k) <= FIRST_STEP_TARGET else "NO"]]
    print_grid(lines)


# MARK: - The table


def rows(kindling, spread, torch_results):
    """(workload, Kindling µs, (p25, p75), PyTorch t1 µs, PyTorch t2 µs, rate) for every measured workload."""
    out = []
    for kname, tname in OVERHEAD:
        if kname in kindling:
            out.append((kname, kindling[kname], spread[kname], torch_results.get((tname, 1)),
                        torch_results.get((tname, 2)), ""))
    for form in ("inplace", "alloc"):
        for n, label in SIZES_EW:
            for op, bpe in EW_BYTES.items():
                name = f"elementwise.{op}.{label}.{form}"
                if name not in kindling:
                    continue
                rate = f"{bpe * n / kindling[name] * 1e-3:.1f} GB/s"
                out.append((name, kindling[name], spread[name], torch_results.get((name, 1)),
                            torch_results.get((name, 2)), rate))
                if form == "inplace":
                    out_name = f"elementwise.{op}.{label}.out"
                    out.append((f"  vs PyTorch out=", kindling[name], spread[name],
                                torch_results.get((out_name, 1)), torch_results.get((out_name, 2)), ""))
    for base in ("matmul", "cblas_sgemm"):
        for n in SIZES_MM:
            for nt in (1, 2):
                name = f"{base}.{n}.t{nt}"
                if name not in kindling:
                    continue
                rate = f"{2 * n ** 3 / kindling[name] * 1e-3:.1f} GFLOP/s"
                t1 = torch_results.get((f"{base}.{n}", 1)) if nt == 1 else None
                t2 = torch_results.get((f"{base}.{n}", 2)) if nt == 2 else None
                out.append((name, kindling[name], spread[name], t1, t2, rate))
    flops = {"conv": 2.0 * 64 * 64 * 26 * 26 * 32 * 9, "linear": 2.0 * 256 * 1024 * 1024}
    for layer, forward_flops in flops.items():
        for mode, multiple in (("fwd", 1), ("fwdbwd", 3)):
            name = f"layer.{layer}.{mode}"
            if name in kindling:
                rate = f"{multiple * forward_flops / kindling[name] * 1e-3:.1f} GFLOP/s"
                out.append((name, kindling[name], spread[name], torch_results.get((name, 1)),
                            torch_results.get((name, 2)), rate))
    linalg_names = [n for n in kindling if re.fullmatch(r"linalg\.\w+\.\d+", n)]
    for name in sorted(linalg_names, key=linalg_key):
        _, function, size = name.split(".")
        flops = LINALG_FLOPS.get(function)
        rate = f"{flops(int(size)) / kindling[name] * 1e-3:.1f} GFLOP/s" if flops else ""
        out.append((name, kindling[name], spread[name], torch_results.get((name, 1)),
                    torch_results.get((name, 2)), rate))
    for model in TRAIN_TARGETS:
        for bs in TRAIN_BATCHES:
            for nt in (1, 2):
                name = f"train.{model}.b{bs}.t{nt}"
                if name in kindling:
                    torch_us = torch_results.get((f"train.{model}.b{bs}", nt))
                    rate = f"{bs / kindling[name] * 1e6:.0f} samples/s"
                    out.append((name, kindling[name], spread[name], torch_us if nt == 1 else None,
                                torch_us if nt == 2 else None, rate))
    return out


def train_rows(kindling, torch_results):
    """(model, batch, threads, Kindling samples/s, PyTorch samples/s, ratio, target) per train.* benchmark."""
    out = []
    for model, target in TRAIN_TARGETS.items():
        for bs in TRAIN_BATCHES:
            for nt in (1, 2):
                name = f"train.{model}.b{bs}.t{nt}"
                torch_us = torch_results.get((f"train.{model}.b{bs}", nt))
                if name not in kindling or torch_us is None:
                    continue
                k_rate, t_rate = bs / kindling[name] * 1e6, bs / torch_us * 1e6
                out.append((model, bs, nt, k_rate, t_rate, k_rate / t_rate, target))
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


def fmt_ratio(torch_us, kindling_us):
    return "—" if torch_us is None else f"{torch_us / kindling_us:.2f}"


def print_table(table):
    header = ["workload", "Kindling µs", "(p25–p75)", "PyTorch t1", "PyTorch t2", "ratio t1", "ratio t2",
              "Kindling rate"]
    lines = [header]
    for name, k, (p25, p75), t1, t2, rate in table:
        lines.append([name, fmt_time(k), f"{fmt_time(p25)}–{fmt_time(p75)}", fmt_time(t1), fmt_time(t2),
                      fmt_ratio(t1, k), fmt_ratio(t2, k), rate])
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
              "ratio K/PT", "target", "met"]]
    for model, bs, nt, k_rate, t_rate, ratio, target in rows_:
        lines.append([model, str(bs), str(nt), f"{k_rate:.0f}", f"{t_rate:.0f}", f"{ratio:.2f}", f">= {target:.1f}",
                      "yes" if ratio >= target else "NO"])
    print_grid(lines)


def print_loader_table(rows_):
    lines = [["data loader, batch 64", "µs/batch", "MLP step t1 µs", "fraction t1", "MLP step t2 µs",
              "fraction t2", "target"]]
    for workers, per_batch, fractions in rows_:
        cells = {nt: (fmt_time(step), f"{100 * fraction:.1f}%") for nt, step, fraction in fractions}
        lines.append([f"Fashion-MNIST, {workers} workers", fmt_time(per_batch),
                      *cells.get(1, ("—", "—")), *cells.get(2, ("—", "—")), f"< {100 * LOADER_TARGET:.0f}%"])
    print_grid(lines)


def main():
    global ARGS, shared
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=DEFAULT_SHARED,
                        help="folder of the PyTorch baseline scripts (default: ../shared/bench)")
    parser.add_argument("--filter", default=None,
                        help="regex on Kindling benchmark names (package-benchmark --filter: whole name)")
    parser.add_argument("--max-wait", type=float, default=90.0,
                        help="seconds to wait for a quiet machine before each section (default 90)")
    parser.add_argument("--kindling-jmh", default=None,
                        help="read Kindling results from this JMH file instead of running the suite")
    parser.add_argument("--json", default=None, help="also write every number to this JSON file")
    parser.add_argument("--first-step-runs", type=int, default=FIRST_STEP_RUNS,
                        help=f"timed runs per side for {FIRST_STEP_NAME} (default {FIRST_STEP_RUNS}; median)")
    ARGS = parser.parse_args()

    try:
        import torch  # noqa: F401 (the scripts below import it too)
    except ImportError as error:
        sys.exit(f"compare.py: PyTorch cannot be imported by {sys.executable} ({error}). `make compare` installs it "
                 "in .venv (pip install torch numpy); or run this script with a Python that has torch.")
    scripts = {name: os.path.join(ARGS.shared, f"{name}.py") for name in ("op_overhead", "elementwise_bw", "gemm_peak", "conv_fwd_bwd")}
    missing = [p for p in scripts.values() if not os.path.exists(p)]
    if missing:
        sys.exit(f"compare.py: the PyTorch baseline scripts are missing: {', '.join(missing)} (use --shared DIR)")
    op_overhead = load_module(scripts["op_overhead"], "op_overhead")
    elementwise_bw = load_module(scripts["elementwise_bw"], "elementwise_bw")
    gemm_peak = load_module(scripts["gemm_peak"], "gemm_peak")
    conv_fwd_bwd = load_module(scripts["conv_fwd_bwd"], "conv_fwd_bwd")
    shared = op_overhead  # ForeignLoad and wait_quiet: the same in every script
    train_step = load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "train_step.py"), "train_step")
    linalg = load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "linalg.py"), "linalg_bench")
    import torch

    started = time.time()
    print(f"Kindling: swift package benchmark --target {' --target '.join(TARGETS)} (release) ...", file=sys.stderr, flush=True)
    kindling, spread, kindling_foreign = run_kindling(ARGS.filter, ARGS.kindling_jmh)
    names = set(kindling)

    torch_results, foreign = {}, {"kindling": kindling_foreign}
    wanted = {t for k, t in OVERHEAD if k in names}
    print("PyTorch: op overhead ...", file=sys.stderr, flush=True)
    if wanted:
        r, f = torch_overhead(torch, op_overhead, wanted)
        torch_results.update(r), foreign.update(f)
    print("PyTorch: elementwise ...", file=sys.stderr, flush=True)
    if any(n.startswith("elementwise.") for n in names):
        r, f = torch_elementwise(torch, elementwise_bw)
        torch_results.update(r), foreign.update(f)
    print("PyTorch: matmul ...", file=sys.stderr, flush=True)
    if any(re.match(r"(matmul|cblas_sgemm)\.\d+\.", n) for n in names):
        r, f = torch_matmul(torch, gemm_peak)
        torch_results.update(r), foreign.update(f)

    print("PyTorch: layers ...", file=sys.stderr, flush=True)
    if any(n.startswith("layer.") for n in names):
        r, f = torch_layers(torch, conv_fwd_bwd)
        torch_results.update(r), foreign.update(f)

    print("PyTorch: linalg ...", file=sys.stderr, flush=True)
    if any(n.startswith("linalg.") for n in names):
        r, f = torch_linalg(linalg, names)
        torch_results.update(r), foreign.update(f)

    print("PyTorch: training steps ...", file=sys.stderr, flush=True)
    if any(n.startswith("train.") for n in names):
        r, f = torch_train(train_step, names)
        torch_results.update(r), foreign.update(f)

    first = None
    if ARGS.filter is None or re.fullmatch(ARGS.filter, FIRST_STEP_NAME):
        first, f = first_step(ARGS.first_step_runs)
        foreign.update(f)

    table = rows(kindling, spread, torch_results)
    trains = train_rows(kindling, torch_results)
    loaders = loader_rows(kindling)
    print()
    print(f"Kindling vs PyTorch {torch.__version__} ({torch.get_num_threads()} max threads), "
          f"{os.cpu_count()} CPUs, run took {time.time() - started:.0f} s")
    print()
    if table:
        print("Times: median µs per op. ratio = PyTorch / Kindling (> 1: Kindling faster). "
              "Matmul rows compare the same thread count.")
        print()
        print_table(table)
        print()
    if trains:
        print("Training steps: samples/s (batch / median step time); ratio = Kindling / PyTorch at the "
              "same batch and thread count (Kindling's t = BLAS.threadCount; its other kernels use every core)")
        print()
        print_train_table(trains)
        print()
    if loaders:
        print(f"Data loader: one shuffled Fashion-MNIST epoch / {LOADER_BATCHES} batches, as a fraction of "
              "Kindling's MLP training step (train.mlp.b64)")
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
    print("GPU rows: none (no GPU benchmark target yet; GPU benchmarks are skipped when KindlingGPU's "
          "CUDA.isAvailable is false)")
    print("CPU load from other processes per section (0 = idle machine, > 0.1 = suspect):",
          json.dumps(foreign))
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump({
                "torch": torch.__version__,
                "kindling_median_us": kindling,
                "kindling_p25_p75_us": spread,
                "torch_median_us": {f"{k}.t{t}": v for (k, t), v in torch_results.items()},
                "foreign_load": foreign,
                "rows": [{"workload": r[0], "kindling_us": r[1], "torch_t1_us": r[3], "torch_t2_us": r[4]}
                         for r in table],
                "train": [{"model": m, "batch": bs, "threads": nt, "kindling_samples_per_s": k,
                           "torch_samples_per_s": t, "ratio": r, "target": g} for m, bs, nt, k, t, r, g in trains],
                "first_step_s": first,
                "loader": [{"workers": w, "us_per_batch": b,
                            "fraction_of_mlp_step": {f"t{nt}": fr for nt, _, fr in fr_list}}
                           for w, b, fr_list in loaders],
            }, f, indent=1)


if __name__ == "__main__":
    main()
