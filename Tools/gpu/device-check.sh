#!/usr/bin/env bash
# The GPU check of issue 10, in one run on a machine with an NVIDIA GPU and no Swift.
#
# Here (with Swift):   Tools/gpu/device-check.sh build    -> .gpu/kindling-gpu.tar.xz and,
#                      when present, the Fashion-MNIST files in .gpu/data:
#                      the binary with a static Swift runtime, and the BLAS/LAPACK it links
# There (GPU, torch):  Tools/gpu/device-check.sh run      -> the checks, then both benchmarks
#                      (the device tool: run with carry [".gpu"], timeout_s 600)
#
# `run` finds NVRTC and cuBLAS in the Python environment that holds PyTorch (its pip wheels
# nvidia-cuda-nvrtc and nvidia-cublas), runs `kindling gpu check` (every op family and a CNN's
# training steps against the CPU), then `kindling gpu bench` and Benchmarks/peers/gpu_bench.py on
# the same GPU, and prints the ratios (Kindling / PyTorch; > 1 means Kindling is faster).
# Outputs land in $OUT (or ./gpu-out): info.txt, check.txt, train.txt and train-mlp.txt (CNN and MLP
# on the carried Fashion-MNIST, the CLI's defaults), kindling.tsv, torch.tsv and ratios.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."

case "${1:-}" in
build)
  # A static Swift runtime, and the system libraries the binary links (OpenBLAS, LAPACKE and
  # theirs), packed small enough to travel (the device tool carries at most 64 MiB), with the
  # Fashion-MNIST files when this machine has them (for `kindling train --device cuda` there).
  swift build -c release --static-swift-stdlib --product kindling
  rm -rf .gpu && mkdir -p .gpu/pack/lib
  cp "$(swift build -c release --show-bin-path)/kindling" .gpu/pack/kindling
  strip .gpu/pack/kindling || true
  ldd .gpu/pack/kindling | awk '/=> \// { print $3 }' \
    | grep -v -E '/(libc|libm|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' | xargs -I{} cp -L {} .gpu/pack/lib/
  tar -cf - -C .gpu/pack . | xz -9 -T0 > .gpu/kindling-gpu.tar.xz
  rm -rf .gpu/pack
  data=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
  if ls "$data"/*-idx?-ubyte.gz >/dev/null 2>&1; then mkdir -p .gpu/data && cp "$data"/*-idx?-ubyte.gz .gpu/data/; fi
  du -sh .gpu/*
  ;;
run)
  # Each step has its own time limit and a failing step does not stop the next one.
  set +e
  out="${OUT:-gpu-out}"
  mkdir -p "$out" /tmp/kindling-gpu
  python=${PYTHON:-python3}
  "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
    .gpu/kindling-gpu.tar.xz /tmp/kindling-gpu
  kindling=/tmp/kindling-gpu/kindling
  lib=$("$python" -c 'import nvidia, os; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null)
  export KINDLING_NVRTC=${KINDLING_NVRTC:-$(ls -d "$lib"/nvidia/*/lib/libnvrtc.so.* 2>/dev/null | head -n 1)}
  export KINDLING_CUBLAS=${KINDLING_CUBLAS:-$(ls -d "$lib"/nvidia/*/lib/libcublas.so.* 2>/dev/null | head -n 1)}
  # The packed libraries only where the machine lacks its own (with Debian 12's libraries in
  # LD_LIBRARY_PATH on Ubuntu 24.04, the binary saw no command-line arguments).
  if ldd "$kindling" | grep -q "not found"; then
    export LD_LIBRARY_PATH=/tmp/kindling-gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  fi
  echo "NVRTC: $KINDLING_NVRTC"; echo "cuBLAS: $KINDLING_CUBLAS"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  step() { # step NAME SECONDS COMMAND...: runs COMMAND with a time limit, output to $out/NAME.txt
    local name=$1 limit=$2; shift 2
    echo "== $name ($(date +%T))"
    timeout -k 5 "$limit" "$@" > "$out/$name.txt" 2>&1; local rc=$?
    cat "$out/$name.txt"; echo "== $name: exit $rc"
  }
  step info 30 "$kindling" info
  step check 150 "$kindling" gpu check --device cuda
  if [ -d .gpu/data ]; then
    step train 150 "$kindling" train --device cuda --data .gpu/data --out /tmp/run-cuda
    step train-mlp 150 "$kindling" train --model mlp --device cuda --data .gpu/data --out /tmp/run-cuda-mlp
  fi
  step kindling 120 "$kindling" gpu bench --device cuda "${@:2}"
  mv "$out/kindling.txt" "$out/kindling.tsv"
  step torch 120 "$python" Benchmarks/peers/gpu_bench.py "${@:2}"
  mv "$out/torch.txt" "$out/torch.tsv"
  "$python" - "$out/kindling.tsv" "$out/torch.tsv" <<'PY' | tee "$out/ratios.txt"
import sys
def table(path):
    rows = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[0] != "workload":
            rows[parts[0]] = float(parts[1])
    return rows
kindling, torch = table(sys.argv[1]), table(sys.argv[2])
print("workload\tKindling s\tPyTorch s\tratio (PyTorch time / Kindling time)")
for name, t in kindling.items():
    if name in torch:
        print(f"{name}\t{t:.3e}\t{torch[name]:.3e}\t{torch[name] / t:.2f}")
PY
  ;;
*)
  echo "usage: $0 build | run [kindling gpu bench options]" >&2
  exit 2
  ;;
esac
