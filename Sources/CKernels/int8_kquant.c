// The int8 path's arithmetic for k-quants (Q4_K, Q5_K, Q6_K), as ggml's Q8_K dot products do it:
// activations are quantised per 256 values (one scale d_x) with the code sum of every sub-block
// (16 or 32 values), the weights' integer sub-block scales and mins multiply int32 partial sums,
// and floats come in once per 256 values instead of once per sub-block. Per superblock, exactly:
//   s = Σ_j scale_j · Σ_{i∈j} code_i · x_i      m = Σ_j min_j · Σ_{i∈j} x_i      (int32)
//   Q6_K (value = d · scale · (code − 32), min = 32 · scale):  out += d · (d_x · (float)(s − m))
//   Q4_K/Q5_K (value = d · scale · code − dmin · min):         out += d · (d_x · (float)s),
//                                                              out −= dmin · (d_x · (float)m)
// (each "+=" one fused multiply-add). The integers are exact whatever the order, so every tile —
// AVX512-VNNI, AVX2, the few-row tiles of int8_few_rows.c — gives the same bits.
// Bounds: |Σ code · x| ≤ 32 · 63 · 127 per sub-block, |s| ≤ 256 · 63 · 127 · 128 < 2³¹.
#include "CKernels.h"
#include "activation_codes.h"
#include "block_scales.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define LANES DSCOPE_PANEL_ROWS

// ---- activations ------------------------------------------------------------------------------

void dscope_quantize_panel_k(const float *x, int rows, int k, int unit,
                             int8_t *codes, float *scale, int32_t *sum_pairs) {
    const int per = 256 / unit;
    for (int lane = 0; lane < LANES; lane++) {
        const float *row = x + (size_t)lane * k;
        for (int superblock = 0; superblock < k / 256; superblock++) {
            int8_t q[256] = {0};
            const float d = lane < rows ? quantize_block(row + superblock * 256, 256, q) : 0;
            for (int i = 0; i < 256; i += 4) {
                memcpy(codes + (size_t)((superblock * 256 + i) / 4) * (4 * LANES) + lane * 4, q + i, 4);
            }
            scale[(size_t)superblock * LANES + lane] = d;
            for (int pair = 0; pair < per / 2; pair++) {
                int sum[2] = {0, 0};
                for (int h = 0; h < 2; h++) {
                    for (int i = 0; i < unit; i++) sum[h] += q[(2 * pair + h) * unit + i];
                }
                // |sum| ≤ 32 · 127: an int16 each.
                sum_pairs[(size_t)(superblock * per / 2 + pair) * LANES + lane] =
                    (int32_t)(((uint32_t)(uint16_t)sum[1] << 16) | (uint16_t)sum[0]);
            }
        }
    }
}

// ---- weights ----------------------------------------------------------------------------------

static inline int32_t int16_pair(int low, int high) {
    return (int32_t)(((uint32_t)(uint16_t)high << 16) | (uint16_t)low);
}

