/* `anne train`'s data: rows of features with a class or a number each, a seeded hold-out split,
 * shuffling, and input scaling fitted on the training rows. */
#ifndef ANNE_TRAIN_DATA_H
#define ANNE_TRAIN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"
#include "anne_train.h"

typedef struct anne_train_rows {
    size_t n;
    uint16_t n_features;
    float *x;                   /* (n, n_features) raw features */
    uint16_t *label;            /* (n) class indices, or NULL for regression */
    float *value;               /* (n) regression targets, or NULL for classification */
} anne_train_rows;

void anne_train_rows_free(anne_train_rows *r);

/* How many of n rows (n >= 2) a fraction holds out: fraction x n rounded to nearest (halves up), at
 * least 1 and at most n - 1, so that each part has a row (docs/training.md). */
size_t anne_train_split_count(size_t n, double fraction);

/* Holds out anne_train_split_count(n, fraction) rows chosen by a seeded shuffle (anne_rng stream
 * ANNE_TRAIN_STREAM_SPLIT); both parts keep the file's order. */
#define ANNE_TRAIN_STREAM_SPLIT 2u

/* Which of n rows (n >= 2) that split holds out: *is_held (n) malloc'd, 1 for a held-out row;
 * *n_held of them. `anne split DATA.csv` writes the same parts `anne train --split` makes. */
int anne_train_split_pick(size_t n, double fraction, uint32_t seed, unsigned char **is_held, size_t *n_held,
                          anne_error *err);
int anne_train_rows_split(const anne_train_rows *all, double fraction, uint32_t seed, anne_train_rows *kept,
                          anne_train_rows *held, anne_error *err);

/* Fisher-Yates shuffle of idx (n) with rng (stream ANNE_TRAIN_STREAM_SHUFFLE for the epochs). */
#define ANNE_TRAIN_STREAM_SHUFFLE 1u
void anne_train_shuffle(size_t *idx, size_t n, anne_rng *rng);

/* Fits input scaling on the rows: STANDARDIZE gives a = mean, b = population standard deviation (as
 * sklearn's StandardScaler; a constant column gets 1), MINMAX gives a = min, b = max (a constant
 * column gets max = min + max(1, |min|)). a, b: (n_features). Returns -1, with the feature's index in
 * *bad (may be NULL), when a feature's values span more than a float can hold (max - min overflows). */
int anne_train_fit_scaling(anne_scaling_kind kind, const anne_train_rows *r, float *a, float *b, uint16_t *bad);

#endif /* ANNE_TRAIN_DATA_H */
