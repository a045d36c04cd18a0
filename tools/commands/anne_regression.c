/* Regression metrics, streamed: one pass, double accumulators, Welford's update for the spread of the
 * true values (so R^2 needs no second pass and no stored rows). */
#include "anne_regression.h"

#include <math.h>
#include <string.h>

#include "anne_cli.h"

void anne_regression_init(anne_regression *r) {
    memset(r, 0, sizeof *r);
}

void anne_regression_update(anne_regression *r, double y, double p) {
    double e = y - p, d;
    r->n++;
    r->sum_abs += fabs(e);
    r->sum_sq += e * e;
    /* a NaN error must not vanish in the comparison: it poisons the maximum as it poisons the sums */
    if (!(fabs(e) <= r->max_abs) && r->max_abs == r->max_abs) r->max_abs = fabs(e);
    d = y - r->mean_y;
    r->mean_y += d / (double)r->n;
    r->m2_y += d * (y - r->mean_y);
}

void anne_regression_scores_get(const anne_regression *r, anne_regression_scores *s) {
    double n = r->n > 0 ? (double)r->n : 1.0;
    s->mae = r->sum_abs / n;
    s->rmse = sqrt(r->sum_sq / n);
    s->max_error = r->max_abs;
    if (r->m2_y > 0.0) {
        s->r2 = 1.0 - r->sum_sq / r->m2_y;
    } else { /* constant true values: sklearn's force_finite convention */
        s->r2 = r->sum_sq == 0.0 ? 1.0 : (r->sum_sq == r->sum_sq ? 0.0 : r->sum_sq);
    }
}

int anne_regression_json_add(cJSON *o, const anne_regression_scores *s) {
    const double v[4] = {s->mae, s->rmse, s->r2, s->max_error};
    static const char *const keys[4] = {"mae", "rmse", "r2", "max_error"};
    int bad = 0, k;
    for (k = 0; k < 4; k++) {
        bad |= anne_cli_json_add(o, keys[k], v[k] == v[k] ? cJSON_CreateNumber(v[k]) : cJSON_CreateNull());
    }
    return bad;
}
