#include "CKindlingVector.h"

// The calling thread's flush-to-zero state: on x86-64, MXCSR's FTZ (bit 15: a denormal result
// becomes 0) and DAZ (bit 6: a denormal input reads as 0); on AArch64, FPCR's FZ (bit 24, both).

#if defined(__x86_64__)
#include <xmmintrin.h>
static const unsigned kindling_flush_bits = 0x8040u;

int kindling_flush_denormal_get(void) { return (_mm_getcsr() & kindling_flush_bits) == kindling_flush_bits; }

int kindling_flush_denormal_set(int on) {
  unsigned csr = _mm_getcsr();
  _mm_setcsr(on ? (csr | kindling_flush_bits) : (csr & ~kindling_flush_bits));
  return 1;
}
#elif defined(__aarch64__)
#include <stdint.h>
static const uint64_t kindling_flush_bits = 1ull << 24;

static inline uint64_t kindling_fpcr(void) {
  uint64_t fpcr;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
  return fpcr;
}

int kindling_flush_denormal_get(void) { return (kindling_fpcr() & kindling_flush_bits) != 0; }

int kindling_flush_denormal_set(int on) {
  uint64_t fpcr = kindling_fpcr();
  fpcr = on ? (fpcr | kindling_flush_bits) : (fpcr & ~kindling_flush_bits);
  __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
  return 1;
}
#else
int kindling_flush_denormal_get(void) { return 0; }

int kindling_flush_denormal_set(int on) { return on ? 0 : 1; }
#endif
