// The int8 tile for 1–7 activation rows (Int8Matmul.swift picks it with AVX512-VNNI). The panel
// tile spends a 16-lane vpdpbusd per weight row and 4 columns whatever the row count; here a
// vector's lanes are (weight row i, activation row t) — 4 × 4 for up to 4 rows, 2 × 8 for 5–7 —
// so one vpdpbusd serves 4 or 2 weight rows. Each output's integer sums are exact and fold into
// fp32 in the panel tile's order (per run: a · (d_x · Σ) then − b · (d_x · Σ code_x), fused the
// same way), so a row's bits are those it gets inside a longer product.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define LANES DSCOPE_PANEL_ROWS

// Columns column … column + 63 of the block's rows (row stride k bytes; a 32-column tail is
// masked), as four vectors of 16 columns each, each 128-bit lane one row's (4 lanes: rows 0–3;
// 8 lanes: row 0 in lanes 0–1, row 1 in lanes 2–3).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void load_codes(const uint8_t *codes, size_t k, int lanes, __mmask64 mask, __m512i *spans) {
    if (lanes == 4) {
        const __m512i a = _mm512_maskz_loadu_epi8(mask, codes), b = _mm512_maskz_loadu_epi8(mask, codes + k);
        const __m512i c = _mm512_maskz_loadu_epi8(mask, codes + 2 * k), d = _mm512_maskz_loadu_epi8(mask, codes + 3 * k);
        const __m512i ab01 = _mm512_shuffle_i32x4(a, b, 0x44), ab23 = _mm512_shuffle_i32x4(a, b, 0xEE);
        const __m512i cd01 = _mm512_shuffle_i32x4(c, d, 0x44), cd23 = _mm512_shuffle_i32x4(c, d, 0xEE);
        spans[0] = _mm512_shuffle_i32x4(ab01, cd01, 0x88);
        spans[1] = _mm512_shuffle_i32x4(ab01, cd01, 0xDD);
        spans[2] = _mm512_shuffle_i32x4(ab23, cd23, 0x88);
        spans[3] = _mm512_shuffle_i32x4(ab23, cd23, 0xDD);
    } else {
        const __m512i a = _mm512_maskz_loadu_epi8(mask, codes), b = _mm512_maskz_loadu_epi8(mask, codes + k);
        spans[0] = _mm512_shuffle_i32x4(a, b, 0x00);
        spans[1] = _mm512_shuffle_i32x4(a, b, 0x55);
        spans[2] = _mm512_shuffle_i32x4(a, b, 0xAA);
        spans[3] = _mm512_shuffle_i32x4(a, b, 0xFF);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void few_rows_tile(const uint8_t *codes, const float *a_by_run, const float *b_by_run,
                                 const int8_t *panel, const float *scale, const float *offset, int k,
                                 const int unit, const int lanes, float *sums, size_t sum_stride) {
    enum { BLOCKS_MAX = 8 };
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block, groups = unit / 4;
    __m512i pick[4], row_of_lane[BLOCKS_MAX];
    for (int q = 0; q < 4; q++) {
        // Dword q of each 128-bit lane into all four of its dwords.
        pick[q] = _mm512_set1_epi32((int)(0x03020100u + 0x04040404u * (uint32_t)q));
    }
    for (int block = 0; block < blocks; block++) {
        int index[16];
        for (int lane = 0; lane < 16; lane++) index[lane] = block * rows_per_block + lane / lanes;
        row_of_lane[block] = _mm512_loadu_si512(index);
    }
    __m512 f[BLOCKS_MAX];
    for (int block = 0; block < blocks; block++) f[block] = _mm512_setzero_ps();
    for (int chunk = 0; chunk < k; chunk += 64) {
        const int columns = k - chunk >= 64 ? 64 : 32;
        const __mmask64 mask = columns == 64 ? ~(__mmask64)0 : (__mmask64)0xFFFFFFFFu;
        __m512i w[BLOCKS_MAX][4];
        for (int block = 0; block < blocks; block++) {
            load_codes(codes + (size_t)block * rows_per_block * k + chunk, (size_t)k, lanes, mask, w[block]);
        }
        for (int run = 0; run < columns / unit; run++) {
            const int u = chunk / unit + run;
            __m512i acc[BLOCKS_MAX][2];
            for (int block = 0; block < blocks; block++) acc[block][0] = acc[block][1] = _mm512_setzero_si512();
            for (int g = 0; g < groups; g++) {
                const int group = run * groups + g;  // of the chunk's 16
                const int8_t *p = panel + (size_t)(chunk / 4 + group) * 64;
                const __m512i x = lanes == 4 ? _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p))
                                             : _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)p));
                for (int block = 0; block < blocks; block++) {
                    const __m512i codes4 = _mm512_shuffle_epi8(w[block][group / 4], pick[group % 4]);
                    acc[block][g & 1] = _mm512_dpbusd_epi32(acc[block][g & 1], codes4, x);
                }
            }
            const __m512 s = lanes == 4 ? _mm512_broadcast_f32x4(_mm_loadu_ps(scale + (size_t)u * LANES))
                                        : _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd((const double *)(scale + (size_t)u * LANES))));
            const __m512 o = lanes == 4 ? _mm512_broadcast_f32x4(_mm_loadu_ps(offset + (size_t)u * LANES))
                                        : _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd((const double *)(offset + (size_t)u * LANES))));
            const __m512 a_run = _mm512_loadu_ps(a_by_run + (size_t)u * 16), b_run = _mm512_loadu_ps(b_by_run + (size_t)u * 16);
            for (int block = 0; block < blocks; block++) {
                const __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc[block][0], acc[block][1])), s);
                f[block] = _mm512_fmadd_ps(t, _mm512_permutexvar_ps(row_of_lane[block], a_run), f[block]);
                f[block] = _mm512_fnmadd_ps(o, _mm512_permutexvar_ps(row_of_lane[block], b_run), f[block]);
            }
        }
    }
    for (int block = 0; block < blocks; block++) {
        float lane[16];
        _mm512_storeu_ps(lane, f[block]);
        for (int i = 0; i < 16; i++) sums[(size_t)(block * rows_per_block + i / lanes) * sum_stride + i % lanes] = lane[i];
    }
}