// Q4_K/Q5_K codes of one superblock: 4- (or 5-) bit values, 32 per sub-block. restrict: the byte
// stores could otherwise alias the source, which keeps the compiler from vectorising.
static void k4_codes(const uint8_t *restrict src, int five, uint8_t *restrict out) {
    const uint8_t *qh = src + 16, *qs = src + (five ? 48 : 16);
    for (int pair = 0; pair < 4; pair++) {
        const uint8_t *nibbles = qs + pair * 32;
#if defined(__AVX2__)
        // Left to itself the compiler widens the bytes to 16 bits and back; a 16-bit shift and a
        // mask do it in place.
        const __m256i v = _mm256_loadu_si256((const __m256i *)nibbles), low = _mm256_set1_epi8(0x0F);
        _mm256_storeu_si256((__m256i *)(out + pair * 64), _mm256_and_si256(v, low));
        _mm256_storeu_si256((__m256i *)(out + pair * 64 + 32), _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
#else
        for (int l = 0; l < 32; l++) {
            out[pair * 64 + l] = nibbles[l] & 0x0F;
            out[pair * 64 + 32 + l] = nibbles[l] >> 4;
        }
#endif
    }
    if (five) {
        for (int j = 0; j < 8; j++) {
            for (int l = 0; l < 32; l++) out[j * 32 + l] |= (uint8_t)(((qh[l] >> j) & 1) << 4);
        }
    }
}

// Q6_K codes of one superblock: 6-bit values (stored minus 32), 16 per sub-block.
static void q6_k_codes(const uint8_t *restrict src, uint8_t *restrict out) {
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = src + h * 64, *qh = src + 128 + h * 32;
        uint8_t *half = out + h * 128;
        for (int l = 0; l < 32; l++) {
            half[l] = (ql[l] & 0x0F) | (uint8_t)((qh[l] & 3) << 4);
            half[32 + l] = (ql[32 + l] & 0x0F) | (uint8_t)(((qh[l] >> 2) & 3) << 4);
            half[64 + l] = (ql[l] >> 4) | (uint8_t)(((qh[l] >> 4) & 3) << 4);
            half[96 + l] = (ql[32 + l] >> 4) | (uint8_t)(((qh[l] >> 6) & 3) << 4);
        }
    }
}

void dscope_unpack_row_k(dscope_qtype type, const void *row, int k, uint8_t *codes,
                         dscope_k_factors factors, int r) {
    const uint8_t *src = (const uint8_t *)row;
    const int six = type == DSCOPE_Q6_K, five = type == DSCOPE_Q5_K;
    const int bytes = six ? 210 : five ? 176 : 144, per = six ? 16 : 8;
    for (int superblock = 0; superblock < k / 256; superblock++, src += bytes) {
        int scales[16], mins[16];
        if (six) {
            q6_k_codes(src, codes + superblock * 256);
            for (int j = 0; j < 16; j++) {
                scales[j] = (int8_t)src[192 + j];
                mins[j] = 32 * scales[j];
            }
            factors.d[superblock * LANES + r] = half_to_float(src + 208);
            factors.dmin[superblock * LANES + r] = 0;
        } else {
            k4_codes(src, five, codes + superblock * 256);
            uint8_t sc[8], m[8];
            scale_and_min_codes_k4(src + 4, sc, m);
            for (int j = 0; j < 8; j++) {
                scales[j] = sc[j];
                mins[j] = m[j];
            }
            factors.d[superblock * LANES + r] = half_to_float(src);
            factors.dmin[superblock * LANES + r] = half_to_float(src + 2);
        }
        // Sixteen values apart: plain stores (vectorised, these became scatters, slow on Zen 4:
        // a third of the unpacking).
#pragma clang loop vectorize(disable)
        for (int j = 0; j < per; j++) factors.scale[(superblock * per + j) * LANES + r] = scales[j];
#pragma clang loop vectorize(disable)
        for (int pair = 0; pair < per / 2; pair++) {
            factors.min_pairs[(superblock * per / 2 + pair) * LANES + r] = int16_pair(mins[2 * pair], mins[2 * pair + 1]);
        }
    }
}

// ---- tiles ------------------------------------------------------------------------------------

#if defined(__x86_64__)

