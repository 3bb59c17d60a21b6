// The row-stable few-row matmul for bf16 weights (FewRowMatmul.swift calls it). A block step
// multiplies 1–7 activation rows by every weight: too few to fill the packed kernel's 16- or
// 24-lane panels, whose summation order it must still reproduce bit for bit (one fp32 FMA chain
// per output over each 4,096-column pass, starting from +0, passes added in order to a sum that
// starts at +0), so a block's cached step equals the same rows of a whole-prefix forward.
//
// The chain runs over k, so the lanes of a vector must be different outputs: lane (i, t) holds
// weight row i against activation row t. A 512-bit vector covers 4 weight rows × 4 activation
// rows (1–4 rows) or 2 × 8 (5–7 rows). Each 128-bit lane of a weight vector holds 8 consecutive
// bf16 weights of its row; vpshufb copies weight j of each lane into the high half of every fp32
// lane, zeros below — bf16 to fp32 exactly, in a register — and one FMA against the activations
// at that column (broadcast in 128-bit lanes from a [k][rows] panel) advances 16 chains. Every
// weight is read from memory once. On this machine (Zen 4) 512-bit shuffles and FMAs share one
// issue slot a cycle, so a 4-row product costs two instructions per 4 weights and runs at about
// 7 G weights a second per core from L2.

#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Vectors of chains in flight: 4 FMAs cover this core's FMA latency at one 512-bit FMA a cycle.
#define BLOCKS 4

int dscope_few_rows_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

int dscope_few_rows_group_rows(int lanes) { return BLOCKS * 16 / lanes; }

void dscope_few_rows_panel(const float *x, int rows, int k, int lanes, float *panel) {
    for (int column = 0; column < k; column++) {
        for (int t = 0; t < lanes; t++) panel[(size_t)column * lanes + t] = t < rows ? x[(size_t)t * k + column] : 0.0f;
    }
}

#if defined(__x86_64__)

// The weights of one block at columns column + 8c … + 8c + 7 for c = 0…3, each 128-bit lane one
// row's, from one 64-byte load per row: with 4 lanes rows 0–3 in lanes 0–3 (a 4 × 4 transpose of
// 128-bit lanes, two shuffles per vector); with 8 lanes row 0 in lanes 0–1, row 1 in lanes 2–3.
// (Assembling a vector from four 16-byte loads took twice as long: inserts are slow here.)
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void load_block(const uint16_t *const *row, int lanes, size_t column, __m512i *spans) {
    if (lanes == 4) {
        const __m512i a = _mm512_loadu_si512(row[0] + column), b = _mm512_loadu_si512(row[1] + column);
        const __m512i c = _mm512_loadu_si512(row[2] + column), d = _mm512_loadu_si512(row[3] + column);
        const __m512i ab01 = _mm512_shuffle_i32x4(a, b, 0x44), ab23 = _mm512_shuffle_i32x4(a, b, 0xEE);
        const __m512i cd01 = _mm512_shuffle_i32x4(c, d, 0x44), cd23 = _mm512_shuffle_i32x4(c, d, 0xEE);
        spans[0] = _mm512_shuffle_i32x4(ab01, cd01, 0x88);
        spans[1] = _mm512_shuffle_i32x4(ab01, cd01, 0xDD);
        spans[2] = _mm512_shuffle_i32x4(ab23, cd23, 0x88);
        spans[3] = _mm512_shuffle_i32x4(ab23, cd23, 0xDD);
    } else {
        const __m512i a = _mm512_loadu_si512(row[0] + column), b = _mm512_loadu_si512(row[1] + column);
        spans[0] = _mm512_shuffle_i32x4(a, b, 0x00);
        spans[1] = _mm512_shuffle_i32x4(a, b, 0x55);
        spans[2] = _mm512_shuffle_i32x4(a, b, 0xAA);
        spans[3] = _mm512_shuffle_i32x4(a, b, 0xFF);
    }
}

// The activations at one column, repeated in each 128-bit lane (4) or 256-bit half (8).
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512 load_activations(const float *panel, int lanes, size_t column) {
    if (lanes == 4) return _mm512_broadcast_f32x4(_mm_loadu_ps(panel + column * 4));
    return _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd((const double *)(panel + column * 8))));
}

