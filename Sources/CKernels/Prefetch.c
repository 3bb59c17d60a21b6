#include "CKernels.h"

void dscope_prefetch_rows(const void *base, size_t row_stride, int rows, size_t bytes) {
    const char *row = (const char *)base;
    for (int r = 0; r < rows; r++, row += row_stride) {
        for (size_t offset = 0; offset < bytes; offset += 64) {
            __builtin_prefetch(row + offset, 0, 2);
        }
    }
}