// 8 weight rows × 16 lanes: per sub-block one vpdpbusd per row and four columns from zero, then
// vpmulld by the row's scale into the superblock's sum; per superblock the mins against the code
// sums with vpdpwssd, and the fold.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))
static inline void tile_vnni_k(const uint8_t *codes, const dscope_k_factors *fac, int r0, const int8_t *panel,
                               const float *scale, const int32_t *sum_pairs, int k, const int unit,
                               const int six, float *sums, size_t sum_stride) {
    const int per = 256 / unit, groups = unit / 4, pairs = per / 2;
    __m512 f[8];
    for (int r = 0; r < 8; r++) f[r] = _mm512_setzero_ps();
    for (int superblock = 0; superblock < k / 256; superblock++) {
        __m512i s[8];
        for (int r = 0; r < 8; r++) s[r] = _mm512_setzero_si512();
        for (int j = 0; j < per; j++) {
            const int u = superblock * per + j;
            // Q6_K's mins are 32 · its scales: each row's run starts at −32 · Σ x instead of 0, so
            // s comes out as s − m and the superblock needs no pass over the mins.
            __m512i start = _mm512_setzero_si512();
            if (six) {
                const __m512i pair = _mm512_loadu_si512((const void *)(sum_pairs + (size_t)(u / 2) * LANES));
                const __m512i sum32 = _mm512_srai_epi32(u % 2 ? pair : _mm512_slli_epi32(pair, 16), 11);  // 32 · Σ x
                start = _mm512_sub_epi32(start, u % 2 ? _mm512_andnot_si512(_mm512_set1_epi32(31), sum32) : sum32);
            }
            __m512i acc[8];
            for (int r = 0; r < 8; r++) acc[r] = start;
            const int8_t *p = panel + (size_t)u * groups * 64;
            const uint8_t *c = codes + (size_t)u * unit;
            for (int g = 0; g < groups; g++) {
                const __m512i x = _mm512_loadu_si512((const void *)(p + g * 64));
                for (int r = 0; r < 8; r++) {
                    acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(load4(c + (size_t)r * k + g * 4)), x);
                }
            }
            for (int r = 0; r < 8; r++) {
                s[r] = _mm512_add_epi32(s[r], _mm512_mullo_epi32(acc[r], _mm512_set1_epi32(fac->scale[u * LANES + r0 + r])));
            }
        }
        __m512i m[8];
        for (int r = 0; r < 8; r++) m[r] = _mm512_setzero_si512();
        for (int pair = 0; pair < pairs && !six; pair++) {
            const int index = superblock * pairs + pair;
            const __m512i x = _mm512_loadu_si512((const void *)(sum_pairs + (size_t)index * LANES));
            for (int r = 0; r < 8; r++) {
                m[r] = _mm512_dpwssd_epi32(m[r], x, _mm512_set1_epi32(fac->min_pairs[index * LANES + r0 + r]));
            }
        }
        const __m512 dx = _mm512_loadu_ps(scale + (size_t)superblock * LANES);
        for (int r = 0; r < 8; r++) {
            const int at = superblock * LANES + r0 + r;
            if (six) {
                f[r] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(s[r]), dx), _mm512_set1_ps(fac->d[at]), f[r]);
            } else {
                f[r] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(s[r]), dx), _mm512_set1_ps(fac->d[at]), f[r]);
                f[r] = _mm512_fnmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(m[r]), dx), _mm512_set1_ps(fac->dmin[at]), f[r]);
            }
        }
    }
    for (int r = 0; r < 8; r++) _mm512_storeu_ps(sums + r * sum_stride, f[r]);
}

