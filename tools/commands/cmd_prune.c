/* anne prune: a trained model made sparse (magnitude pruning, TF-MOT's schedule, while fine-tuning)
 * or smaller (whole hidden units removed, then fine-tuned), with the accuracy before and after. It is
 * `anne train --init MODEL` with pruning switched on, so both share one training loop. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_train_cmd.h"

#define ANNE__PRUNE_USAGE \
    "anne prune MODEL OUT --sparsity S --data TRAIN.csv --label COL [--structured] [--eval TEST.csv] [options]"

static void anne__prune_help(FILE *out) {
    fprintf(out, "usage: " ANNE__PRUNE_USAGE "\n\n"
           "Prunes the float model MODEL (a dense chain, or a graph model's dense head) and fine-tunes it on\n"
           "TRAIN.csv with the runtime's trainer, then writes OUT and prints the accuracy (RMSE for\n"
           "regression) before and after on the --eval rows (else the training rows), the parameters and\n"
           "the sparsity (docs/pruning.md).\n\n"
           "  unstructured (default): the weights of smallest magnitude become zero, a growing fraction\n"
           "    on TF-MOT's polynomial schedule during the fine-tuning, up to S of every trainable layer's\n"
           "    kernel; pruned weights stay zero. The file still stores every weight.\n"
           "  --structured: the fraction S of every hidden layer's units is removed first (those that\n"
           "    matter least by --criterion), then the smaller network is fine-tuned: an ordinary dense\n"
           "    model, smaller and faster on every target.\n\n"
           "options:\n"
           "  --sparsity S         the fraction of weights (or of hidden units) to remove, 0..1 (required)\n"
           "  --data FILE          training rows (required); --label COL their target column (required)\n"
           "  --eval FILE          rows to score before and after (also validation after every epoch)\n"
           "  --structured         remove whole units instead of single weights\n"
           "  --criterion C        --structured: l1 or l2 (the norm of a unit's incoming weights, default\n"
           "                       l1) or activation (its mean |output| on the training rows)\n"
           "  --epochs N           fine-tuning epochs (default 20); --batch N (default 32)\n"
           "  --optimizer NAME     sgd, momentum, nesterov or adam (default adam); --lr X (default: Keras')\n"
           "  --freeze N           leave the first N layers unchanged (not pruned)\n"
           "  --prune-initial S0, --prune-begin STEP, --prune-end STEP, --prune-every N\n"
           "                       the unstructured schedule, as `anne train --prune` takes it\n"
           "  --seed N             seeds the shuffles (default 0)\n"
           "  --name NAME          the pruned model's name (default: MODEL's)\n"
           "  --json               print the results as JSON on stdout\n"
           ANNE_CLI_HELP_NO_HEADER
           "  --verbose, --quiet   print every epoch on stderr, or nothing\n"
           "  --help               this text\n");
}

static int anne__parse_criterion(const char *s, void *out) {
    return anne_unit_criterion_from_name(s, (anne_unit_criterion *)out);
}

int anne_cmd_prune(int argc, char **argv) {
    anne_train_args a;
    const char *pos[2] = {NULL, NULL}, *sparsity = NULL, *lr = NULL, *criterion = NULL;
    int structured = 0, progress = -1, n_pos, rc;
    long batch = 32, freeze = 0;
    const anne_cli_opt opts[] = {
        {"--structured", NULL, &structured, 1, NULL, NULL, NULL, NULL},
        {"--json", NULL, &a.json, 1, NULL, NULL, NULL, NULL},
        {"--verbose", NULL, &progress, 1, NULL, NULL, NULL, NULL},
        {"--quiet", NULL, &progress, 0, NULL, NULL, NULL, NULL},
        ANNE_CLI_OPT_NO_HEADER(&a.csv_flags),
        {"--sparsity", NULL, NULL, 0, &sparsity, anne_train_parse_sparsity, &a.prune,
         "--sparsity needs a fraction between 0 and 1, got \"%s\""},
        {"--data", NULL, NULL, 0, &a.data, NULL, NULL, "--data needs a CSV file"},
        {"--label", NULL, NULL, 0, &a.label, NULL, NULL, "--label needs a column name"},
        {"--eval", NULL, NULL, 0, &a.validation, NULL, NULL, "--eval needs a CSV file"},
        {"--name", NULL, NULL, 0, &a.name, NULL, NULL, "--name needs a value"},
        {"--criterion", NULL, NULL, 0, &criterion, anne__parse_criterion, &a.criterion,
         "--criterion must be l1, l2 or activation, got \"%s\""},
        {"--epochs", NULL, NULL, 0, NULL, anne_train_parse_epochs, &a.epochs, "--epochs needs an integer >= 1, got \"%s\""},
        {"--batch", NULL, NULL, 0, NULL, anne_train_parse_batch, &batch, "--batch needs an integer >= 1, got \"%s\""},
        {"--freeze", NULL, NULL, 0, NULL, anne_train_parse_freeze, &freeze, "--freeze needs a layer count >= 0, got \"%s\""},
        {"--optimizer", NULL, NULL, 0, NULL, anne_train_parse_optimizer, &a.optimizer,
         "--optimizer must be sgd, momentum, nesterov or adam, got \"%s\""},
        {"--lr", NULL, NULL, 0, &lr, anne_train_parse_lr, &a.lr, "--lr needs a number > 0, got \"%s\""},
        {"--seed", NULL, NULL, 0, NULL, anne_cli_parse_seed, &a.seed, "--seed needs an integer 0..2147483647, got \"%s\""},
        ANNE_TRAIN_PRUNE_OPTS(&a),
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"prune", ANNE__PRUNE_USAGE, anne__prune_help, opts, pos, 2, "unexpected argument '%s'"};
    anne_train_args_defaults(&a);
    a.epochs = 20;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 2) return anne_cli_spec_error(&spec, "needs MODEL and OUT");
    if (sparsity == NULL) return anne_cli_spec_error(&spec, "needs --sparsity S (the fraction to remove)");
    if (a.data == NULL) return anne_cli_spec_error(&spec, "needs --data TRAIN.csv (rows to fine-tune on)");
    if (a.label == NULL) return anne_cli_spec_error(&spec, "needs --label COL (the target column)");
    if (criterion != NULL && !structured) return anne_cli_spec_error(&spec, "--criterion goes with --structured");
    a.init = pos[0];
    a.out = pos[1];
    a.batch = batch;
    a.freeze = freeze;
    a.have_lr = lr != NULL;
    a.report = 1;
    a.progress = progress >= 0 ? progress : isatty(fileno(stderr));
    if (structured) {
        if (!(a.prune < 1.0f)) return anne_cli_spec_error(&spec, "--structured --sparsity must be below 1 (a layer keeps a unit)");
        a.structured = (double)a.prune;
        a.prune = 0.0f;
        if (a.prune_initial > 0.0f || a.prune_begin >= 0 || a.prune_end >= 0 || a.prune_every >= 0) {
            return anne_cli_spec_error(&spec, "--prune-* options set the unstructured schedule; --structured has none");
        }
    } else {
        a.have_prune = 1;
        if ((rc = anne_train_check_prune_args(&spec, &a)) >= 0) return rc;
    }
    return anne_train_main(&a, "prune");
}
