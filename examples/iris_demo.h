/* The IRIS demo's parts: evaluating the paper's networks (iris_demo.c) and training them from
 * scratch on the board's code path (iris_demo_train.c). */
#ifndef IRIS_DEMO_H
#define IRIS_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_error.h"

typedef struct iris_rows {
    float *x;                   /* (n, 4) raw measurements in cm */
    uint16_t *y;                /* (n) 0 = versicolor, 1 = virginica */
    size_t n;
} iris_rows;

/* Reads dir/file (columns as iris.csv, label Species). */
int iris_rows_read(iris_rows *r, const char *dir, const char *file, anne_error *err);
void iris_rows_free(iris_rows *r);

/* Confusion matrix [[TN, FP], [FN, TP]] of a model on rows, streamed through the runtime metrics. */
int iris_evaluate(const anne_model *model, const iris_rows *rows, anne_metrics *metrics, uint32_t confusion[4]);

/* Trains `net`'s architecture and input scaling from scratch for each seed 0..n_seeds-1 (Adam,
 * binary cross-entropy, 500 epochs, batch 32, shuffled) on `train`, and prints the test accuracy per
 * seed and the confusion matrix of seed 0. Returns -1 on error. */
int iris_train_from_scratch(const anne_model *net, const char *name, const iris_rows *train, const iris_rows *test,
                            int n_seeds);

#endif /* IRIS_DEMO_H */