// 4 weight rows × 8 lanes (one half of the panel), as ggml's AVX2 k-quant dot products:
// vpmaddubsw (code × x pairs in i16, below saturation for codes ≤ 63 and |x| ≤ 127), then vpmaddwd
// by the sub-block's scale straight into the int32 sum.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2_k(const uint8_t *codes, const dscope_k_factors *fac, int r0, const int8_t *panel,
                               const float *scale, const int32_t *sum_pairs, int k, const int unit,
                               const int six, float *sums, size_t sum_stride) {
    const int per = 256 / unit, groups = unit / 4, pairs = per / 2;
    for (int half = 0; half < 2; half++) {
        __m256 f[4];
        for (int r = 0; r < 4; r++) f[r] = _mm256_setzero_ps();
        for (int superblock = 0; superblock < k / 256; superblock++) {
            __m256i s[4];
            for (int r = 0; r < 4; r++) s[r] = _mm256_setzero_si256();
            for (int j = 0; j < per; j++) {
                const int u = superblock * per + j;
                const int8_t *p = panel + (size_t)u * groups * 64 + half * 32;
                const uint8_t *c = codes + (size_t)u * unit;
                __m256i sc[4];
                for (int r = 0; r < 4; r++) sc[r] = _mm256_set1_epi16((int16_t)fac->scale[u * LANES + r0 + r]);
                for (int g = 0; g < groups; g++) {
                    const __m256i x = _mm256_loadu_si256((const __m256i *)(p + g * 64));
                    for (int r = 0; r < 4; r++) {
                        const __m256i w = _mm256_set1_epi32(load4(c + (size_t)r * k + g * 4));
                        s[r] = _mm256_add_epi32(s[r], _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), sc[r]));
                    }
                }
            }
            __m256i m[4];
            for (int r = 0; r < 4; r++) m[r] = _mm256_setzero_si256();
            for (int pair = 0; pair < pairs; pair++) {
                const int index = superblock * pairs + pair;
                const __m256i x = _mm256_loadu_si256((const __m256i *)(sum_pairs + (size_t)index * LANES + half * 8));
                for (int r = 0; r < 4; r++) {
                    m[r] = _mm256_add_epi32(m[r], _mm256_madd_epi16(x, _mm256_set1_epi32(fac->min_pairs[index * LANES + r0 + r])));
                }
            }
            const __m256 dx = _mm256_loadu_ps(scale + (size_t)superblock * LANES + half * 8);
            for (int r = 0; r < 4; r++) {
                const int at = superblock * LANES + r0 + r;
                if (six) {
                    f[r] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(s[r], m[r])), dx),
                                           _mm256_set1_ps(fac->d[at]), f[r]);
                } else {
                    f[r] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(s[r]), dx), _mm256_set1_ps(fac->d[at]), f[r]);
                    f[r] = _mm256_fnmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(m[r]), dx), _mm256_set1_ps(fac->dmin[at]), f[r]);
                }
            }
        }
        for (int r = 0; r < 4; r++) _mm256_storeu_ps(sums + r * sum_stride + half * 8, f[r]);
    }
}

#define K_TILE(name, tile, target_list, unit, six)                                                         \
    __attribute__((target(target_list))) static void name(                                                 \
        const uint8_t *c, const dscope_k_factors *fac, int r0, const int8_t *p, const float *s,            \
        const int32_t *pairs, int k, float *sums, size_t stride) {                                         \
        tile(c, fac, r0, p, s, pairs, k, unit, six, sums, stride);                                         \
    }
K_TILE(tile_vnni_q6_k, tile_vnni_k, "avx512f,avx512bw,avx512vl,avx512vnni", 16, 1)
K_TILE(tile_vnni_q4_k, tile_vnni_k, "avx512f,avx512bw,avx512vl,avx512vnni", 32, 0)
K_TILE(tile_avx2_q6_k, tile_avx2_k, "avx2,fma", 16, 1)
K_TILE(tile_avx2_q4_k, tile_avx2_k, "avx2,fma", 32, 0)

#endif

void dscope_int8_tile_k(dscope_isa isa, dscope_qtype type, const uint8_t *codes, const dscope_k_factors *factors,
                        int first_row, const int8_t *panel, const float *scale, const int32_t *sum_pairs, int k,
                        float *sums, size_t sum_stride) {
#if defined(__x86_64__)
    const int six = type == DSCOPE_Q6_K;
    if (isa == DSCOPE_ISA_AVX512VNNI) {
        (six ? tile_vnni_q6_k : tile_vnni_q4_k)(codes, factors, first_row, panel, scale, sum_pairs, k, sums, sum_stride);
    } else if (isa == DSCOPE_ISA_AVX2) {
        (six ? tile_avx2_q6_k : tile_avx2_q4_k)(codes, factors, first_row, panel, scale, sum_pairs, k, sums, sum_stride);
    }
#else
    (void)isa; (void)type; (void)codes; (void)factors; (void)first_row; (void)panel; (void)scale;
    (void)sum_pairs; (void)k; (void)sums; (void)sum_stride;
#endif
}
