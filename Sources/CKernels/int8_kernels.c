// The int8 matmul's kernels for Q8_0 and Q4_0 (the k-quants: int8_kquant.c). Activations: int8
// codes per 32-value block with an fp32 scale d_x (as ggml's Q8_0) and the block's code sum,
// packed 16 rows to a panel. Weights: ggml's blocks unpacked to one unsigned byte per value,
// value = d · (code − c) with the type's offset c (Q8_0 stored + 128: 128; Q4_0: 8). A tile
// multiplies weight codes by activation codes in integers (AVX512-VNNI vpdpbusd, or AVX2
// vpmaddubsw + vpmaddwd), each 32-value run's sum starting at −c · Σ x, so it ends as the exact
// Σ (code − c) · x; one fused multiply-add folds it: out += d · (d_x · Σ).
#include "CKernels.h"
#include "activation_codes.h"
#include "block_scales.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define LANES DSCOPE_PANEL_ROWS

dscope_isa dscope_int8_best_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")) {
        return DSCOPE_ISA_AVX512VNNI;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return DSCOPE_ISA_AVX2;
#endif
    return DSCOPE_ISA_NONE;
}

int dscope_int8_tile_rows(dscope_isa isa) {
    return isa == DSCOPE_ISA_AVX512VNNI ? 8 : 4;
}

// ---- activations ------------------------------------------------------------------------------

void dscope_quantize_panel(const float *x, int rows, int k, int8_t *codes, float *scale, int32_t *code_sum) {
    for (int lane = 0; lane < LANES; lane++) {
        const float *row = x + (size_t)lane * k;
        for (int block = 0; block < k / 32; block++) {
            int8_t q[32] = {0};
            const float d = lane < rows ? quantize_block(row + block * 32, 32, q) : 0;
            for (int i = 0; i < 32; i += 4) memcpy(codes + (size_t)(block * 8 + i / 4) * (4 * LANES) + lane * 4, q + i, 4);
            int sum = 0;
            for (int i = 0; i < 32; i++) sum += q[i];
            scale[(size_t)block * LANES + lane] = d;
            code_sum[(size_t)block * LANES + lane] = sum;
        }
    }
}

// ---- weights ----------------------------------------------------------------------------------

// restrict: the byte stores could otherwise alias the source and the factors, which keeps the
// compiler from vectorising (unpacking took a quarter of a Q4_K matmul before).
void dscope_unpack_row(dscope_qtype type, const void *row, int k, int signed_q8,
                       uint8_t *restrict codes, float *restrict d_by_block, int factor_stride) {
    const uint8_t *restrict src = (const uint8_t *)row;
    switch (type) {
    case DSCOPE_Q8_0:
        for (int block = 0; block < k / 32; block++, src += 34) {
            const float d = half_to_float(src);
            const uint8_t flip = signed_q8 ? 0 : 0x80;  // code + 128 as an unsigned byte
            for (int i = 0; i < 32; i++) codes[block * 32 + i] = src[2 + i] ^ flip;
            d_by_block[(size_t)block * factor_stride] = d;
        }
        break;
    case DSCOPE_Q4_0:
        for (int block = 0; block < k / 32; block++, src += 18) {
            const float d = half_to_float(src);
            for (int i = 0; i < 16; i++) {
                codes[block * 32 + i] = src[2 + i] & 0x0F;
                codes[block * 32 + 16 + i] = src[2 + i] >> 4;
            }
            d_by_block[(size_t)block * factor_stride] = d;
        }
        break;
    default:  // the k-quants unpack with dscope_unpack_row_k (int8_kquant.c)
        break;
    }
}

// ---- tiles ------------------------------------------------------------------------------------

#if defined(__x86_64__)

// Each row's run starts at −c · Σ x (c = 2^shift: 128 or 8; none for AVX2's signed Q8_0 codes).
__attribute__((target("avx2"), always_inline))
static inline __m256i run_start_avx2(const int32_t *code_sum, const int shift) {
    const __m256i sum = _mm256_loadu_si256((const __m256i *)code_sum);
    return shift < 0 ? _mm256_setzero_si256() : _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(sum, shift));
}

