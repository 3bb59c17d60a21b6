#ifndef DSCOPE_CKERNELS_H
#define DSCOPE_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The int8 matmul's integer kernels (int8_kernels.c; the k-quants' int8_kquant.c): activations
/// quantised to int8 per 32-value block (k-quants: per 256), weight codes unpacked to unsigned
/// bytes, integer dot products, scaled into fp32.

/// Instruction sets an integer tile can use, best last; dscope_int8_best_isa picks by CPU detection.
typedef enum {
    DSCOPE_ISA_NONE = 0,
    DSCOPE_ISA_AVX2 = 1,        // vpmaddubsw + vpmaddwd
    DSCOPE_ISA_AVX512VNNI = 2,  // vpdpbusd on 512-bit vectors
} dscope_isa;

/// Activation rows per panel: the lanes of one tile.
#define DSCOPE_PANEL_ROWS 16

dscope_isa dscope_int8_best_isa(void);

/// Quantises `rows` (≤ 16) rows of x (row stride k floats) into one panel: codes[g][lane][4] for
/// each group g of four columns (k/4 × 64 bytes), and per 32-value block the scale d = max|x| / 127
/// (codes round(x / d)) and the code sum, as scale[block][lane] and code_sum[block][lane]. Lanes
/// past `rows` are zero. k is a multiple of 32.
void dscope_quantize_panel(const float *x, int rows, int k, int8_t *codes, float *scale, int32_t *code_sum);

/// Weight types the unpacker reads (ggml's block layouts).
typedef enum {
    DSCOPE_Q8_0 = 0, DSCOPE_Q4_0 = 1, DSCOPE_Q4_K = 2, DSCOPE_Q5_K = 3, DSCOPE_Q6_K = 4,
} dscope_qtype;

/// Unpacks one Q8_0 or Q4_0 row of k stored values into unsigned codes, value = d · (code − c)
/// (Q8_0: code + 128, c = 128; Q4_0: the nibble, c = 8), and block u's d at d_by_block[u ·
/// factor_stride]. With `signed_q8` (AVX2's Q8_0) the codes stay signed, c = 0.
void dscope_unpack_row(dscope_qtype type, const void *row, int k, int signed_q8,
                       uint8_t *codes, float *d_by_block, int factor_stride);

/// sums[r · sum_stride + lane] = Σ_blocks d_r · (scale_lane · Σ (code_r − c) · x_lane), the integer
/// sum exact (it starts at −c · code_sum), one fused multiply-add a block, for `tile_rows` weight
/// rows of Q8_0 or Q4_0 (8 for VNNI, 4 for AVX2, whose Q8_0 codes are signed; codes row stride k,
/// d row stride k / 32) against one 16-lane panel, over k columns.
void dscope_int8_tile(dscope_isa isa, dscope_qtype type, const uint8_t *codes, const float *d_by_block,
                      const int8_t *panel, const float *scale, const int32_t *code_sum, int k, float *sums,
                      size_t sum_stride);

/// dscope_int8_tile's sums for 1–7 activation rows (`rows`) and `row_count` (≤ 16) Q8_0 or Q4_0
/// rows read in place from `first_row` (row stride row_bytes) at once with AVX512-VNNI, bit for
/// bit, reading each code once (int8_few_rows.c); sums for lanes ≥ rows are filler.
/// `next_first_row` (NULL for none) and `next_row_count`: the rows to prefetch meanwhile.
void dscope_int8_few_rows_in_place(dscope_qtype type, int rows, const void *first_row, size_t row_bytes, int row_count,
                                   const void *next_first_row, int next_row_count, const int8_t *panel,
                                   const float *scale, const int32_t *code_sum, int k, float *sums, size_t sum_stride);

// ---- k-quants (int8_kquant.c): ggml's Q8_K arithmetic -------------------------------------------

/// Quantises `rows` (≤ 16) rows of x (row stride k, a multiple of 256) into one panel for the
/// k-quant tiles: codes as dscope_quantize_panel's, one scale d = max|x| / 127 per 256 values
/// (scale[superblock · 16 + lane]) and the code sums of every `unit`-value sub-block (16 or 32) as
/// int16 pairs, sub-block 2i in the low half, 2i + 1 in the high (sum_pairs[i · 16 + lane]).
void dscope_quantize_panel_k(const float *x, int rows, int k, int unit,
                             int8_t *codes, float *scale, int32_t *sum_pairs);

/// A k-quant row's factors, for up to 16 rows, row r's i-th at [i · 16 + r]: per sub-block the
/// integer scale, per two sub-blocks the integer mins as int16 pairs (Q6_K: 32 · scale, its
/// codes' offset), per superblock the float factors d and dmin (Q6_K: d only).
typedef struct {
    int32_t *scale;
    int32_t *min_pairs;
    float *d;
    float *dmin;
} dscope_k_factors;

/// Unpacks one Q4_K, Q5_K or Q6_K row of k values into unsigned codes (value = d · scale · code −
/// dmin · min per sub-block; Q6_K: d · scale · (code − 32)) and row r's factors.
void dscope_unpack_row_k(dscope_qtype type, const void *row, int k, uint8_t *codes,
                         dscope_k_factors factors, int r);

