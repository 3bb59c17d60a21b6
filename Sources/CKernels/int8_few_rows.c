// The Q8_0/Q4_0 int8 tile for 1–7 activation rows (Int8Matmul.swift picks it with AVX512-VNNI; the
// k-quants' is int8_few_rows_kquant.c). The panel tile spends a 16-lane vpdpbusd per weight row and
// 4 columns whatever the row count; here a vector's lanes are (weight row i, activation row t) — 4 ×
// 4 for up to 4 rows, 2 × 8 for 5–7 — so one vpdpbusd serves 4 or 2 weight rows. Each output's
// integer sums are exact (Σ (code − c) · x) and fold into fp32 in the panel tile's order (per run
// d · (d_x · Σ), fused the same way), so a row's bits are those it gets inside a longer product.
#include "CKernels.h"
#include "block_scales.h"
#include "int8_few_row_lanes.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define LANES DSCOPE_PANEL_ROWS

// The runs of one chunk of up to 64 columns (`columns`; its first run `first_run` of those d_by_run
// holds) of every block's arranged codes against the panel, folded into f in the panel tile's
// order: each run's sum starts at −c · Σ x (c = 2^shift), then f += d · (Σ · d_x).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void chunk_runs(__m512i (*w)[4], const int8_t *panel, const float *scale, const int32_t *code_sum,
                              const float *d_by_run, int first_run, int chunk, int columns, const int shift,
                              const int lanes, const __m512i *row_of_lane, __m512 *f) {
    for (int run = 0; run < columns / 32; run++) {
        const int u = chunk / 32 + run;
        __m512i sum[8];
        run_sums(w, panel, chunk, run * 8, 8, lanes, sum);
        const __m512i start = _mm512_slli_epi32(_mm512_castps_si512(lanes_of_panel((const float *)(code_sum + (size_t)u * LANES), lanes)), shift);
        const __m512 s = lanes_of_panel(scale + (size_t)u * LANES, lanes);
        const __m512 d_run = _mm512_loadu_ps(d_by_run + (size_t)(u - first_run) * 16);
        for (int block = 0; block < lanes; block++) {
            const __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(sum[block], start)), s);
            f[block] = _mm512_fmadd_ps(t, _mm512_permutexvar_ps(row_of_lane[block], d_run), f[block]);
        }
    }
}

// Four rows' 16 bytes at `offset` as the four 128-bit lanes of one vector (row i in lane i).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline __m512i four_lanes(const uint8_t *const *row, size_t offset) {
    const __m256i low = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(row[0] + offset))),
                                                _mm_loadu_si128((const __m128i *)(row[1] + offset)), 1);
    const __m256i high = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(row[2] + offset))),
                                                 _mm_loadu_si128((const __m128i *)(row[3] + offset)), 1);
    return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
}

// The f16 scales of one run of the 16 rows (each the first two bytes of its block, at
// `byte_of_row[r]` from `first`) as floats: one gather, one vcvtph2ps. It quiets a signalling NaN,
// which half_to_float keeps; a factor only ever meets arithmetic, which quiets it the same way.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline __m512 gathered_scales(const uint8_t *first, __m512i byte_of_row) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_i32gather_epi32(byte_of_row, (const void *)first, 1)));
}

