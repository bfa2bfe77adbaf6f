#!/usr/bin/env python3
"""gpu_bench.py -- PyTorch's side of `kindling gpu bench`: the same workloads on the same GPU.

matmul.<n>.float32   torch.mm of two n x n float32 matrices, TFLOP/s = 2 n^3 / t
add.<N>, add_.<N>    a + b into a new tensor, a.add_(b), on N float32 elements; GB/s counts 3 N * 4 bytes
relu.<N>             torch.relu(a); GB/s counts 2 N * 4 bytes
train.cnn.b<B>       one SGD-momentum step (zero_grad, forward, cross-entropy, backward, step) of
                     ../shared/bench/cnn_train.py's CNN on a random batch of B 1x28x28 images

Each workload: 3 warm-up calls, then calls for --seconds, synchronizing every 4 calls and at the
end, as `kindling gpu bench` does. Prints the same tab-separated table.

Usage: python3 Benchmarks/peers/gpu_bench.py [--sizes 1024 2048 4096 8192] [--elements N] [--batch B]
"""
import argparse
import time

import torch
import torch.nn as nn


host_share = 0.0  # the last timed workload's share of time spent queuing work (outside syncs)


def timed(body, seconds, sync):
    global host_share
    for _ in range(3):
        body()
    sync()
    iterations, queuing, start = 0, 0.0, time.perf_counter()
    while True:
        call_start = time.perf_counter()
        body()
        queuing += time.perf_counter() - call_start
        iterations += 1
        if iterations % 4 == 0:
            sync()
        if time.perf_counter() - start >= seconds:
            break
    sync()
    total = time.perf_counter() - start
    host_share = queuing / total
    return total / iterations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1024, 2048, 4096, 8192])
    parser.add_argument("--elements", type=int, default=64 << 20)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    torch.backends.cuda.matmul.allow_tf32 = False  # Kindling's float32 products are full float32
    print("workload\tseconds\trate")
    for n in args.sizes:
        a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
        t = timed(lambda: torch.mm(a, b), args.seconds, sync)
        print(f"matmul.{n}.float32\t{t:.6e}\t{2 * n ** 3 / t / 1e12:.1f} TFLOP/s")
    n = args.elements
    x, y = torch.randn(n, device=device), torch.randn(n, device=device)
    t = timed(lambda: x + y, args.seconds, sync)
    print(f"add.{n}\t{t:.6e}\t{3 * n * 4 / t / 1e9:.0f} GB/s")
    t = timed(lambda: x.add_(y), args.seconds, sync)
    print(f"add_.{n}\t{t:.6e}\t{3 * n * 4 / t / 1e9:.0f} GB/s")
    t = timed(lambda: torch.relu(x), args.seconds, sync)
    print(f"relu.{n}\t{t:.6e}\t{2 * n * 4 / t / 1e9:.0f} GB/s")

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.randn(args.batch, 1, 28, 28, device=device)
    labels = torch.randint(0, 10, (args.batch,), device=device)

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()

    t = timed(step, args.seconds, sync)
    print(f"train.cnn.b{args.batch}\t{t:.6e}\t{args.batch / t:.0f} samples/s (queuing {100 * host_share:.0f}% of the time)")


if __name__ == "__main__":
    main()
