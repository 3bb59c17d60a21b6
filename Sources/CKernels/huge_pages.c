// Weight buffers in 2 MiB pages where the kernel offers them on request (transparent huge pages
// in "madvise" mode): a few-row matmul streams a whole matrix once per step, and with 4 KiB pages
// every 4 KiB of weights costs a TLB miss that the tile waits on.

#include "CKernels.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

void dscope_advise_huge_pages(void *start, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)madvise(start, bytes, MADV_HUGEPAGE);  // only a hint: without it the pages stay 4 KiB
#else
    (void)start; (void)bytes;
#endif
}
