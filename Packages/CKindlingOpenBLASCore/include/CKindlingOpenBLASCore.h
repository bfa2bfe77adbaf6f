// Private shim: picks OpenBLAS's CPU kernels where OpenBLAS's own detection, not knowing the CPU,
// falls back to kernels from before AVX.
#pragma once

#include <stddef.h>

/// The kernel family that replaced OpenBLAS's own choice when the program was loaded
/// (`"Cooperlake"`, `"SkylakeX"`, `"Haswell"` or `"Sandybridge"`), or NULL when OpenBLAS's choice
/// stood: it recognised the CPU, `OPENBLAS_CORETYPE` was set, or the CPU has no AVX.
const char *kindling_openblas_core_replacement(void);

/// 1 when `name` is one of OpenBLAS's kernel families from before AVX (`Prescott`, `Barcelona`,
/// `Nehalem`, ...), which OpenBLAS picks on a CPU with AVX only when it does not know the CPU.
int kindling_openblas_is_pre_avx_family(const char *name);

/// The kernel family Kindling would pick for this CPU from its instruction set (the names above),
/// or NULL below AVX or off x86-64.
const char *kindling_openblas_core_for_cpu(void);

/// Writes the first `bytes` of `count` of OpenBLAS's scratch buffers (those `count` concurrent
/// single-threaded calls use), so that its kernels' prefetches past what a call packs find pages
/// that exist (see openblas_buffers.c). Does nothing when OpenBLAS does not export its buffer
/// functions. `bytes` must not exceed OpenBLAS's buffer size (32 MB or more).
void kindling_openblas_touch_buffers(int count, size_t bytes);
