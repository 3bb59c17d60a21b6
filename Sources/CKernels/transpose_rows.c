// The attention's keys, [rows × width] at a row stride, transposed to [width × padded_rows] so a
// score row is broadcast-FMAs over 16 keys at a time (Attention.swift). Read a column at a time
// this touched a new cache line (and page, in a KV cache's 4 KiB rows) per element, about a fifth
// of a block step; 16 × 16 tiles transposed in registers read each row once and write vectors.
// The int8 matmul moves each block's sums into its output the same way (dscope_transpose_block).

#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Rows r0.. (up to 16; missing rows are zero) of columns c0..c0 + 15, transposed into
// destination[(c0 + i) · padded_rows + r0 + j] for the lanes j of `written`: four stages that swap
// the off-diagonal blocks of 8, 4, 2 and 1 within each tile (vector i ↔ i + b, lanes j ↔ j − b).
__attribute__((target("avx512f"))) static void tile_16(const float *source, int rows, size_t stride, int c0,
                                                       float *destination, size_t padded_rows, int r0,
                                                       __mmask16 written) {
    __m512 t[16];
    for (int i = 0; i < 16; i++) {
        t[i] = r0 + i < rows ? _mm512_loadu_ps(source + (size_t)(r0 + i) * stride + c0) : _mm512_setzero_ps();
    }
    for (int b = 8; b >= 1; b /= 2) {
        int low[16], high[16];
        for (int j = 0; j < 16; j++) {
            low[j] = (j & b) == 0 ? j : 16 + j - b;
            high[j] = (j & b) == 0 ? j + b : 16 + j;
        }
        const __m512i to_low = _mm512_loadu_si512(low), to_high = _mm512_loadu_si512(high);
        for (int i = 0; i < 16; i++) {
            if (i & b) continue;
            const __m512 x = t[i], y = t[i + b];
            t[i] = _mm512_permutex2var_ps(x, to_low, y);
            t[i + b] = _mm512_permutex2var_ps(x, to_high, y);
        }
    }
    for (int i = 0; i < 16; i++) _mm512_mask_storeu_ps(destination + (size_t)(c0 + i) * padded_rows + r0, written, t[i]);
}

__attribute__((target("avx512f"))) static void transpose_avx512(const float *source, int rows, size_t stride,
                                                                int width, float *destination, int padded_rows) {
    const int vector_columns = width / 16 * 16;
    for (int r0 = 0; r0 < padded_rows; r0 += 16) {
        for (int c0 = 0; c0 < vector_columns; c0 += 16) tile_16(source, rows, stride, c0, destination, (size_t)padded_rows, r0, 0xFFFF);
    }
    for (int c = vector_columns; c < width; c++) {
        for (int r = 0; r < padded_rows; r++) destination[(size_t)c * padded_rows + r] = r < rows ? source[(size_t)r * stride + c] : 0;
    }
}
#endif

void dscope_transpose_rows(const float *source, int rows, size_t stride, int width, float *destination,
                           int padded_rows) {
#if defined(__x86_64__)
    if (padded_rows % 16 == 0 && dscope_few_rows_supported()) {
        transpose_avx512(source, rows, stride, width, destination, padded_rows);
        return;
    }
#endif
    for (int r = 0; r < padded_rows; r++) {
        for (int c = 0; c < width; c++) destination[(size_t)c * padded_rows + r] = r < rows ? source[(size_t)r * stride + c] : 0;
    }
}

void dscope_transpose_block(const float *source, int rows, size_t stride, int width, float *destination,
                            size_t destination_stride) {
    int c0 = 0;
#if defined(__x86_64__)
    if (rows <= 16 && dscope_few_rows_supported()) {
        for (; c0 + 16 <= width; c0 += 16) {
            tile_16(source, rows, stride, c0, destination, destination_stride, 0, (__mmask16)((1u << rows) - 1));
        }
    }
#endif
    for (int c = c0; c < width; c++) {
        for (int r = 0; r < rows; r++) destination[(size_t)c * destination_stride + r] = source[(size_t)r * stride + c];
    }
}
