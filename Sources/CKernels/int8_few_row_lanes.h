// The lanes of the int8 few-row tiles (int8_few_rows.c, int8_few_rows_kquant.c): a vector's 16
// lanes are (weight row i, activation row t) pairs — 4 × 4 for up to 4 rows, 2 × 8 for 5–7 — so
// one vpdpbusd serves 4 or 2 weight rows; 16 weight rows make 4 (or 8) such blocks of lanes.
#ifndef DSCOPE_INT8_FEW_ROW_LANES_H
#define DSCOPE_INT8_FEW_ROW_LANES_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>

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

// A panel's per-lane values (16 floats) as the lanes see them: activation rows 0–3 (or 0–7) repeated.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline __m512 lanes_of_panel(const float *values, int lanes) {
    return lanes == 4 ? _mm512_broadcast_f32x4(_mm_loadu_ps(values))
                      : _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_loadu_pd((const double *)values)));
}

// The integer sums Σ code · x of one run — `groups` groups of four columns from the chunk's group
// `first_group` (of 16) — for every block of lanes (w: each block's arranged codes of the chunk,
// whose first column is `chunk`); two chains per block, added.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void run_sums(__m512i (*w)[4], const int8_t *panel, int chunk, int first_group, const int groups,
                            const int lanes, __m512i *sums) {
    const int blocks = lanes;
    __m512i pick[4];
    for (int q = 0; q < 4; q++) {
        // Dword q of each 128-bit lane into all four of its dwords.
        pick[q] = _mm512_set1_epi32((int)(0x03020100u + 0x04040404u * (uint32_t)q));
    }
    __m512i acc[8][2];
    for (int block = 0; block < blocks; block++) acc[block][0] = acc[block][1] = _mm512_setzero_si512();
    for (int g = 0; g < groups; g++) {
        const int group = first_group + g;
        const int8_t *p = panel + (size_t)(chunk / 4 + group) * 64;
        const __m512i x = lanes == 4 ? _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p))
                                     : _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)p));
        for (int block = 0; block < blocks; block++) {
            const __m512i codes4 = _mm512_shuffle_epi8(w[block][group / 4], pick[group % 4]);
            acc[block][g & 1] = _mm512_dpbusd_epi32(acc[block][g & 1], codes4, x);
        }
    }
    for (int block = 0; block < blocks; block++) sums[block] = _mm512_add_epi32(acc[block][0], acc[block][1]);
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

#endif

#endif
