// The k-quant tiles for 1–7 activation rows (AVX512-VNNI), with int8_kquant.c's arithmetic: the
// lanes of int8_few_row_lanes.h, per run the integer sums times the scales (vpmulld) into the
// superblock's sum, per superblock the mins against the code sums (vpdpwssd) and the fold in the
// panel tile's order, so a row's bits are those it gets inside a longer product.
#include "CKernels.h"
#include "block_scales.h"
#include "int8_few_row_lanes.h"

#if defined(__x86_64__)

#define LANES DSCOPE_PANEL_ROWS
#define VNNI "avx512f,avx512bw,avx512vl,avx512vnni"

// The runs of one 64-column chunk into the superblock's sums: s += scale · Σ code · x, the scales
// of the chunk's first run at scale_by_run[0 ..< 16] (row r's at [r]).
__attribute__((target(VNNI), always_inline))
static inline void chunk_runs_k(__m512i (*w)[4], const int8_t *panel, const int32_t *scale_by_run, int chunk,
                                const int unit, const int lanes, const __m512i *row_of_lane, __m512i *s) {
    const int groups = unit / 4;
    for (int run = 0; run < 64 / unit; run++) {
        __m512i sum[8];
        run_sums(w, panel, chunk, run * groups, groups, lanes, sum);
        const __m512i scales = _mm512_loadu_si512((const void *)(scale_by_run + run * 16));
        for (int block = 0; block < lanes; block++) {
            s[block] = _mm512_add_epi32(s[block], _mm512_mullo_epi32(sum[block], _mm512_permutexvar_epi32(row_of_lane[block], scales)));
        }
    }
}

// One superblock's fold: m = Σ min · Σ x from the panel's code sums, then the panel tile's float
// steps. min_pairs, d, dmin: this superblock's, row r's at [r] (min pairs 16 apart).
__attribute__((target(VNNI), always_inline))
static inline void fold_k(const __m512i *s, const float *scale, const int32_t *sum_pairs, int superblock, const int pairs,
                          const int32_t *min_pairs, const float *d, const float *dmin, const int six, const int lanes,
                          const __m512i *row_of_lane, __m512 *f) {
    __m512i m[8];
    for (int block = 0; block < lanes; block++) m[block] = _mm512_setzero_si512();
    for (int pair = 0; pair < pairs; pair++) {
        const __m512i x = _mm512_castps_si512(lanes_of_panel((const float *)(sum_pairs + (size_t)(superblock * pairs + pair) * LANES), lanes));
        const __m512i mins = _mm512_loadu_si512((const void *)(min_pairs + pair * 16));
        for (int block = 0; block < lanes; block++) {
            m[block] = _mm512_dpwssd_epi32(m[block], x, _mm512_permutexvar_epi32(row_of_lane[block], mins));
        }
    }
    const __m512 dx = lanes_of_panel(scale + (size_t)superblock * LANES, lanes);
    const __m512 dv = _mm512_loadu_ps(d), dminv = _mm512_loadu_ps(dmin);
    for (int block = 0; block < lanes; block++) {
        const __m512 d_lane = _mm512_permutexvar_ps(row_of_lane[block], dv);
        if (six) {
            f[block] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(s[block], m[block])), dx), d_lane, f[block]);
        } else {
            f[block] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(s[block]), dx), d_lane, f[block]);
            f[block] = _mm512_fnmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(m[block]), dx),
                                        _mm512_permutexvar_ps(row_of_lane[block], dminv), f[block]);
        }
    }
}

// Unpacked codes (row stride k) and factors (dscope_unpack_row_k's).
__attribute__((target(VNNI), always_inline))
static inline void few_rows_k(const uint8_t *codes, const dscope_k_factors *fac, const int8_t *panel, const float *scale,
                              const int32_t *sum_pairs, int k, const int unit, const int six, const int lanes,
                              float *sums, size_t sum_stride) {
    const int rows_per_block = 16 / lanes, per = 256 / unit;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    __m512 f[8];
    for (int block = 0; block < lanes; block++) f[block] = _mm512_setzero_ps();
    for (int superblock = 0; superblock < k / 256; superblock++) {
        __m512i s[8];
        for (int block = 0; block < lanes; block++) s[block] = _mm512_setzero_si512();
        for (int chunk = superblock * 256; chunk < superblock * 256 + 256; chunk += 64) {
            __m512i w[8][4];
            for (int block = 0; block < lanes; block++) {
                __m512i row[4];
                for (int i = 0; i < rows_per_block; i++) {
                    row[i] = _mm512_loadu_si512((const void *)(codes + (size_t)(block * rows_per_block + i) * k + chunk));
                }
                arrange(row, lanes, w[block]);
            }
            chunk_runs_k(w, panel, fac->scale + (size_t)(chunk / unit) * 16, chunk, unit, lanes, row_of_lane, s);
        }
        fold_k(s, scale, sum_pairs, superblock, per / 2, fac->min_pairs + (size_t)superblock * per / 2 * 16,
               fac->d + superblock * 16, fac->dmin + superblock * 16, six, lanes, row_of_lane, f);
    }
    store_sums(f, lanes, sums, sum_stride);
}

