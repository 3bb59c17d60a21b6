#ifndef DSCOPE_CKERNELS_H
#define DSCOPE_CKERNELS_H

#include <stddef.h>

/// Requests `bytes` from the start of each of `rows` rows (`row_stride` bytes apart) into L2.
/// Swift cannot emit prefetch instructions; the matmul uses this to fetch the next strided
/// weight segment while the current one is being multiplied.
void dscope_prefetch_rows(const void *base, size_t row_stride, int rows, size_t bytes);

#endif
