/* `anne train`'s options and run, shared with `anne prune` (which is fine-tuning with a pruning
 * schedule, or after removing units, reported before and after). */
#ifndef ANNE_TRAIN_CMD_H
#define ANNE_TRAIN_CMD_H

#include "anne_cli.h"
#include "anne_prune_units.h"
#include "anne_train.h"

typedef struct anne_train_args {
    const char *data, *label, *layers, *init, *out, *validation, *history, *name, *classes;
    long epochs, batch, freeze, patience;
    anne_optimizer_kind optimizer;
    int have_lr, have_loss, have_split, shuffle, json, progress;
    int csv_flags;              /* ANNE_CSV_NO_HEADER or 0 */
    float lr;
    anne_loss loss;
    uint32_t seed;
    anne_scaling_kind scaling;
    double split;
    /* magnitude pruning (--prune): TF-MOT's polynomial schedule over optimizer steps; -1: the default */
    int have_prune;
    float prune, prune_initial;
    long prune_begin, prune_end, prune_every;
    /* structured pruning (anne prune --structured): this fraction of every hidden layer's units
     * removed before fine-tuning */
    double structured;
    anne_unit_criterion criterion;
    int report;                 /* anne prune: the model before and after */
} anne_train_args;

/* Option values (anne_cli_opt.parse) as `anne train` checks them: epochs and batch >= 1, a layer
 * count to freeze, a learning rate > 0, an optimizer name, a step >= 0, a count >= 1, a sparsity in
 * [0, 1]. */
int anne_train_parse_epochs(const char *s, void *out);
int anne_train_parse_batch(const char *s, void *out);
int anne_train_parse_freeze(const char *s, void *out);
int anne_train_parse_lr(const char *s, void *out);
int anne_train_parse_optimizer(const char *s, void *out);
int anne_train_parse_step(const char *s, void *out);
int anne_train_parse_every(const char *s, void *out);
int anne_train_parse_sparsity(const char *s, void *out);

/* The schedule's options, the same in `anne train` and `anne prune`. */
#define ANNE_TRAIN_PRUNE_OPTS(a)                                                                         \
    {"--prune-initial", NULL, NULL, 0, NULL, anne_train_parse_sparsity, &(a)->prune_initial,                \
     "--prune-initial needs a sparsity between 0 and 1, got \"%s\""},                                      \
    {"--prune-begin", NULL, NULL, 0, NULL, anne_train_parse_step, &(a)->prune_begin,                        \
     "--prune-begin needs a step >= 0, got \"%s\""},                                                        \
    {"--prune-end", NULL, NULL, 0, NULL, anne_train_parse_step, &(a)->prune_end,                            \
     "--prune-end needs a step >= 0, got \"%s\""},                                                          \
    {"--prune-every", NULL, NULL, 0, NULL, anne_train_parse_every, &(a)->prune_every,                       \
     "--prune-every needs a step count >= 1, got \"%s\""}

/* The pruning options' consistency: -1 when fine, else the usage error's exit code (printed). */
int anne_train_check_prune_args(const anne_cli_spec *spec, const anne_train_args *a);

/* Sets the defaults `anne train` starts from. */
void anne_train_args_defaults(anne_train_args *a);

/* Runs a parsed command; returns the exit code (messages printed, prefixed with `cmd`). */
int anne_train_main(const anne_train_args *a, const char *cmd);

#endif /* ANNE_TRAIN_CMD_H */
