// bf16 weights times a canvas with AVX512-BF16's vdpbf16ps (BF16DotMatmul.swift calls it).
// vdpbf16ps adds two bf16 products into each fp32 lane: 32 multiply-adds per 512-bit instruction,
// twice the fp32 FMA's 16, at the same issue rate on the cores that have it. The weights are used
// as stored (a 4-byte load holds columns k and k + 1 of one row); the activations are rounded to
// bf16 once per matmul and packed 16 rows to a panel, [k / 2][16 lanes][2], so one 64-byte load
// gives every lane its pair. A tile of 8 weight rows × 32 lanes (two panels) keeps 16 chains in
// flight: per column pair 2 panel loads and 8 broadcast weights feed 16 vdpbf16ps.
//
// Arithmetic (checked on this CPU against a scalar model of it, BF16DotMatmulTests): activations
// rounded to nearest-even bf16 (vcvtneps2bf16: NaN stays NaN); per column pair the lane adds
// x[k+1]·w[k+1], then x[k]·w[k] (both products exact in fp32, each add rounded); each output is one
// chain per `span` columns from +0, the first span's chain stored, later ones added in order.

#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define LANES DSCOPE_PANEL_ROWS
#define TILE_ROWS 8

int dscope_bf16_dot_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512bf16")))
void dscope_bf16_dot_panel(const float *x, int rows, int k, uint32_t *panel) {
    const int pairs = k / 2;
    for (int lane = 0; lane < LANES; lane++) {
        if (lane >= rows) {
            for (int p = 0; p < pairs; p++) panel[(size_t)p * LANES + lane] = 0;
            continue;
        }
        const float *row = x + (size_t)lane * k;
        for (int p = 0; p < pairs; p += 16) {
            // 32 columns rounded to bf16 in order: the 32-bit words are the column pairs. The last
            // step's missing columns load as zeros.
            const int count = pairs - p < 16 ? pairs - p : 16;
            const __mmask16 low = (__mmask16)(count >= 8 ? 0xFFFFu : (1u << (2 * count)) - 1);
            const __mmask16 high = (__mmask16)(count >= 16 ? 0xFFFFu : count > 8 ? (1u << (2 * (count - 8))) - 1 : 0);
            const __m512bh h = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(high, row + 2 * p + 16),
                                                   _mm512_maskz_loadu_ps(low, row + 2 * p));
            uint32_t words[16];
            _mm512_storeu_si512(words, (__m512i)h);
            for (int i = 0; i < count; i++) panel[(size_t)(p + i) * LANES + lane] = words[i];
        }
    }
}

static inline int32_t load_pair(const uint16_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

// TILE_ROWS weight rows × 16 lanes per panel, `panels` (1 or 2) panels, over `pairs` column pairs.
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void tile(const uint16_t *const *row, const uint32_t *p0, const uint32_t *p1, const int panels,
                        int pairs, int accumulate, float *sums, size_t sum_stride) {
    __m512 acc0[TILE_ROWS], acc1[TILE_ROWS];
    for (int r = 0; r < TILE_ROWS; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
    for (int p = 0; p < pairs; p++) {
        const __m512bh x0 = (__m512bh)_mm512_loadu_si512(p0 + (size_t)p * LANES);
        const __m512bh x1 = panels == 2 ? (__m512bh)_mm512_loadu_si512(p1 + (size_t)p * LANES) : x0;
        for (int r = 0; r < TILE_ROWS; r++) {
            const __m512bh w = (__m512bh)_mm512_set1_epi32(load_pair(row[r] + 2 * (size_t)p));
            acc0[r] = _mm512_dpbf16_ps(acc0[r], x0, w);
            if (panels == 2) acc1[r] = _mm512_dpbf16_ps(acc1[r], x1, w);
        }
    }
    for (int r = 0; r < TILE_ROWS; r++) {
        float *s = sums + r * sum_stride;
        _mm512_storeu_ps(s, accumulate ? _mm512_add_ps(_mm512_loadu_ps(s), acc0[r]) : acc0[r]);
        if (panels == 2) {
            _mm512_storeu_ps(s + LANES, accumulate ? _mm512_add_ps(_mm512_loadu_ps(s + LANES), acc1[r]) : acc1[r]);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void tile_two(const uint16_t *const *row, const uint32_t *p0, const uint32_t *p1, int pairs, int accumulate,
                     float *sums, size_t sum_stride) {
    tile(row, p0, p1, 2, pairs, accumulate, sums, sum_stride);
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void tile_one(const uint16_t *const *row, const uint32_t *p0, int pairs, int accumulate, float *sums,
                     size_t sum_stride) {
    tile(row, p0, p0, 1, pairs, accumulate, sums, sum_stride);
}

void dscope_bf16_dot_block(const uint16_t *w, size_t row_stride, int row_count, const uint32_t *panels,
                           int panel_count, int k, int span, float *sums, size_t sum_stride) {
    const size_t panel_words = (size_t)k / 2 * LANES;
    for (int first = 0; first < k; first += span) {
        const int pairs = (k - first < span ? k - first : span) / 2;
        for (int p = 0; p < panel_count; p += 2) {
            const uint32_t *p0 = panels + p * panel_words + (size_t)first / 2 * LANES;
            for (int r0 = 0; r0 < row_count; r0 += TILE_ROWS) {
                // Rows past the block repeat its last row; their sums land in rows nobody reads.
                const uint16_t *row[TILE_ROWS];
                for (int r = 0; r < TILE_ROWS; r++) {
                    const int index = r0 + r < row_count ? r0 + r : row_count - 1;
                    row[r] = w + (size_t)index * row_stride + first;
                }
                float *s = sums + (size_t)r0 * sum_stride + (size_t)p * LANES;
                if (p + 1 < panel_count) {
                    tile_two(row, p0, p0 + panel_words, pairs, first > 0, s, sum_stride);
                } else {
                    tile_one(row, p0, pairs, first > 0, s, sum_stride);
                }
            }
        }
    }
}

#else

void dscope_bf16_dot_panel(const float *x, int rows, int k, uint32_t *panel) {
    (void)x, (void)rows, (void)k, (void)panel;
}

void dscope_bf16_dot_block(const uint16_t *w, size_t row_stride, int row_count, const uint32_t *panels,
                           int panel_count, int k, int span, float *sums, size_t sum_stride) {
    (void)w, (void)row_stride, (void)row_count, (void)panels, (void)panel_count, (void)k, (void)span, (void)sums,
        (void)sum_stride;
}

#endif

int dscope_bf16_dot_tile_rows(void) { return TILE_ROWS; }