// One weight per lane at a single column (the ragged end of a pass).
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512 one_column(const uint16_t *const *row, int lanes, size_t column) {
    uint32_t bits[16];
    for (int i = 0; i < 16 / lanes; i++) {
        for (int t = 0; t < lanes; t++) bits[i * lanes + t] = (uint32_t)row[i][column] << 16;
    }
    return _mm512_castsi512_ps(_mm512_loadu_si512(bits));
}

__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void group(const uint16_t *const *row, const float *panel, int lanes, int k, int span, __m512 *sums) {
    const int rows_per_block = 16 / lanes;
    __m512i spread[8];
    for (int j = 0; j < 8; j++) {
        // Bytes 2j, 2j + 1 of each 128-bit lane into bytes 2, 3 of every dword; 0x80 zeros 0, 1.
        spread[j] = _mm512_set1_epi32((int)(((uint32_t)(2 * j + 1) << 24) | ((uint32_t)(2 * j) << 16) | 0x8080u));
    }
    for (int b = 0; b < BLOCKS; b++) sums[b] = _mm512_setzero_ps();
    for (int start = 0; start < k; start += span) {
        const int end = start + span < k ? start + span : k;
        __m512 chain[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) chain[b] = _mm512_setzero_ps();
        int column = start;
        for (; column + 32 <= end; column += 32) {
            __m512i w[BLOCKS][4];
            for (int b = 0; b < BLOCKS; b++) load_block(row + b * rows_per_block, lanes, (size_t)column, w[b]);
            for (int c = 0; c < 4; c++) {
                for (int j = 0; j < 8; j++) {
                    const __m512 x = load_activations(panel, lanes, (size_t)column + 8 * c + j);
                    for (int b = 0; b < BLOCKS; b++) {
                        chain[b] = _mm512_fmadd_ps(x, _mm512_castsi512_ps(_mm512_shuffle_epi8(w[b][c], spread[j])), chain[b]);
                    }
                }
            }
        }
        for (; column < end; column++) {
            const __m512 x = load_activations(panel, lanes, (size_t)column);
            for (int b = 0; b < BLOCKS; b++) {
                chain[b] = _mm512_fmadd_ps(x, one_column(row + b * rows_per_block, lanes, (size_t)column), chain[b]);
            }
        }
        for (int b = 0; b < BLOCKS; b++) sums[b] = _mm512_add_ps(sums[b], chain[b]);
    }
}

__attribute__((target("avx512f,avx512bw")))
static void group4(const uint16_t *const *row, const float *panel, int k, int span, __m512 *sums) {
    group(row, panel, 4, k, span, sums);
}

__attribute__((target("avx512f,avx512bw")))
static void group8(const uint16_t *const *row, const float *panel, int k, int span, __m512 *sums) {
    group(row, panel, 8, k, span, sums);
}

#endif

// Its caller checks dscope_few_rows_supported first; the attribute lets a build for a CPU without
// AVX-512 (-march=znver3, x86-64-v3) compile the 512-bit stores.
#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw")))
#endif
void dscope_few_rows_bf16(const uint16_t *w, size_t row_stride, int n, int first_group, int group_count,
                          const float *panel, int lanes, int rows, int k, int span, float *out) {
#if defined(__x86_64__)
    const int weight_rows = dscope_few_rows_group_rows(lanes);
    for (int g = first_group; g < first_group + group_count; g++) {
        const int first = g * weight_rows;
        const uint16_t *row[16];
        // Rows past the matrix read its last row again; their sums are dropped.
        for (int i = 0; i < weight_rows; i++) row[i] = w + (size_t)(first + i < n ? first + i : n - 1) * row_stride;
        __m512 sums[BLOCKS];
        (lanes == 4 ? group4 : group8)(row, panel, k, span, sums);
        float lane[BLOCKS * 16];
        for (int b = 0; b < BLOCKS; b++) _mm512_storeu_ps(lane + b * 16, sums[b]);
        for (int i = 0; i < weight_rows && first + i < n; i++) {
            for (int t = 0; t < rows; t++) out[(size_t)t * n + first + i] = lane[i * lanes + t];
        }
    }
#else
    (void)w; (void)row_stride; (void)n; (void)first_group; (void)group_count;
    (void)panel; (void)lanes; (void)rows; (void)k; (void)span; (void)out;
#endif
}
