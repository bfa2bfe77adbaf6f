// Private shim: picks OpenBLAS's CPU kernels where OpenBLAS's own detection falls back to SSE3.
#pragma once

/// The kernel family that replaced OpenBLAS's own choice when the program was loaded
/// (`"Cooperlake"`, `"SkylakeX"`, `"Haswell"` or `"Sandybridge"`), or NULL when OpenBLAS's choice
/// stood: it recognised the CPU, `OPENBLAS_CORETYPE` was set, or the CPU has no AVX.
const char *kindling_openblas_core_replacement(void);

/// The kernel family Kindling would pick for this CPU from its instruction set (the names above),
/// or NULL below AVX or off x86-64.
const char *kindling_openblas_core_for_cpu(void);
