/* Magnitude pruning as TensorFlow Model Optimization (TF-MOT) does it: the weights of smallest
 * magnitude become zero, and a polynomial schedule says how many and when. No memory of its own, so
 * a board can prune while it trains. */
#include <string.h>

#include "anne_train.h"

/* |w| as its IEEE-754 bits: for non-negative floats the bits order like the values, so the k-th
 * largest magnitude can be found by a search over integers. */
static uint32_t anne__abs_bits(float w) {
    uint32_t b;
    memcpy(&b, &w, sizeof b);
    return b & 0x7FFFFFFFu;
}

/* How many of n weights have a magnitude (as bits) of at least t. */
static size_t anne__count_at_least(const float *w, size_t n, uint32_t t) {
    size_t i, c = 0;
    for (i = 0; i < n; i++) c += anne__abs_bits(w[i]) >= t;
    return c;
}

/* round() as TensorFlow's tf.math.round does it: halves to even. */
static size_t anne__round_half_even(float x) {
    float f = (float)(size_t)x; /* x >= 0 */
    float d = x - f;
    size_t r = (size_t)f;
    if (d > 0.5f || (d == 0.5f && (r & 1u) != 0)) r++;
    return r;
}

anne_status anne_prune_magnitude_f32(float *w, size_t n, float sparsity, size_t *n_zero) {
    size_t keep, i, zero = 0;
    uint32_t lo = 0, hi = 0x7F800000u; /* the threshold's bits lie in [lo, hi]; +inf bounds the finite */
    if (w == NULL) return ANNE_ERR_NULL_ARG;
    if (!(sparsity >= 0.0f && sparsity <= 1.0f)) return ANNE_ERR_BAD_ARG;
    for (i = 0; i < n; i++) {
        if (anne__abs_bits(w[i]) >= 0x7F800000u) return ANNE_ERR_BAD_ARG; /* inf or NaN: no order */
    }
    if (n == 0) {
        if (n_zero != NULL) *n_zero = 0;
        return ANNE_OK;
    }
    /* TF-MOT keeps k = max(round((1 - s) n), 1) weights: those at least as large as the k-th largest
     * magnitude (ties at the threshold are all kept, so a few more may stay). */
    keep = anne__round_half_even((1.0f - sparsity) * (float)n);
    if (keep < 1u) keep = 1u;
    if (keep > n) keep = n;
    /* the largest t with at least `keep` magnitudes >= t is the k-th largest magnitude */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1u) / 2u;
        if (anne__count_at_least(w, n, mid) >= keep) {
            lo = mid;
        } else {
            hi = mid - 1u;
        }
    }
    for (i = 0; i < n; i++) {
        if (anne__abs_bits(w[i]) < lo) w[i] = 0.0f;
        zero += w[i] == 0.0f;
    }
    if (n_zero != NULL) *n_zero = zero;
    return ANNE_OK;
}

int anne_prune_schedule_at(const anne_prune_schedule *s, uint32_t step, float *sparsity) {
    float p, q;
    if (s == NULL || s->frequency == 0 || s->end <= s->begin) return 0;
    /* TF-MOT's PolynomialDecay: p = (step - begin) / (end - begin) clipped to [0, 1],
     * sparsity = (initial - final) (1 - p)^3 + final */
    p = step <= s->begin ? 0.0f : step >= s->end ? 1.0f : (float)(step - s->begin) / (float)(s->end - s->begin);
    q = 1.0f - p;
    if (sparsity != NULL) *sparsity = (s->initial - s->final) * (q * q * q) + s->final;
    return step >= s->begin && step <= s->end && (step - s->begin) % s->frequency == 0;
}
