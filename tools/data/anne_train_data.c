/* Training rows for `anne train`: splitting, shuffling and fitting the input scaling. */
#include "anne_train_data.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void anne_train_rows_free(anne_train_rows *r) {
    if (r == NULL) return;
    free(r->x);
    free(r->label);
    free(r->value);
    memset(r, 0, sizeof *r);
}

void anne_train_shuffle(size_t *idx, size_t n, anne_rng *rng) {
    size_t i;
    for (i = n; i > 1; i--) {
        size_t j = anne_rng_below(rng, (uint32_t)i), tmp = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = tmp;
    }
}

/* Allocates r for n rows shaped like `like`. */
static int anne__rows_alloc(anne_train_rows *r, const anne_train_rows *like, size_t n) {
    size_t m = n ? n : 1u;
    memset(r, 0, sizeof *r);
    r->n = n;
    r->n_features = like->n_features;
    r->x = malloc(m * like->n_features * sizeof *r->x);
    if (like->label != NULL) r->label = malloc(m * sizeof *r->label);
    if (like->value != NULL) r->value = malloc(m * sizeof *r->value);
    if (r->x == NULL || (like->label != NULL && r->label == NULL) || (like->value != NULL && r->value == NULL)) {
        anne_train_rows_free(r);
        return -1;
    }
    return 0;
}

static void anne__rows_copy(anne_train_rows *dst, size_t d, const anne_train_rows *src, size_t s) {
    memcpy(dst->x + d * dst->n_features, src->x + s * src->n_features, src->n_features * sizeof *dst->x);
    if (src->label != NULL) dst->label[d] = src->label[s];
    if (src->value != NULL) dst->value[d] = src->value[s];
}

size_t anne_train_split_count(size_t n, double fraction) {
    /* to nearest, halves up: 0.2 of 900 is 180 (ceil made 181 of 900 x 0.2000000000000000111) */
    size_t k = (size_t)floor(fraction * (double)n + 0.5);
    if (k < 1) k = 1;
    if (n >= 2 && k > n - 1) k = n - 1;
    return k;
}

int anne_train_split_pick(size_t n, double fraction, uint32_t seed, unsigned char **is_held, size_t *n_held,
                          anne_error *err) {
    size_t *idx, i;
    anne_rng rng;
    *is_held = NULL;
    if (n < 2) return anne_error_set(err, "splitting needs at least 2 rows, the data has %zu", n);
    *n_held = anne_train_split_count(n, fraction);
    idx = malloc(n * sizeof *idx);
    *is_held = calloc(n, 1);
    if (idx == NULL || *is_held == NULL) {
        free(idx);
        free(*is_held);
        *is_held = NULL;
        return anne_error_set(err, "out of memory");
    }
    for (i = 0; i < n; i++) idx[i] = i;
    anne_rng_seed(&rng, seed, ANNE_TRAIN_STREAM_SPLIT);
    anne_train_shuffle(idx, n, &rng);
    for (i = 0; i < *n_held; i++) (*is_held)[idx[i]] = 1;
    free(idx);
    return 0;
}

int anne_train_rows_split(const anne_train_rows *all, double fraction, uint32_t seed, anne_train_rows *kept,
                          anne_train_rows *held, anne_error *err) {
    size_t n_held, i, k = 0, h = 0;
    unsigned char *is_held;
    memset(kept, 0, sizeof *kept);
    memset(held, 0, sizeof *held);
    if (all->n < 2) return anne_error_set(err, "--split needs at least 2 rows, the data has %zu", all->n);
    if (anne_train_split_pick(all->n, fraction, seed, &is_held, &n_held, err) != 0) return -1;
    if (anne__rows_alloc(kept, all, all->n - n_held) != 0 || anne__rows_alloc(held, all, n_held) != 0) {
        free(is_held);
        anne_train_rows_free(kept);
        anne_train_rows_free(held);
        return anne_error_set(err, "out of memory");
    }
    for (i = 0; i < all->n; i++) {
        if (is_held[i]) anne__rows_copy(held, h++, all, i);
        else anne__rows_copy(kept, k++, all, i);
    }
    free(is_held);
    return 0;
}

int anne_train_fit_scaling(anne_scaling_kind kind, const anne_train_rows *r, float *a, float *b, uint16_t *bad) {
    uint16_t j;
    for (j = 0; j < r->n_features; j++) {
        size_t i;
        if (kind == ANNE_SCALING_MINMAX) {
            float lo = r->x[j], hi = r->x[j];
            for (i = 1; i < r->n; i++) {
                float v = r->x[i * r->n_features + j];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
            /* a constant column gets a range of max(1, |lo|): lo + 1 would round back to lo above 2^24 */
            a[j] = lo;
            b[j] = hi > lo ? hi : lo + fmaxf(1.0f, fabsf(lo));
        } else {
            double sum = 0, sq = 0, mean;
            float sd;
            for (i = 0; i < r->n; i++) sum += (double)r->x[i * r->n_features + j];
            mean = sum / (double)r->n;
            for (i = 0; i < r->n; i++) {
                double d = (double)r->x[i * r->n_features + j] - mean;
                sq += d * d;
            }
            sd = (float)sqrt(sq / (double)r->n);
            a[j] = (float)mean;
            b[j] = sd >= FLT_MIN ? sd : 1.0f; /* constant (or subnormal-spread) column: centre only */
        }
        /* e.g. min -3e38 and max 3e38: max - min overflows, no min-max scaling can represent it */
        if (!isfinite(a[j]) || !isfinite(b[j]) || !isfinite(b[j] - a[j])) {
            if (bad != NULL) *bad = j;
            return -1;
        }
    }
    return 0;
}
