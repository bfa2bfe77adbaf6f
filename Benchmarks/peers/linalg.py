#!/usr/bin/env python3
"""linalg.py -- PyTorch's side of Benchmarks/LinalgBenchmarks: torch.linalg functions on float32
matrices at torch.set_num_threads(1) and (2), median microseconds per call.

The workloads (the same as LinalgBenchmarks.swift; the inputs are made once, outside the timing,
no autograd):

    linalg.solve.<n>      torch.linalg.solve(A, b): A = randn(n, n) + n*I (well-conditioned),
                          b = randn(n), one right-hand side vector (getrf + getrs)
    linalg.cholesky.<n>   torch.linalg.cholesky(S): S = M M^T / n + I (symmetric positive-definite)
    linalg.svd.<n>        torch.linalg.svd(A, full_matrices=False): A = randn(n, n) (gesdd)
    linalg.eigh.<n>       torch.linalg.eigh(S): S = M + M^T (symmetric; syevd)

for n = 64, 256, 1024. The values differ from Kindling's (another random generator); the work
does not depend on them. Further functions are one entry each in WORKLOADS, named like their
Kindling benchmark (`linalg.<function>`).

Timing: 3 warm-up calls, then calls until --min-time seconds (default 0.5) and at least 5 calls;
the median call. Before each measurement the script waits (up to --max-wait s) for a quiet
machine and records the CPU load other processes put on it (train_step.py's ForeignLoad).
Benchmarks/peers/compare.py imports measure() from here.

Usage: python Benchmarks/peers/linalg.py [--sizes 64,256,1024] [--threads 1,2] [--min-time S] [--json PATH]
"""
import argparse
import importlib.util
import json
import os
import statistics
import time

import torch

SIZES = [64, 256, 1024]


def _train_step():
    """train_step.py beside this script, for ForeignLoad and wait_quiet."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "train_step.py")
    spec = importlib.util.spec_from_file_location("train_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _solve(n):
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g) + n * torch.eye(n)
    b = torch.randn(n, generator=g)
    return lambda: torch.linalg.solve(a, b)


def _cholesky(n):
    g = torch.Generator().manual_seed(2)
    m = torch.randn(n, n, generator=g)
    s = m @ m.mT / n + torch.eye(n)
    return lambda: torch.linalg.cholesky(s)


def _svd(n):
    g = torch.Generator().manual_seed(3)
    a = torch.randn(n, n, generator=g)
    return lambda: torch.linalg.svd(a, full_matrices=False)


def _eigh(n):
    g = torch.Generator().manual_seed(4)
    m = torch.randn(n, n, generator=g)
    s = m + m.mT
    return lambda: torch.linalg.eigh(s)


# name -> setup(n) returning the call to time.
WORKLOADS = {
    "linalg.solve": _solve,
    "linalg.cholesky": _cholesky,
    "linalg.svd": _svd,
    "linalg.eigh": _eigh,
}


def median_seconds(fn, min_time=0.5, min_calls=5):
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(names, threads, min_time=0.5, max_wait=90.0):
    """({benchmark name: median µs per call}, foreign load) for the `linalg.<function>.<n>` names
    given (others are ignored) at torch.set_num_threads(threads)."""
    shared = _train_step()
    torch.set_num_threads(threads)
    results = {}
    shared.wait_quiet(max_wait=max_wait)
    with torch.no_grad(), shared.ForeignLoad() as load:
        for name in names:
            workload, _, size = name.rpartition(".")
            if workload not in WORKLOADS or not size.isdigit():
                continue
            results[name] = median_seconds(WORKLOADS[workload](int(size)), min_time) * 1e6
    return results, load.value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--max-wait", type=float, default=90.0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    names = [f"{w}.{n}" for w in WORKLOADS for n in map(int, args.sizes.split(","))]
    out = []
    for threads in map(int, args.threads.split(",")):
        results, foreign = measure(names, threads, args.min_time, args.max_wait)
        for name, us in results.items():
            out.append({"benchmark": name, "threads": threads, "us": us, "foreign_load": foreign})
            print(f"{name:24s} t{threads} {us:11.1f} us  (foreign load {foreign})", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "results": out}, f, indent=1)


if __name__ == "__main__":
    main()
