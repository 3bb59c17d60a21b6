// The int8 tile for 1–7 activation rows (Int8Matmul.swift picks it with AVX512-VNNI). The panel
// tile spends a 16-lane vpdpbusd per weight row and 4 columns whatever the row count; here a
// vector's lanes are (weight row i, activation row t) — 4 × 4 for up to 4 rows, 2 × 8 for 5–7 —
// so one vpdpbusd serves 4 or 2 weight rows. Each output's integer sums are exact and fold into
// fp32 in the panel tile's order (per run: a · (d_x · Σ) then − b · (d_x · Σ code_x), fused the
// same way), so a row's bits are those it gets inside a longer product.
#include "CKernels.h"
#include "block_scales.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define LANES DSCOPE_PANEL_ROWS

// Four (or two) rows' 64 codes as a weight tile reads them: four vectors of 16 columns each, each
// 128-bit lane one row's (4 lanes: rows 0–3; 8 lanes: row 0 in lanes 0–1, row 1 in lanes 2–3).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void arrange(const __m512i *row, int lanes, __m512i *spans) {
    if (lanes == 4) {
        const __m512i ab01 = _mm512_shuffle_i32x4(row[0], row[1], 0x44), ab23 = _mm512_shuffle_i32x4(row[0], row[1], 0xEE);
        const __m512i cd01 = _mm512_shuffle_i32x4(row[2], row[3], 0x44), cd23 = _mm512_shuffle_i32x4(row[2], row[3], 0xEE);
        spans[0] = _mm512_shuffle_i32x4(ab01, cd01, 0x88);
        spans[1] = _mm512_shuffle_i32x4(ab01, cd01, 0xDD);
        spans[2] = _mm512_shuffle_i32x4(ab23, cd23, 0x88);
        spans[3] = _mm512_shuffle_i32x4(ab23, cd23, 0xDD);
    } else {
        spans[0] = _mm512_shuffle_i32x4(row[0], row[1], 0x00);
        spans[1] = _mm512_shuffle_i32x4(row[0], row[1], 0x55);
        spans[2] = _mm512_shuffle_i32x4(row[0], row[1], 0xAA);
        spans[3] = _mm512_shuffle_i32x4(row[0], row[1], 0xFF);
    }
}

// The runs of one chunk of up to 64 columns (`columns`; its first run `first_run` of those the
// factors hold) of every block's arranged codes against the panel, folded into f in the panel
// tile's order: f += a · (Σ · d_x), then f −= b · offset.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void chunk_runs(__m512i (*w)[4], const int8_t *panel, const float *scale, const float *offset,
                              const float *a_by_run, const float *b_by_run, int first_run, int chunk, int columns,
                              const int unit, const int lanes, const __m512i *row_of_lane, __m512 *f) {
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block, groups = unit / 4;
    __m512i pick[4];
    for (int q = 0; q < 4; q++) {
        // Dword q of each 128-bit lane into all four of its dwords.
        pick[q] = _mm512_set1_epi32((int)(0x03020100u + 0x04040404u * (uint32_t)q));
    }
    for (int run = 0; run < columns / unit; run++) {
        const int u = chunk / unit + run;
        __m512i acc[8][2];
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
        const __m512 a_run = _mm512_loadu_ps(a_by_run + (size_t)(u - first_run) * 16);
        const __m512 b_run = _mm512_loadu_ps(b_by_run + (size_t)(u - first_run) * 16);
        for (int block = 0; block < blocks; block++) {
            const __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc[block][0], acc[block][1])), s);
            f[block] = _mm512_fmadd_ps(t, _mm512_permutexvar_ps(row_of_lane[block], a_run), f[block]);
            f[block] = _mm512_fnmadd_ps(o, _mm512_permutexvar_ps(row_of_lane[block], b_run), f[block]);
        }
    }
}

