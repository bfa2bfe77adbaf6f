#!/usr/bin/env python3
"""optim_step.py -- PyTorch's side of Benchmarks/OptimBenchmarks: one optimizer step over the
784-256-128-10 MLP's parameters (235,146 float32 values) with fixed random gradients.

Prints the median time per step in microseconds for torch.set_num_threads(1) and (2), for the
single-tensor path (foreach=False, what Kindling's fused steps are checked against) and PyTorch's
default (foreach=True on CPU tensors).

Usage: python Benchmarks/peers/optim_step.py
"""
import statistics
import time

import torch

SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]


def params():
    g = torch.Generator().manual_seed(0)
    out = []
    for s in SHAPES:
        p = torch.randn(s, generator=g).requires_grad_(True)
        p.grad = torch.randn(s, generator=g)
        out.append(p)
    return out


CASES = {
    "step.sgd-momentum.mlp": lambda ps, fe: torch.optim.SGD(ps, lr=0.01, momentum=0.9, foreach=fe),
    "step.adam.mlp": lambda ps, fe: torch.optim.Adam(ps, lr=1e-3, foreach=fe),
    "step.adamw-amsgrad.mlp": lambda ps, fe: torch.optim.AdamW(ps, lr=1e-3, amsgrad=True, foreach=fe),
}


def median_us(step, repeat=300):
    for _ in range(20):
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main():
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for name, make in CASES.items():
            for foreach in (False, True):
                opt = make(params(), foreach)
                print(f"{name:26s} t{threads} foreach={str(foreach):5s} {median_us(opt.step):9.1f} us")


if __name__ == "__main__":
    main()