// 8 weight rows × 16 lanes: one vpdpbusd per row and group of four columns.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void tile_vnni(const uint8_t *codes, const float *d, const int8_t *panel, const float *scale,
                             const int32_t *code_sum, int k, const int shift, float *sums, size_t sum_stride) {
    const int runs = k / 32;
    __m512 f[8];
    for (int r = 0; r < 8; r++) f[r] = _mm512_setzero_ps();
    for (int u = 0; u < runs; u++) {
        const __m512i start = _mm512_sub_epi32(_mm512_setzero_si512(),
                                               _mm512_slli_epi32(_mm512_loadu_si512((const void *)(code_sum + (size_t)u * LANES)), shift));
        __m512i acc[8];
        for (int r = 0; r < 8; r++) acc[r] = start;
        const int8_t *p = panel + (size_t)u * 8 * 64;
        const uint8_t *c = codes + (size_t)u * 32;
        for (int g = 0; g < 8; g++) {
            const __m512i x = _mm512_loadu_si512((const void *)(p + g * 64));
            for (int r = 0; r < 8; r++) {
                acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(load4(c + (size_t)r * k + g * 4)), x);
            }
        }
        const __m512 s = _mm512_loadu_ps(scale + (size_t)u * LANES);
        for (int r = 0; r < 8; r++) {
            f[r] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc[r]), s), _mm512_set1_ps(d[(size_t)r * runs + u]), f[r]);
        }
    }
    for (int r = 0; r < 8; r++) _mm512_storeu_ps(sums + r * sum_stride, f[r]);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static void tile_vnni_q8_0(const uint8_t *c, const float *d, const int8_t *p, const float *s, const int32_t *x,
                           int k, float *sums, size_t stride) {
    tile_vnni(c, d, p, s, x, k, 7, sums, stride);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static void tile_vnni_q4_0(const uint8_t *c, const float *d, const int8_t *p, const float *s, const int32_t *x,
                           int k, float *sums, size_t stride) {
    tile_vnni(c, d, p, s, x, k, 3, sums, stride);
}

// 4 weight rows × 8 lanes (one half of the panel): vpmaddubsw (u8 × s8 → pairs summed in i16,
// below saturation for codes ≤ 63 and |x| ≤ 127), vpmaddwd by ones, vpaddd. Signed Q8_0 codes
// (up to 128 in magnitude × 255 would saturate) move their sign onto x first, as ggml does; they
// need no offset, and their sums are the same integers.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2(const uint8_t *codes, const float *d, const int8_t *panel, const float *scale,
                             const int32_t *code_sum, int k, const int shift, float *sums, size_t sum_stride) {
    const int runs = k / 32;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int half = 0; half < 2; half++) {
        __m256 f[4];
        for (int r = 0; r < 4; r++) f[r] = _mm256_setzero_ps();
        for (int u = 0; u < runs; u++) {
            const __m256i start = run_start_avx2(code_sum + (size_t)u * LANES + half * 8, shift);
            __m256i acc[4];
            for (int r = 0; r < 4; r++) acc[r] = start;
            const int8_t *p = panel + (size_t)u * 8 * 64 + half * 32;
            const uint8_t *c = codes + (size_t)u * 32;
            for (int g = 0; g < 8; g++) {
                const __m256i x = _mm256_loadu_si256((const __m256i *)(p + g * 64));
                for (int r = 0; r < 4; r++) {
                    const __m256i w = _mm256_set1_epi32(load4(c + (size_t)r * k + g * 4));
                    const __m256i pairs = shift < 0
                        ? _mm256_maddubs_epi16(_mm256_abs_epi8(w), _mm256_sign_epi8(x, w))
                        : _mm256_maddubs_epi16(w, x);
                    acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(pairs, ones));
                }
            }
            const __m256 s = _mm256_loadu_ps(scale + (size_t)u * LANES + half * 8);
            for (int r = 0; r < 4; r++) {
                f[r] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(acc[r]), s), _mm256_set1_ps(d[(size_t)r * runs + u]), f[r]);
            }
        }
        for (int r = 0; r < 4; r++) _mm256_storeu_ps(sums + r * sum_stride + half * 8, f[r]);
    }
}

#define AVX2_TILE(name, shift)                                                                              \
    __attribute__((target("avx2,fma"))) static void name(const uint8_t *c, const float *d, const int8_t *p, \
                                                         const float *s, const int32_t *x, int k,            \
                                                         float *sums, size_t stride) {                       \
        tile_avx2(c, d, p, s, x, k, shift, sums, stride);                                                    \
    }
AVX2_TILE(tile_avx2_q8_0_signed, -1)
AVX2_TILE(tile_avx2_q4_0, 3)

#endif

void dscope_int8_tile(dscope_isa isa, dscope_qtype type, const uint8_t *codes, const float *d_by_block,
                      const int8_t *panel, const float *scale, const int32_t *code_sum, int k, float *sums,
                      size_t sum_stride) {
#if defined(__x86_64__)
    const int q8 = type == DSCOPE_Q8_0;
    if (isa == DSCOPE_ISA_AVX512VNNI) {
        (q8 ? tile_vnni_q8_0 : tile_vnni_q4_0)(codes, d_by_block, panel, scale, code_sum, k, sums, sum_stride);
    } else if (isa == DSCOPE_ISA_AVX2) {
        (q8 ? tile_avx2_q8_0_signed : tile_avx2_q4_0)(codes, d_by_block, panel, scale, code_sum, k, sums, sum_stride);
    }
#else
    (void)isa; (void)type; (void)codes; (void)d_by_block; (void)panel; (void)scale; (void)code_sum; (void)k;
    (void)sums; (void)sum_stride;
#endif
}