// Each lane's weight row (of the 16), per block: the permute that spreads the factors.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void lanes_rows(int lanes, __m512i *row_of_lane) {
    const int rows_per_block = 16 / lanes;
    for (int block = 0; block < 16 / rows_per_block; block++) {
        int index[16];
        for (int lane = 0; lane < 16; lane++) index[lane] = block * rows_per_block + lane / lanes;
        row_of_lane[block] = _mm512_loadu_si512(index);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void store_sums(const __m512 *f, int lanes, float *sums, size_t sum_stride) {
    const int rows_per_block = 16 / lanes;
    for (int block = 0; block < 16 / rows_per_block; block++) {
        float lane[16];
        _mm512_storeu_ps(lane, f[block]);
        for (int i = 0; i < 16; i++) sums[(size_t)(block * rows_per_block + i / lanes) * sum_stride + i % lanes] = lane[i];
    }
}

// Unpacked codes (row stride k; a 32-column tail is masked).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void few_rows_tile(const uint8_t *codes, const float *a_by_run, const float *b_by_run,
                                 const int8_t *panel, const float *scale, const float *offset, int k,
                                 const int unit, const int lanes, float *sums, size_t sum_stride) {
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    __m512 f[8];
    for (int block = 0; block < blocks; block++) f[block] = _mm512_setzero_ps();
    for (int chunk = 0; chunk < k; chunk += 64) {
        const int columns = k - chunk >= 64 ? 64 : 32;
        const __mmask64 mask = columns == 64 ? ~(__mmask64)0 : (__mmask64)0xFFFFFFFFu;
        __m512i w[8][4];
        for (int block = 0; block < blocks; block++) {
            __m512i row[4];
            for (int i = 0; i < rows_per_block; i++) {
                row[i] = _mm512_maskz_loadu_epi8(mask, codes + (size_t)(block * rows_per_block + i) * k + chunk);
            }
            arrange(row, lanes, w[block]);
        }
        chunk_runs(w, panel, scale, offset, a_by_run, b_by_run, 0, chunk, columns, unit, lanes, row_of_lane, f);
    }
    store_sums(f, lanes, sums, sum_stride);
}

// The bytes [offset, offset + count) of the 16 rows of the block this worker will likely claim next
// (none when `next` is NULL), asked for while this block's tile runs: spread over the tile, the
// prefetches do not queue up behind each other as one burst per block did.
__attribute__((always_inline)) static inline void prefetch_span(const uint8_t *const *next, size_t offset, size_t count) {
    if (!next) return;
    for (int r = 0; r < 16; r++) {
        __builtin_prefetch(next[r] + offset, 0, 1);
        __builtin_prefetch(next[r] + offset + count - 1, 0, 1);
    }
}