// Q8_0 and Q4_0 rows read in place, 64 columns (two blocks; 32 at a ragged end) at a time: the
// blocks' f16 scales become the unpacker's factors (Q8_0 code + 128 with c = 128, Q4_0 nibble with
// c = 8) and the codes are assembled in registers. With 4 lanes, Q4_0's spans come straight
// from four rows' 16 nibble bytes per block (low nibbles: columns 0–15, high: 16–31), no transpose.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void few_rows_blocks(const uint8_t *const *row, const uint8_t *const *next, int q8, const int8_t *panel,
                                   const float *scale, const int32_t *code_sum, int k, const int lanes, float *sums,
                                   size_t sum_stride) {
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block, bytes = q8 ? 34 : 18;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    int byte_of_row[16];
    for (int r = 0; r < 16; r++) byte_of_row[r] = (int)(row[r] - row[0]);
    const __m512i gather_offsets = _mm512_loadu_si512(byte_of_row);
    // Q4_0: 128-bit lanes n0, n0, n1, n1 → low nibbles, high nibbles of each block.
    const __m512i shifts = _mm512_set_epi64(0x0004000400040004, 0x0004000400040004, 0, 0,
                                            0x0004000400040004, 0x0004000400040004, 0, 0);
    const __m512i low4 = _mm512_set1_epi8(0x0F), flip = _mm512_set1_epi8((char)0x80);
    __m512 f[8];
    for (int block = 0; block < blocks; block++) f[block] = _mm512_setzero_ps();
    for (int chunk = 0; chunk < k; chunk += 64) {
        const int runs = k - chunk >= 64 ? 2 : 1, first = chunk / 32;
        prefetch_span(next, (size_t)first * bytes, (size_t)runs * bytes);
        float d_by_run[2 * 16];
        for (int run = 0; run < runs; run++) {
            const __m512 d = gathered_scales(row[0] + (size_t)(first + run) * bytes, gather_offsets);
            _mm512_storeu_ps(d_by_run + run * 16, d);
        }
        __m512i w[8][4];
        for (int block = 0; block < blocks; block++) {
            const uint8_t *const *rows = row + block * rows_per_block;
            if (!q8 && lanes == 4) {
                const size_t at = (size_t)first * bytes + 2;
                const __m512i n0 = four_lanes(rows, at);
                w[block][0] = _mm512_and_si512(n0, low4);
                w[block][1] = _mm512_and_si512(_mm512_srli_epi16(n0, 4), low4);
                if (runs == 2) {
                    const __m512i n1 = four_lanes(rows, at + 18);
                    w[block][2] = _mm512_and_si512(n1, low4);
                    w[block][3] = _mm512_and_si512(_mm512_srli_epi16(n1, 4), low4);
                } else {
                    w[block][2] = w[block][3] = _mm512_setzero_si512();
                }
                continue;
            }
            __m512i codes[4];
            for (int i = 0; i < rows_per_block; i++) {
                const uint8_t *p = rows[i] + (size_t)first * bytes;
                if (q8) {
                    const __m256i low = _mm256_loadu_si256((const __m256i *)(p + 2));
                    const __m256i high = runs == 2 ? _mm256_loadu_si256((const __m256i *)(p + 36)) : _mm256_setzero_si256();
                    codes[i] = _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1), flip);
                } else {
                    const __m128i n0 = _mm_loadu_si128((const __m128i *)(p + 2));
                    const __m128i n1 = runs == 2 ? _mm_loadu_si128((const __m128i *)(p + 20)) : _mm_setzero_si128();
                    const __m256i both = _mm256_set_m128i(n1, n0);
                    const __m512i twice = _mm512_inserti64x4(_mm512_castsi256_si512(both), both, 1);
                    codes[i] = _mm512_and_si512(_mm512_srlv_epi16(_mm512_shuffle_i32x4(twice, twice, 0x50), shifts), low4);
                }
            }
            arrange(codes, lanes, w[block]);
        }
        chunk_runs(w, panel, scale, code_sum, d_by_run, first, chunk, runs * 32, q8 ? 7 : 3, lanes, row_of_lane, f);
    }
    store_sums(f, lanes, sums, sum_stride);
}

#define RAW_TILE(name, call)                                                                        \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"))) static void name(               \
        const uint8_t *const *row, const uint8_t *const *next, const int8_t *p, const float *s, const int32_t *x, \
        int k, float *sums, size_t stride) {                                                        \
        call;                                                                                       \
    }
RAW_TILE(q8_0_4, few_rows_blocks(row, next, 1, p, s, x, k, 4, sums, stride))
RAW_TILE(q8_0_8, few_rows_blocks(row, next, 1, p, s, x, k, 8, sums, stride))
RAW_TILE(q4_0_4, few_rows_blocks(row, next, 0, p, s, x, k, 4, sums, stride))
RAW_TILE(q4_0_8, few_rows_blocks(row, next, 0, p, s, x, k, 8, sums, stride))

#endif

void dscope_prefetch(const void *start, size_t bytes) {
    const char *p = (const char *)start;
    for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(p + offset, 0, 1);
}

void dscope_int8_few_rows_in_place(dscope_qtype type, int rows, const void *first_row, size_t row_bytes, int row_count,
                                   const void *next_first_row, int next_row_count, const int8_t *panel,
                                   const float *scale, const int32_t *code_sum, int k, float *sums, size_t sum_stride) {
#if defined(__x86_64__)
    const uint8_t *row[16], *next[16];
    // Rows past the matrix read its last row again; their sums are filler.
    for (int r = 0; r < 16; r++) row[r] = (const uint8_t *)first_row + (size_t)(r < row_count ? r : row_count - 1) * row_bytes;
    for (int r = 0; next_first_row && r < 16; r++) {
        next[r] = (const uint8_t *)next_first_row + (size_t)(r < next_row_count ? r : next_row_count - 1) * row_bytes;
    }
    const uint8_t *const *ahead = next_first_row ? next : NULL;
    const int four = rows <= 4;
    switch (type) {
    case DSCOPE_Q8_0: (four ? q8_0_4 : q8_0_8)(row, ahead, panel, scale, code_sum, k, sums, sum_stride); break;
    case DSCOPE_Q4_0: (four ? q4_0_4 : q4_0_8)(row, ahead, panel, scale, code_sum, k, sums, sum_stride); break;
    default: break;
    }
#else
    (void)type; (void)rows; (void)first_row; (void)row_bytes; (void)row_count; (void)next_first_row;
    (void)next_row_count; (void)panel; (void)scale; (void)code_sum; (void)k; (void)sums; (void)sum_stride;
#endif
}
