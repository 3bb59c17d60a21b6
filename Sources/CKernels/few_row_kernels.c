// The row-stable few-row matmul for bf16 weights (FewRowMatmul.swift calls it). A block step
// multiplies 1–7 activation rows by every weight: too few to fill the packed kernel's 16- or
// 24-lane panels, whose summation order it must still reproduce bit for bit (one fp32 FMA chain
// per output over each 4,096-column pass, starting from +0, passes added in order to a sum that
// starts at +0), so a block's cached step equals the same rows of a whole-prefix forward.
//
// The chain runs over k, so the lanes of a vector must be different outputs: lane (i, t) holds
// weight row i against activation row t. A 512-bit vector covers 4 weight rows × 4 activation
// rows (1–4 rows) or 2 × 8 (5–7 rows). Each 128-bit lane of R holds 8 consecutive bf16 weights
// of its row; vpshufb copies weight j of each lane into the high half of every fp32 lane, zeros
// below — bf16 to fp32 exactly, in a register — and one FMA against the activations at column
// j (broadcast in 128-bit lanes from a [k][rows] panel) advances 16 chains. Every weight is read
// from memory once; eight such vectors (32 or 16 weight rows) keep the FMA latency covered.
#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define BLOCKS 8

int dscope_few_rows_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

void dscope_few_rows_panel(const float *x, int rows, int k, int lanes, float *panel) {
    for (int column = 0; column < k; column++) {
        for (int t = 0; t < lanes; t++) panel[(size_t)column * lanes + t] = t < rows ? x[(size_t)t * k + column] : 0.0f;
    }
}

#if defined(__x86_64__)

// Eight bf16 weights of 16 / lanes weight rows, each 128-bit lane one row's: lanes 4 → rows
// 0–3 in lanes 0–3; lanes 8 → row 0 in lanes 0–1, row 1 in lanes 2–3.
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512i load_weights(const uint16_t *const *row, int block, int lanes, size_t column) {
    if (lanes == 4) {
        __m512i r = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(row[block * 4] + column)));
        r = _mm512_inserti32x4(r, _mm_loadu_si128((const __m128i *)(row[block * 4 + 1] + column)), 1);
        r = _mm512_inserti32x4(r, _mm_loadu_si128((const __m128i *)(row[block * 4 + 2] + column)), 2);
        return _mm512_inserti32x4(r, _mm_loadu_si128((const __m128i *)(row[block * 4 + 3] + column)), 3);
    }
    const __m256i a = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(row[block * 2] + column)));
    const __m256i b = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(row[block * 2 + 1] + column)));
    return _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
}

// The activations at one column, repeated in each 128-bit lane (4) or 256-bit half (8).
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512 load_activations(const float *panel, int lanes, size_t column) {
    if (lanes == 4) return _mm512_broadcast_f32x4(_mm_loadu_ps(panel + column * 4));
    return _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd((const double *)(panel + column * 8))));
}

// One weight per lane at a single column (the ragged end of a pass).
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512 one_column(const uint16_t *const *row, int block, int lanes, size_t column) {
    uint32_t bits[16];
    const int per_row = lanes, rows = 16 / lanes;
    for (int i = 0; i < rows; i++) {
        for (int t = 0; t < per_row; t++) bits[i * per_row + t] = (uint32_t)row[block * rows + i][column] << 16;
    }
    return _mm512_castsi512_ps(_mm512_loadu_si512(bits));
}

__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void group(const uint16_t *const *row, const float *panel, int lanes, int k, int span, __m512 *sums) {
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
        for (; column + 8 <= end; column += 8) {
            __m512i w[BLOCKS];
            for (int b = 0; b < BLOCKS; b++) w[b] = load_weights(row, b, lanes, (size_t)column);
            for (int j = 0; j < 8; j++) {
                const __m512 x = load_activations(panel, lanes, (size_t)column + j);
                for (int b = 0; b < BLOCKS; b++) {
                    chain[b] = _mm512_fmadd_ps(x, _mm512_castsi512_ps(_mm512_shuffle_epi8(w[b], spread[j])), chain[b]);
                }
            }
        }
        for (; column < end; column++) {
            const __m512 x = load_activations(panel, lanes, (size_t)column);
            for (int b = 0; b < BLOCKS; b++) chain[b] = _mm512_fmadd_ps(x, one_column(row, b, lanes, (size_t)column), chain[b]);
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

void dscope_few_rows_bf16(const uint16_t *w, size_t row_stride, int n, int first_group, int group_count,
                          const float *panel, int lanes, int rows, int k, int span, float *out) {
#if defined(__x86_64__)
    const int weight_rows = BLOCKS * 16 / lanes;
    for (int g = first_group; g < first_group + group_count; g++) {
        const int first = g * weight_rows;
        const uint16_t *row[32];
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
