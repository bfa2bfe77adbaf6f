// OpenBLAS 0.3.21 (Debian 12, Ubuntu 22.04) runs with DYNAMIC_ARCH: at load time it reads the CPU's
// family and model and picks a kernel family. On a model it does not know it falls back to
// pre-AVX kernels: `Prescott` (SSE3) for Intel's (Emerald Rapids, family 6 model 207, is one),
// `Barcelona` for AMD's; sgemm then runs at a quarter of its speed (28 against 120 GFLOPS on one
// Emerald Rapids core). OpenBLAS reads OPENBLAS_CORETYPE instead when it is set, but only during
// its own initialisation. This file re-runs that initialisation once, before `main`, with the
// newest family the CPU's instruction set supports, whenever OpenBLAS chose a pre-AVX family on a
// CPU (and OS) with AVX. A user's OPENBLAS_CORETYPE always wins. Only OpenBLAS's exported
// functions are used; they are weak, so an OpenBLAS built for one fixed target (no DYNAMIC_ARCH,
// no such functions) is left alone.
#include "CKindlingOpenBLASCore.h"

#include <stdlib.h>
#include <string.h>

char *openblas_get_corename(void);
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
void blas_thread_shutdown_(void) __attribute__((weak));

static const char *replacement = NULL;

// OpenBLAS's kernel families from before AVX: on a CPU with AVX, OpenBLAS only picks one of these
// when it does not know the CPU.
static int is_pre_avx_family(const char *name) {
  static const char *const families[] = {"Prescott", "Barcelona", "Nehalem", "Core2", "Penryn", "Dunnington",
                                         "Atom", "Opteron", "Opteron_SSE3", "Katmai", "Coppermine", "Northwood",
                                         "Banias", "Athlon", "Nano", "Bobcat"};
  for (unsigned i = 0; i < sizeof families / sizeof families[0]; i++)
    if (strcmp(name, families[i]) == 0) return 1;
  return 0;
}

int kindling_openblas_is_pre_avx_family(const char *name) { return name && is_pre_avx_family(name); }

const char *kindling_openblas_core_for_cpu(void) {
#if defined(__x86_64__) && defined(__clang__)
  __builtin_cpu_init();
  // Each name is one of OpenBLAS 0.3.21's kernel families, newest first.
  if (__builtin_cpu_supports("avx512bf16")) return "Cooperlake";
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  if (__builtin_cpu_supports("avx")) return "Sandybridge";
#endif
  return NULL;
}

const char *kindling_openblas_core_replacement(void) { return replacement; }

__attribute__((constructor)) static void kindling_openblas_replace_fallback_core(void) {
  if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit || getenv("OPENBLAS_CORETYPE")) return;
  const char *chosen = openblas_get_corename();
  const char *better = kindling_openblas_core_for_cpu();
  if (!chosen || !is_pre_avx_family(chosen) || !better) return;
  // OpenBLAS's pool threads, started by its own constructor, may still be starting: a starting
  // thread's first buffer allocation can run OpenBLAS's initialisation again, which writes the
  // kernel table pointer (briefly NULL on this CPU) while ours reads it (a crash in about one
  // start in 1,500, under load). Stopping the pool first (joining its threads, as OpenBLAS does
  // before a fork) leaves this thread alone with OpenBLAS; its next threaded call starts the pool
  // again. Runs before `main`, when no other thread reads the environment.
  if (blas_thread_shutdown_) blas_thread_shutdown_();
  if (setenv("OPENBLAS_CORETYPE", better, 1) != 0) return;
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
  const char *now = openblas_get_corename();
  if (now && !is_pre_avx_family(now)) replacement = better;
}