/// sums[r · sum_stride + lane] for dscope_int8_tile_rows(isa) weight rows (codes row stride k;
/// factors of rows first_row ..< first_row + tile rows) against one dscope_quantize_panel_k panel,
/// per superblock s = Σ scale · Σ code · x and m = Σ min · Σ x in int32, then
/// Q6_K: out += d · (d_x · (s − m)); Q4_K/Q5_K: out += d · (d_x · s), out −= dmin · (d_x · m).
void dscope_int8_tile_k(dscope_isa isa, dscope_qtype type, const uint8_t *codes, const dscope_k_factors *factors,
                        int first_row, const int8_t *panel, const float *scale, const int32_t *sum_pairs, int k,
                        float *sums, size_t sum_stride);

/// dscope_int8_tile_k's sums for 1–7 activation rows and 16 weight rows at once with AVX512-VNNI,
/// bit for bit (int8_few_rows.c).
void dscope_int8_few_rows_tile_k(int rows, dscope_qtype type, const uint8_t *codes, const dscope_k_factors *factors,
                                 const int8_t *panel, const float *scale, const int32_t *sum_pairs, int k,
                                 float *sums, size_t sum_stride);

/// dscope_int8_few_rows_tile_k for `row_count` (≤ 16) Q4_K rows read in place (row stride
/// row_bytes), prefetching `next_first_row`'s block (NULL for none) meanwhile.
void dscope_int8_few_rows_q4_k_in_place(int rows, const void *first_row, size_t row_bytes, int row_count,
                                        const void *next_first_row, int next_row_count, const int8_t *panel,
                                        const float *scale, const int32_t *sum_pairs, int k, float *sums,
                                        size_t sum_stride);

/// Asks for `bytes` from `start` to be brought into the caches (prefetch hints, no faults).
void dscope_prefetch(const void *start, size_t bytes);

/// destination[c · padded_rows + r] = source[r · stride + c] for r < rows, c < width; zero for
/// rows ≥ rows up to padded_rows (a multiple of 16 takes the AVX-512 tiles).
void dscope_transpose_rows(const float *source, int rows, size_t stride, int width, float *destination,
                           int padded_rows);

/// destination[c · destination_stride + r] = source[r · stride + c] for r < rows, c < width: a
/// block of the int8 matmul's sums (rows ≤ 16 take AVX-512 16 × 16 tiles where there are).
void dscope_transpose_block(const float *source, int rows, size_t stride, int width, float *destination,
                            size_t destination_stride);

/// Asks the kernel to back [start, start + bytes) with huge pages (start aligned to 2 MiB); a hint.
void dscope_advise_huge_pages(void *start, size_t bytes);

/// Weight rows one dscope_int8_tile call computes with `isa`.
int dscope_int8_tile_rows(dscope_isa isa);

/// The row-stable few-row matmul for bf16 weights (few_row_kernels.c): 1–7 activation rows, each
/// output summed in the packed fp32 kernel's order, bf16 widened in registers. Needs AVX-512F/BW.
int dscope_few_rows_supported(void);

/// Weight rows per group with `lanes` (4 or 8) activation lanes: 16 or 8.
int dscope_few_rows_group_rows(int lanes);

/// Copies `rows` rows of x (row stride k) into panel[column · lanes + t], zero for t ≥ rows;
/// `lanes` is 4 (rows ≤ 4) or 8.
void dscope_few_rows_panel(const float *x, int rows, int k, int lanes, float *panel);

/// out[t · n + row] = Σ_column w[row][column] · x_t[column] for t < rows and the weight rows of
/// groups first_group ..< first_group + group_count (16 rows a group with 4 lanes, 8 with 8); w has
/// n rows of row_stride bf16 values; the sum runs in passes of `span` columns as the packed kernel's.
void dscope_few_rows_bf16(const uint16_t *w, size_t row_stride, int n, int first_group, int group_count,
                          const float *panel, int lanes, int rows, int k, int span, float *out);

/// bf16 weights against a canvas with AVX512-BF16 vdpbf16ps (bf16_dot_kernels.c): activations
/// rounded to bf16 once, 16 rows to a panel, fp32 sums. Whether this CPU has the instruction
/// (and AVX-512F/BW).
int dscope_bf16_dot_supported(void);

/// Rounds `rows` (≤ 16) rows of x (row stride k, k even) to bf16, nearest-even, into one panel of
/// k / 2 column pairs × 16 lanes, a pair per 32-bit word (column 2p low, 2p + 1 high); lanes past
/// `rows` are zero.
void dscope_bf16_dot_panel(const float *x, int rows, int k, uint32_t *panel);

/// sums[r · sum_stride + lane] = Σ_column w[r][column] · x_lane[column] for the `row_count` rows of
/// w (row stride row_stride bf16 values) against `panel_count` consecutive panels (k / 2 · 16
/// words each). Each sum is one vdpbf16ps chain per `span` columns (even) from +0; the first
/// span's chain is stored, later ones added in order. sums needs rows up to a multiple of
/// dscope_bf16_dot_tile_rows().
void dscope_bf16_dot_block(const uint16_t *w, size_t row_stride, int row_count, const uint32_t *panels,
                           int panel_count, int k, int span, float *sums, size_t sum_stride);

/// Weight rows one tile of dscope_bf16_dot_block computes.
int dscope_bf16_dot_tile_rows(void);

/// A spin-wait hint (x86 `pause`): a waiting thread yields the core's shared resources to its sibling.
static inline void dscope_spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

#endif