#define FEW_ROWS_TILE(name, unit, lanes)                                                                   \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"))) static void name(                      \
        const uint8_t *c, const float *a, const float *b, const int8_t *p, const float *s, const float *o, \
        int k, float *sums, size_t stride) {                                                               \
        few_rows_tile(c, a, b, p, s, o, k, unit, lanes, sums, stride);                                     \
    }
FEW_ROWS_TILE(tile_16_4, 16, 4)
FEW_ROWS_TILE(tile_32_4, 32, 4)
FEW_ROWS_TILE(tile_16_8, 16, 8)
FEW_ROWS_TILE(tile_32_8, 32, 8)

#endif

void dscope_prefetch(const void *start, size_t bytes) {
    const char *p = (const char *)start;
    for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(p + offset, 0, 1);
}

void dscope_int8_few_rows_tile(int rows, const uint8_t *codes, const float *a_by_run, const float *b_by_run,
                               const int8_t *panel, const float *scale, const float *offset, int k, int unit,
                               float *sums, size_t sum_stride) {
#if defined(__x86_64__)
    if (rows <= 4) {
        (unit == 16 ? tile_16_4 : tile_32_4)(codes, a_by_run, b_by_run, panel, scale, offset, k, sums, sum_stride);
    } else {
        (unit == 16 ? tile_16_8 : tile_32_8)(codes, a_by_run, b_by_run, panel, scale, offset, k, sums, sum_stride);
    }
#else
    (void)rows; (void)codes; (void)a_by_run; (void)b_by_run; (void)panel; (void)scale; (void)offset;
    (void)k; (void)unit; (void)sums; (void)sum_stride;
#endif
}
