/* Regression metrics for `anne eval` and `anne quantize`: mean absolute error, root mean squared error,
 * R^2 and the largest error, streamed one sample at a time in double precision (docs/cli.md,
 * "Regression"). */
#ifndef ANNE_REGRESSION_H
#define ANNE_REGRESSION_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct anne_regression {
    size_t n;
    double sum_abs;             /* sum |y - p| */
    double sum_sq;              /* sum (y - p)^2 */
    double max_abs;             /* max |y - p| */
    double mean_y;              /* running mean of y (Welford) */
    double m2_y;                /* sum (y - mean_y)^2, updated as the mean moves (Welford) */
} anne_regression;

typedef struct anne_regression_scores {
    double mae, rmse, r2, max_error;
} anne_regression_scores;

void anne_regression_init(anne_regression *r);

/* Counts one sample: the true value y and the prediction p. A non-finite p makes every score NaN
 * (never a silent number). */
void anne_regression_update(anne_regression *r, double y, double p);

/* The scores of the samples counted so far (n >= 1): MAE = sum|e|/n, RMSE = sqrt(sum e^2/n),
 * R^2 = 1 - sum e^2 / sum (y - mean y)^2 (sklearn's r2_score: 1 when both sums are 0, 0 when only
 * the true values are constant), max error = max |e|, with e = y - p. */
void anne_regression_scores_get(const anne_regression *r, anne_regression_scores *s);

/* Adds "mae", "rmse", "r2", "max_error" to the JSON object o (a NaN score: null). Returns non-zero
 * when out of memory. */
int anne_regression_json_add(cJSON *o, const anne_regression_scores *s);

#endif /* ANNE_REGRESSION_H */