// Q4_K rows read in place: per superblock the 16 rows' scales and mins are decoded, and each
// 64-column chunk's nibbles split in registers — the codes and factors the unpacker would have
// written, without writing them.
__attribute__((target(VNNI), always_inline))
static inline void few_rows_q4_k(const uint8_t *const *row, const uint8_t *const *next, const int8_t *panel,
                                 const float *scale, const int32_t *sum_pairs, int k, const int lanes, float *sums,
                                 size_t sum_stride) {
    const int rows_per_block = 16 / lanes;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    // Low nibbles in the lower 256 bits, high nibbles (a 4-bit shift of each 16-bit word) above.
    const __m512i shifts = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(4), 1);
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512 f[8];
    for (int block = 0; block < lanes; block++) f[block] = _mm512_setzero_ps();
    for (int superblock = 0; superblock < k / 256; superblock++) {
        int32_t scales[8 * 16], min_pairs[4 * 16];
        float d[16], dmin[16];
        for (int r = 0; r < 16; r++) {
            const uint8_t *base = row[r] + (size_t)superblock * 144;
            uint8_t sc[8], m[8];
            scale_and_min_codes_k4(base + 4, sc, m);
            for (int j = 0; j < 8; j++) scales[j * 16 + r] = sc[j];
            for (int pair = 0; pair < 4; pair++) min_pairs[pair * 16 + r] = m[2 * pair] | m[2 * pair + 1] << 16;
            d[r] = half_to_float(base);
            dmin[r] = half_to_float(base + 2);
        }
        __m512i s[8];
        for (int block = 0; block < lanes; block++) s[block] = _mm512_setzero_si512();
        for (int pair = 0; pair < 4; pair++) {
            prefetch_span(next, (size_t)superblock * 144 + (size_t)pair * 36, 36);
            __m512i w[8][4];
            for (int block = 0; block < lanes; block++) {
                __m512i codes[4];
                for (int i = 0; i < rows_per_block; i++) {
                    const uint8_t *nibbles = row[block * rows_per_block + i] + (size_t)superblock * 144 + 16 + pair * 32;
                    const __m512i both = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)nibbles));
                    codes[i] = _mm512_and_si512(_mm512_srlv_epi16(both, shifts), low4);
                }
                arrange(codes, lanes, w[block]);
            }
            chunk_runs_k(w, panel, scales + pair * 2 * 16, superblock * 256 + pair * 64, 32, lanes, row_of_lane, s);
        }
        fold_k(s, scale, sum_pairs, superblock, 4, min_pairs, d, dmin, 0, lanes, row_of_lane, f);
    }
    store_sums(f, lanes, sums, sum_stride);
}

#define K_TILE(name, call)                                                                                    \
    __attribute__((target(VNNI))) static void name(const uint8_t *c, const dscope_k_factors *fac, const int8_t *p, \
                                                   const float *s, const int32_t *pairs, int k, float *sums,       \
                                                   size_t stride) {                                                \
        call;                                                                                                      \
    }
K_TILE(q6_k_4, few_rows_k(c, fac, p, s, pairs, k, 16, 1, 4, sums, stride))
K_TILE(q6_k_8, few_rows_k(c, fac, p, s, pairs, k, 16, 1, 8, sums, stride))
K_TILE(k4_4, few_rows_k(c, fac, p, s, pairs, k, 32, 0, 4, sums, stride))
K_TILE(k4_8, few_rows_k(c, fac, p, s, pairs, k, 32, 0, 8, sums, stride))

#define Q4_K_TILE(name, lanes)                                                                                   \
    __attribute__((target(VNNI))) static void name(const uint8_t *const *row, const uint8_t *const *next,       \
                                                   const int8_t *p, const float *s, const int32_t *pairs, int k, \
                                                   float *sums, size_t stride) {                                 \
        few_rows_q4_k(row, next, p, s, pairs, k, lanes, sums, stride);                                           \
    }
Q4_K_TILE(q4_k_4, 4)
Q4_K_TILE(q4_k_8, 8)

#endif

void dscope_int8_few_rows_tile_k(int rows, dscope_qtype type, const uint8_t *codes, const dscope_k_factors *factors,
                                 const int8_t *panel, const float *scale, const int32_t *sum_pairs, int k,
                                 float *sums, size_t sum_stride) {
#if defined(__x86_64__)
    const int four = rows <= 4;
    if (type == DSCOPE_Q6_K) {
        (four ? q6_k_4 : q6_k_8)(codes, factors, panel, scale, sum_pairs, k, sums, sum_stride);
    } else {
        (four ? k4_4 : k4_8)(codes, factors, panel, scale, sum_pairs, k, sums, sum_stride);
    }
#else
    (void)rows; (void)type; (void)codes; (void)factors; (void)panel; (void)scale; (void)sum_pairs; (void)k;
    (void)sums; (void)sum_stride;
#endif
}

void dscope_int8_few_rows_q4_k_in_place(int rows, const void *first_row, size_t row_bytes, int row_count,
                                        const void *next_first_row, int next_row_count, const int8_t *panel,
                                        const float *scale, const int32_t *sum_pairs, int k, float *sums,
                                        size_t sum_stride) {
#if defined(__x86_64__)
    const uint8_t *row[16], *next[16];
    // Rows past the matrix read its last row again; their sums are filler.
    for (int r = 0; r < 16; r++) row[r] = (const uint8_t *)first_row + (size_t)(r < row_count ? r : row_count - 1) * row_bytes;
    for (int r = 0; next_first_row && r < 16; r++) {
        next[r] = (const uint8_t *)next_first_row + (size_t)(r < next_row_count ? r : next_row_count - 1) * row_bytes;
    }
    (rows <= 4 ? q4_k_4 : q4_k_8)(row, next_first_row ? next : NULL, panel, scale, sum_pairs, k, sums, sum_stride);
#else
    (void)rows; (void)first_row; (void)row_bytes; (void)row_count; (void)next_first_row; (void)next_row_count;
    (void)panel; (void)scale; (void)sum_pairs; (void)k; (void)sums; (void)sum_stride;
#endif
}
