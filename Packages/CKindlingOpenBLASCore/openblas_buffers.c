// OpenBLAS's scratch buffers (one per concurrent call, from `blas_memory_alloc`) are anonymous
// mappings whose pages exist only once something writes them, and a call writes only as far as it
// packs. Its kernels prefetch past that: the Haswell/Zen sgemm kernel prefetches the next packed
// panel of B beyond the last one. A prefetch of a page that was never written costs a page walk
// that finds nothing and is repeated on every prefetch; under a hypervisor's nested paging it
// made single-threaded products of 64 to 300 on a side two to four times slower (256^3: 3.6 ms
// against 0.95 ms once the buffer's first megabytes had been written, on a 2-vCPU AMD EPYC VM).
// Writing the first few megabytes of the buffers once, before the first product, removes that.
// The functions are weak: an OpenBLAS without them (or another BLAS) is left alone.
#include "CKindlingOpenBLASCore.h"

#include <string.h>

void *blas_memory_alloc(int procpos) __attribute__((weak));
void blas_memory_free(void *buffer) __attribute__((weak));

void kindling_openblas_touch_buffers(int count, size_t bytes) {
  if (!blas_memory_alloc || !blas_memory_free || count <= 0) return;
  enum { most = 64 };
  void *buffers[most];
  int taken = 0;
  // Held together, so each call gets the next buffer of OpenBLAS's pool: the ones that
  // `count` concurrent single-threaded calls use.
  for (; taken < count && taken < most; taken++) {
    buffers[taken] = blas_memory_alloc(0);
    if (!buffers[taken]) break;
    memset(buffers[taken], 0, bytes);
  }
  for (int i = 0; i < taken; i++) blas_memory_free(buffers[i]);
}
