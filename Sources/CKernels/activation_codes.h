// Activations to int8 codes, shared by the panels of int8_kernels.c (32 values a block) and
// int8_kquant.c (256): d = max|x| / 127, code = round(x / d), half away from zero (roundf's rule).
#ifndef DSCOPE_ACTIVATION_CODES_H
#define DSCOPE_ACTIVATION_CODES_H

#include <math.h>
#include <stdint.h>

// roundf(y) for |y| < 2²³ without the library call, so the loops below vectorise: y − trunc(y)
// is exact, and a fraction of at least one half moves away from zero.
static inline float round_half_away(float y) {
    const float t = truncf(y);
    return t + (fabsf(y - t) >= 0.5f ? copysignf(1.0f, y) : 0.0f);
}

// The codes of the n values at v and their scale d; a NaN or infinity among them makes d NaN and
// the codes 0, so the block reaches the output as NaN, as the exact path's would.
static inline float quantize_block(const float *restrict v, int n, int8_t *restrict q) {
    float amax = 0;
    int finite = 1;
    for (int i = 0; i < n; i++) {
        finite &= fabsf(v[i]) <= 3.40282347e38f;  // false for ±∞ and NaN
        amax = fabsf(v[i]) > amax ? fabsf(v[i]) : amax;
    }
    const float d = finite ? amax / 127.0f : NAN;
    const float id = (finite && d != 0) ? 1.0f / d : 0.0f;
    for (int i = 0; i < n; i++) q[i] = (int8_t)round_half_away(finite ? v[i] * id : 0.0f);
    return d;
}

#endif
