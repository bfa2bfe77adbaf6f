# Kindling's entry points. `make train` and `make test` set up a fresh Debian/Ubuntu machine
# themselves: they install the system packages that are missing (with sudo only when not root).

SWIFT ?= swift
# Debian packages the build, the tests and the training job need. POCL is an OpenCL driver that runs
# the GPU backend's kernels on the CPU, so that the tests run them on machines without a GPU;
# python3-venv makes the small NVRTC environment below.
APT_PACKAGES := pkg-config libopenblas-dev liblapacke-dev zlib1g-dev dataset-fashion-mnist \
  pocl-opencl-icd ocl-icd-libopencl1 python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Arguments passed on to `kindling train` (e.g. `make train ARGS="--epochs 5"`) or to Benchmarks/peers/compare.py (`make compare`).
ARGS ?=
# Where `make fixtures` keeps the PyTorch it needs (never needed by the tests).
VENV ?= .venv
# Where `make test` keeps NVRTC (CUDA's run-time compiler, one 58 MB wheel, no PyTorch), so that the
# tests compile the CUDA kernels on machines without a GPU or CUDA toolkit.
GPU_VENV ?= .venv-gpu
# Prints the path of the NVRTC library in $(GPU_VENV) (nothing until `make nvrtc-venv` has run).
NVRTC_LIBRARY := ls -d $(CURDIR)/$(GPU_VENV)/lib/python3*/site-packages/nvidia/*/lib/libnvrtc.so.* 2>/dev/null | head -n 1

.PHONY: all deps toolchain build release train test bench bench-check compare bench-compare fixtures torch-venv nvrtc-venv info clean

all: build

## deps: install the missing Debian packages (no prompt; safe to run again).
deps: toolchain
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "System packages present:" $(APT_PACKAGES); \
	fi

toolchain:
	@command -v $(SWIFT) >/dev/null || { echo "error: '$(SWIFT)' not found. Install Swift 6.1 or later (https://www.swift.org/install/linux/) and put it on PATH." >&2; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product kindling

## train: train a network on Fashion-MNIST end to end (the README's first command).
train: release
	$$($(SWIFT) build -c release --show-bin-path)/kindling train $(ARGS)

## test: build everything and run every suite (the README's second command; CI runs this).
# KINDLING_NVRTC and KINDLING_REQUIRE_OPENCL make the NVRTC and OpenCL tests fail rather than skip
# when what they need is broken.
test: deps nvrtc-venv
	$(SWIFT) build --build-tests
	KINDLING_NVRTC="$$($(NVRTC_LIBRARY))" KINDLING_REQUIRE_OPENCL=1 $(SWIFT) test --skip-build
	$(MAKE) bench-build

## nvrtc-venv: NVRTC in $(GPU_VENV) (pip's nvidia-cuda-nvrtc wheel, about 10 s), for the CUDA kernel tests.
nvrtc-venv:
	@[ -x $(GPU_VENV)/bin/python ] || python3 -m venv $(GPU_VENV)
	@[ -n "$$($(NVRTC_LIBRARY))" ] || { echo "Installing NVRTC into $(GPU_VENV)"; $(GPU_VENV)/bin/pip install -q --disable-pip-version-check nvidia-cuda-nvrtc; }

## info: what Kindling finds on this machine.
info: release
	$$($(SWIFT) build -c release --show-bin-path)/kindling info

## bench: run every module's benchmarks (Benchmarks/ is its own package).
bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

## bench-check: compare allocation counts with the committed thresholds.
bench-check: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark thresholds check

bench-build: deps
	cd Benchmarks && $(SWIFT) build

## compare: Kindling's benchmarks vs PyTorch on the same workloads (Benchmarks/peers/), run
## alternately section by section for 3 rounds (--rounds R; about R x 7 minutes for the whole
## suite, --rounds 1 for a quick run), tables of the medians of the per-round ratios (installs
## PyTorch in $(VENV)). Needs the PyTorch baseline scripts in ../shared/bench;
## e.g. `make compare ARGS="--filter 'train\..*' --rounds 1 --max-wait 0"`.
compare: deps torch-venv
	$(VENV)/bin/python Benchmarks/peers/compare.py $(ARGS)

## bench-compare: the same as `make compare` (its earlier name).
bench-compare: compare

## fixtures: regenerate the PyTorch fixtures the tests compare with (installs PyTorch in $(VENV)).
fixtures: torch-venv
	$(VENV)/bin/python Tools/fixtures/generate_fixtures.py

## torch-venv: PyTorch (CPU) in $(VENV), for `make fixtures` and `make compare`.
torch-venv:
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV) || { \
	  echo "error: could not create the virtual environment $(VENV) (python3 -m venv failed;" \
	       "on Debian/Ubuntu install python3-venv). PyTorch is needed only by make compare and make fixtures." >&2; \
	  exit 1; }
	@# PyPI's torch wheel (2.15) links its CUDA libraries even on the CPU and fails to import
	@# without them, so it is installed with its dependencies (about 5 GB, under a minute here).
	@$(VENV)/bin/python -c 'import torch' 2>/dev/null || $(VENV)/bin/pip install -q torch numpy || { \
	  echo "error: PyTorch could not be installed in $(VENV) (pip install torch numpy failed, see pip's" \
	       "message above: no network, no wheel for this Python, or a full disk). PyTorch is needed only by" \
	       "make compare and make fixtures; install it in $(VENV) by hand, or point VENV at an environment" \
	       "that has it (make compare VENV=/path/to/venv)." >&2; \
	  exit 1; }
	# safetensors.torch writes and checks the checkpoint fixtures (Tools/fixtures/checkpoints.py).
	$(VENV)/bin/python -c 'import safetensors' 2>/dev/null || $(VENV)/bin/pip install -q safetensors

clean:
	rm -rf .build Benchmarks/.build
