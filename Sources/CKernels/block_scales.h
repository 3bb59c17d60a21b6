// Scales and codes of ggml's quantised blocks, shared by the int8 kernels (int8_kernels.c,
// int8_kquant.c, int8_few_rows.c).
#ifndef DSCOPE_BLOCK_SCALES_H
#define DSCOPE_BLOCK_SCALES_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Four consecutive code bytes as one 32-bit lane (a vpdpbusd operand), from any alignment.
static inline int32_t load4(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline float half_to_float(const uint8_t *p) {
    const uint16_t h = (uint16_t)(p[0] | p[1] << 8);
#if defined(__F16C__)
    // vcvtph2ps is exact for every finite f16 and ∞ (a Q8_0 row spends most of its unpacking on
    // this otherwise); NaNs keep their payload bit for bit below.
    if ((h & 0x7C00) != 0x7C00) return _cvtsh_ss(h);
#endif
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0) {
        float value = (float)mantissa * 5.9604644775390625e-08f;  // subnormal: mantissa · 2⁻²⁴, exact
        memcpy(&bits, &value, 4);
        bits |= sign;
    } else if (exponent == 31) {
        bits = sign | 0x7F800000u | mantissa << 13;
    } else {
        bits = sign | (exponent + 112) << 23 | mantissa << 13;
    }
    float result;
    memcpy(&result, &bits, 4);
    return result;
}

// ggml's get_scale_min_k4: 6-bit scale and min of sub-block j from the 12 packed bytes.
static inline void scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// The eight 6-bit scales and mins of a Q4_K/Q5_K superblock from its 12 packed bytes, as
// scale_min_k4 gives them; with AVX2's build, ggml's utmp arrangement (32-bit masks, no loop).
static inline void scale_and_min_codes_k4(const uint8_t *q, uint8_t *sc, uint8_t *m) {
#if defined(__AVX2__)
    uint32_t u[4];
    memcpy(u, q, 12);
    const uint32_t low6 = 0x3f3f3f3fu, low4 = 0x0f0f0f0fu, low2 = 0x03030303u;
    const uint32_t mins_high = ((u[2] >> 4) & low4) | (((u[1] >> 6) & low2) << 4);  // mins 4–7
    const uint32_t mins_low = u[1] & low6;                                          // mins 0–3
    const uint32_t scales_high = (u[2] & low4) | (((u[0] >> 6) & low2) << 4);       // scales 4–7
    const uint32_t scales_low = u[0] & low6;                                        // scales 0–3
    memcpy(sc, &scales_low, 4);
    memcpy(sc + 4, &scales_high, 4);
    memcpy(m, &mins_low, 4);
    memcpy(m + 4, &mins_high, 4);
#else
    for (int j = 0; j < 8; j++) scale_min_k4(j, q, &sc[j], &m[j]);
#endif
}

#endif
