/* Structured pruning: whole units of a dense chain's hidden layers removed, those that matter least by
 * a criterion, giving an ordinary smaller dense model (docs/pruning.md). */
#ifndef ANNE_PRUNE_UNITS_H
#define ANNE_PRUNE_UNITS_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_train_data.h"

typedef enum anne_unit_criterion {
    ANNE_UNIT_L1 = 0,           /* sum of |w| over the unit's incoming weights */
    ANNE_UNIT_L2,               /* the Euclidean norm of its incoming weights */
    ANNE_UNIT_ACTIVATION,       /* the mean |output| of the unit over the rows */
    ANNE_UNIT_CRITERION_COUNT
} anne_unit_criterion;

/* "l1", "l2", "activation" -> criterion; -1 when unknown. */
int anne_unit_criterion_from_name(const char *name, anne_unit_criterion *c);
const char *anne_unit_criterion_name(anne_unit_criterion c);

/* Removes from every hidden layer of the dense chain ir (all but the last) round(fraction x units)
 * units (at least one stays), those of the lowest score, ties to the later unit: the unit's kernel
 * row, bias and prelu alpha, and the next layer's kernel column. ANNE_UNIT_ACTIVATION runs `model` (the
 * same network, loaded) on rows' features; the weight criteria ignore model and rows. *removed
 * (may be NULL): the units removed in all. */
int anne_prune_units(anne_ir *ir, const anne_model *model, const anne_train_rows *rows, double fraction,
                     anne_unit_criterion c, size_t *removed, anne_error *err);

#endif /* ANNE_PRUNE_UNITS_H */
