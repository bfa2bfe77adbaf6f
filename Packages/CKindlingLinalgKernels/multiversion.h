// KINDLING_MULTIVERSION: a kernel compiled for x86-64-v4 (AVX-512), -v3 (AVX2) and the baseline,
// picked when the library loads (GNU ifunc through target_clones), as in CKindlingVector.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__)
#define KINDLING_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KINDLING_MULTIVERSION
#endif