// Q4_K rows read in place: per superblock the 16 rows' scales and mins are decoded into factors
// run by run, and each 64-column chunk's nibbles split in registers — the bytes the unpacker would
// have written, without writing them.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void few_rows_q4_k(const uint8_t *const *row, const uint8_t *const *next, const int8_t *panel,
                                 const float *scale, const float *offset, int k, const int lanes, float *sums,
                                 size_t sum_stride) {
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    // Low nibbles in the lower 256 bits, high nibbles (a 4-bit shift of each 16-bit word) above.
    const __m512i shifts = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(4), 1);
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512 f[8];
    for (int block = 0; block < blocks; block++) f[block] = _mm512_setzero_ps();
    for (int superblock = 0; superblock < k / 256; superblock++) {
        float a[8 * 16], b[8 * 16];
        for (int r = 0; r < 16; r++) {
            const uint8_t *base = row[r] + (size_t)superblock * 144;
            float sc[8], m[8];
            scales_and_mins_k4(base + 4, half_to_float(base), half_to_float(base + 2), sc, m);
            for (int j = 0; j < 8; j++) {
                a[j * 16 + r] = sc[j];
                b[j * 16 + r] = m[j];
            }
        }
        for (int pair = 0; pair < 4; pair++) {
            prefetch_span(next, (size_t)superblock * 144 + (size_t)pair * 36, 36);
            __m512i w[8][4];
            for (int block = 0; block < blocks; block++) {
                __m512i codes[4];
                for (int i = 0; i < rows_per_block; i++) {
                    const uint8_t *nibbles = row[block * rows_per_block + i] + (size_t)superblock * 144 + 16 + pair * 32;
                    const __m512i both = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)nibbles));
                    codes[i] = _mm512_and_si512(_mm512_srlv_epi16(both, shifts), low4);
                }
                arrange(codes, lanes, w[block]);
            }
            chunk_runs(w, panel, scale, offset, a, b, superblock * 8, superblock * 256 + pair * 64, 64, 32, lanes,
                       row_of_lane, f);
        }
    }
    store_sums(f, lanes, sums, sum_stride);
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
// blocks' f16 scales become the unpacker's factors (Q8_0 code + 128 with b = 128 d, Q4_0 nibble
// with b = 8 d) and the codes are assembled in registers. With 4 lanes, Q4_0's spans come straight
// from four rows' 16 nibble bytes per block (low nibbles: columns 0–15, high: 16–31), no transpose.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void few_rows_blocks(const uint8_t *const *row, const uint8_t *const *next, int q8, const int8_t *panel,
                                   const float *scale, const float *offset, int k, const int lanes, float *sums,
                                   size_t sum_stride) {
    const int rows_per_block = 16 / lanes, blocks = 16 / rows_per_block, bytes = q8 ? 34 : 18;
    __m512i row_of_lane[8];
    lanes_rows(lanes, row_of_lane);
    int byte_of_row[16];
    for (int r = 0; r < 16; r++) byte_of_row[r] = (int)(row[r] - row[0]);
    const __m512i gather_offsets = _mm512_loadu_si512(byte_of_row);
    const __m512 offset_factor = _mm512_set1_ps(q8 ? 128.0f : 8.0f);
    // Q4_0: 128-bit lanes n0, n0, n1, n1 → low nibbles, high nibbles of each block.
    const __m512i shifts = _mm512_set_epi64(0x0004000400040004, 0x0004000400040004, 0, 0,
                                            0x0004000400040004, 0x0004000400040004, 0, 0);
    const __m512i low4 = _mm512_set1_epi8(0x0F), flip = _mm512_set1_epi8((char)0x80);
    __m512 f[8];
    for (int block = 0; block < blocks; block++) f[block] = _mm512_setzero_ps();
    for (int chunk = 0; chunk < k; chunk += 64) {
        const int runs = k - chunk >= 64 ? 2 : 1, first = chunk / 32;
        prefetch_span(next, (size_t)first * bytes, (size_t)runs * bytes);
        float a[2 * 16], b[2 * 16];
        for (int run = 0; run < runs; run++) {
            const __m512 d = gathered_scales(row[0] + (size_t)(first + run) * bytes, gather_offsets);
            _mm512_storeu_ps(a + run * 16, d);
            _mm512_storeu_ps(b + run * 16, _mm512_mul_ps(offset_factor, d));
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
        chunk_runs(w, panel, scale, offset, a, b, first, chunk, runs * 32, 32, lanes, row_of_lane, f);
    }
    store_sums(f, lanes, sums, sum_stride);
}

#define RAW_TILE(name, call)                                                                        \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"))) static void name(               \
        const uint8_t *const *row, const uint8_t *const *next, const int8_t *p, const float *s, const float *o, \
        int k, float *sums, size_t stride) {                                                        \
        call;                                                                                       \
    }
RAW_TILE(q4_k_4, few_rows_q4_k(row, next, p, s, o, k, 4, sums, stride))
RAW_TILE(q4_k_8, few_rows_q4_k(row, next, p, s, o, k, 8, sums, stride))
RAW_TILE(q8_0_4, few_rows_blocks(row, next, 1, p, s, o, k, 4, sums, stride))
RAW_TILE(q8_0_8, few_rows_blocks(row, next, 1, p, s, o, k, 8, sums, stride))
RAW_TILE(q4_0_4, few_rows_blocks(row, next, 0, p, s, o, k, 4, sums, stride))
RAW_TILE(q4_0_8, few_rows_blocks(row, next, 0, p, s, o, k, 8, sums, stride))

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

int dscope_int8_few_rows_reads_in_place(dscope_qtype type) {
    return type == DSCOPE_Q8_0 || type == DSCOPE_Q4_0 || type == DSCOPE_Q4_K;
}

void dscope_int8_few_rows_in_place(dscope_qtype type, int rows, const void *first_row, size_t row_bytes, int row_count,
                                   const void *next_first_row, int next_row_count, const int8_t *panel,
                                   const float *scale, const float *offset, int k, float *sums, size_t sum_stride) {
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
    case DSCOPE_Q4_K: (four ? q4_k_4 : q4_k_8)(row, ahead, panel, scale, offset, k, sums, sum_stride); break;
    case DSCOPE_Q8_0: (four ? q8_0_4 : q8_0_8)(row, ahead, panel, scale, offset, k, sums, sum_stride); break;
    case DSCOPE_Q4_0: (four ? q4_0_4 : q4_0_8)(row, ahead, panel, scale, offset, k, sums, sum_stride); break;
    default: break;
    }
#else
    (void)type; (void)rows; (void)first_row; (void)row_bytes; (void)row_count; (void)next_first_row;
    (void)next_row_count; (void)panel; (void)scale; (void)offset; (void)k; (void)sums; (void)sum_stride;
#endif
}
