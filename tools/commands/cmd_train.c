/* anne train: trains a network on a CSV file with the runtime's trainer (the same C code a board
 * runs), one sample at a time, and writes the model file; from scratch (--layers) or from a model
 * (--init, with --freeze for fine-tuning). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_file.h"
#include "anne_names.h"
#include "anne_train.h"
#include "anne_train_data.h"
#include "anne_train_cmd.h"
#include "anne_train_graph.h"
#include "anne_train_spec.h"

#define ANNE__TRAIN_USAGE "anne train DATA.csv --label COL (--layers SPEC | --init MODEL) -o OUT.anne [options]"

static void anne__train_help(FILE *out) {
    fprintf(out, "usage: " ANNE__TRAIN_USAGE "\n\n"
           "Trains a dense network on DATA.csv by backpropagation (the runtime's trainer, the same C\n"
           "code that trains on a board) and writes it as a model file. The features are all columns\n"
           "but COL, in order; COL holds the class (an integer 0..K-1 or text; texts become classes in\n"
           "sorted order and their names are stored in the model), or a number for regression (--loss\n"
           "mse with one output that is not sigmoid).\n\n"
           "options:\n"
           "  --label COL          the target column (required)\n"
           "  --layers SPEC        units:activation per layer, e.g. 2:relu,3:sigmoid,2:relu,1:sigmoid;\n"
           "                       the inputs come from the data. New layers start as Keras starts them:\n"
           "                       glorot_uniform kernels (from --seed), zero biases\n"
           "  --init MODEL         start from MODEL's weights, scaling and class names (fine-tuning);\n"
           "                       a graph model (a CNN): its Dense layers at the end train, every op\n"
           "                       before them is frozen and runs once per row (docs/training.md)\n"
           "  --freeze N           keep the first N (Dense) layers unchanged (with --init: train only the head)\n"
           "  -o, --output FILE    the model file to write (required)\n"
           "  --epochs N           passes over the training rows (default 100)\n"
           "  --batch N            rows per gradient step (default 32; the last batch may be smaller)\n"
           "  --optimizer NAME     sgd, momentum, nesterov or adam (default adam)\n"
           "  --lr X               learning rate (default: Keras' for the optimizer: adam 0.001, else 0.01;\n"
           "                       momentum and nesterov use momentum 0.9)\n"
           "  --loss NAME          binary_crossentropy, categorical_crossentropy or mse (default: from\n"
           "                       the output layer: sigmoid -> binary_crossentropy, softmax ->\n"
           "                       categorical_crossentropy, else mse)\n"
           "  --seed N             seeds the initial weights, the shuffles and --split (default 0)\n"
           "  --standardize        scale inputs to mean 0, standard deviation 1 (fitted on the training\n"
           "                       rows, stored in the model)\n"
           "  --minmax             scale inputs to [0, 1] (fitted on the training rows, stored)\n"
           "  --validation FILE    score this CSV file (same columns) after every epoch\n"
           "  --split F            hold out a seeded random fraction F of the rows for validation:\n"
           "                       round(F x rows), at least 1 row in each part (anne split DATA.csv\n"
           "                       --test F --seed N writes the same two parts as files)\n"
           "  --patience N         early stopping: stop when val_loss has not improved for N epochs and\n"
           "                       keep the weights of the epoch with the lowest val_loss (needs\n"
           "                       --validation or --split)\n"
           "  --shuffle            shuffle the training rows every epoch (the default, as Keras)\n"
           "  --no-shuffle         keep the file's order (batches are consecutive rows)\n"
           "  --history FILE       write loss and accuracy per epoch as CSV\n"
           "  --name NAME          the model's name (default: --init's)\n"
           "  --classes A,B,...    the class names to store, one per output (one sigmoid output: 2); the\n"
           "                       labels may then be these names or indices (default: the label texts,\n"
           "                       or --init's names)\n"
           "  --prune S            magnitude pruning to sparsity S (0..1) of every trainable layer's kernel,\n"
           "                       TF-MOT's polynomial schedule; pruned weights stay zero (docs/pruning.md)\n"
           "  --prune-initial S0   the schedule's first sparsity (default 0)\n"
           "  --prune-begin STEP   the optimizer step of the first pruning (default 0)\n"
           "  --prune-end STEP     the step where the sparsity reaches S (default: the last pruning step\n"
           "                       within the first 3/4 of the training's steps)\n"
           "  --prune-every N      steps between prunings (default: one epoch's steps)\n"
           "  --json               print the final metrics as JSON on stdout\n"
           "  --no-header          the CSV files have no header row: columns are named by their index\n"
           "                       from 0 (--label 4 is the fifth column); DATA.csv - reads standard input\n"
           "  --verbose            print every epoch on stderr (the default when stderr is a terminal)\n"
           "  --quiet              print no progress\n"
           "  --help               this text\n\n"
           "loss and accuracy of an epoch are over the training rows as they were met, before each\n"
           "batch's update (as Keras reports them); val_loss and val_accuracy after the epoch.\n");
}

typedef anne_train_args anne__train_args;

static int anne__parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    long v;
    if (s == NULL || *s == '\0') return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* Option values checked as they are parsed (anne_cli_opt.parse). */
int anne_train_parse_epochs(const char *s, void *out) {
    return anne__parse_long(s, 1, 100000000L, (long *)out);
}

int anne_train_parse_batch(const char *s, void *out) {
    return anne__parse_long(s, 1, 0x7FFFFFFFL, (long *)out);
}

int anne_train_parse_freeze(const char *s, void *out) {
    return anne__parse_long(s, 0, (long)ANNE_MAX_LAYERS, (long *)out);
}

int anne_train_parse_lr(const char *s, void *out) {
    float *lr = out;
    return anne_cli_parse_float(s, lr) != 0 || !(*lr > 0.0f) ? -1 : 0;
}

static int anne__parse_patience(const char *s, void *out) {
    return anne__parse_long(s, 1, 100000000L, (long *)out);
}

int anne_train_parse_step(const char *s, void *out) {
    return anne__parse_long(s, 0, 0x7FFFFFFFL, (long *)out);
}

int anne_train_parse_every(const char *s, void *out) {
    return anne__parse_long(s, 1, 0x7FFFFFFFL, (long *)out);
}

int anne_train_parse_sparsity(const char *s, void *out) {
    float *v = out;
    return anne_cli_parse_float(s, v) != 0 || !(*v >= 0.0f && *v <= 1.0f) ? -1 : 0;
}

void anne_train_args_defaults(anne_train_args *a) {
    memset(a, 0, sizeof *a);
    a->epochs = 100;
    a->batch = 32;
    a->optimizer = ANNE_OPTIMIZER_ADAM;
    a->shuffle = 1;
    a->prune_begin = a->prune_end = a->prune_every = -1;
}

int anne_train_check_prune_args(const anne_cli_spec *spec, const anne_train_args *a) {
    int schedule = a->prune_initial > 0.0f || a->prune_begin >= 0 || a->prune_end >= 0 || a->prune_every >= 0;
    if (!a->have_prune && schedule) {
        return anne_cli_spec_error(spec, "--prune-initial, --prune-begin, --prune-end and --prune-every need --prune S");
    }
    if (a->have_prune && a->patience > 0) {
        return anne_cli_spec_error(spec, "--prune and --patience exclude each other (the best epoch could be one "
                                         "before the schedule reached its sparsity)");
    }
    if (a->have_prune && a->prune_initial > a->prune) {
        return anne_cli_spec_error(spec, "--prune-initial %g is above --prune %g: the sparsity only grows",
                                   (double)a->prune_initial, (double)a->prune);
    }
    if (a->prune_begin >= 0 && a->prune_end >= 0 && a->prune_end <= a->prune_begin) {
        return anne_cli_spec_error(spec, "--prune-end %ld must come after --prune-begin %ld", a->prune_end,
                                   a->prune_begin);
    }
    return -1;
}

int anne_train_parse_optimizer(const char *s, void *out) {
    return anne_train_optimizer_from_name(s, (anne_optimizer_kind *)out);
}

static int anne__parse_loss(const char *s, void *out) {
    return anne_train_loss_from_name(s, (anne_loss *)out);
}

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int anne__train_parse(int argc, char **argv, anne__train_args *a) {
    int progress = -1, standardize = 0, minmax = 0, n_pos, rc;
    const char *lr = NULL, *split = NULL, *loss = NULL, *prune = NULL;
    const anne_cli_opt opts[] = {
        {"--json", NULL, &a->json, 1, NULL, NULL, NULL, NULL},
        ANNE_CLI_OPT_NO_HEADER(&a->csv_flags),
        {"--standardize", NULL, &standardize, 1, NULL, NULL, NULL, NULL},
        {"--minmax", NULL, &minmax, 1, NULL, NULL, NULL, NULL},
        {"--shuffle", NULL, &a->shuffle, 1, NULL, NULL, NULL, NULL},
        {"--no-shuffle", NULL, &a->shuffle, 0, NULL, NULL, NULL, NULL},
        {"--verbose", NULL, &progress, 1, NULL, NULL, NULL, NULL},
        {"--quiet", NULL, &progress, 0, NULL, NULL, NULL, NULL},
        {"--label", NULL, NULL, 0, &a->label, NULL, NULL, "--label needs a column name"},
        {"--layers", NULL, NULL, 0, &a->layers, NULL, NULL, "--layers needs a SPEC, e.g. 2:relu,1:sigmoid"},
        {"--init", NULL, NULL, 0, &a->init, NULL, NULL, "--init needs a model file"},
        {"-o", "--output", NULL, 0, &a->out, NULL, NULL, "-o needs a file name"},
        {"--validation", NULL, NULL, 0, &a->validation, NULL, NULL, "--validation needs a CSV file"},
        {"--history", NULL, NULL, 0, &a->history, NULL, NULL, "--history needs a file name"},
        {"--name", NULL, NULL, 0, &a->name, NULL, NULL, "--name needs a value"},
        {"--classes", NULL, NULL, 0, &a->classes, NULL, NULL, "--classes needs names, e.g. --classes cat,dog"},
        {"--patience", NULL, NULL, 0, NULL, anne__parse_patience, &a->patience,
         "--patience needs an integer >= 1, got \"%s\""},
        {"--epochs", NULL, NULL, 0, NULL, anne_train_parse_epochs, &a->epochs,
         "--epochs needs an integer >= 1, got \"%s\""},
        {"--batch", NULL, NULL, 0, NULL, anne_train_parse_batch, &a->batch,
         "--batch needs an integer >= 1, got \"%s\""},
        {"--freeze", NULL, NULL, 0, NULL, anne_train_parse_freeze, &a->freeze,
         "--freeze needs a layer count >= 0, got \"%s\""},
        {"--seed", NULL, NULL, 0, NULL, anne_cli_parse_seed, &a->seed,
         "--seed needs an integer 0..2147483647, got \"%s\""},
        {"--lr", NULL, NULL, 0, &lr, anne_train_parse_lr, &a->lr, "--lr needs a number > 0, got \"%s\""},
        {"--split", NULL, NULL, 0, &split, anne_cli_parse_fraction, &a->split,
         "--split needs a fraction between 0 and 1, got \"%s\""},
        {"--optimizer", NULL, NULL, 0, NULL, anne_train_parse_optimizer, &a->optimizer,
         "--optimizer must be sgd, momentum, nesterov or adam, got \"%s\""},
        {"--loss", NULL, NULL, 0, &loss, anne__parse_loss, &a->loss,
         "--loss must be binary_crossentropy, categorical_crossentropy or mse, got \"%s\""},
        {"--prune", NULL, NULL, 0, &prune, anne_train_parse_sparsity, &a->prune,
         "--prune needs a sparsity between 0 and 1, got \"%s\""},
        ANNE_TRAIN_PRUNE_OPTS(a),
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"train", ANNE__TRAIN_USAGE, anne__train_help, opts, &a->data, 1,
                                "unexpected argument '%s' (one data file)"};
    anne_train_args_defaults(a);
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    a->have_prune = prune != NULL;
    if (standardize && minmax) return anne_cli_spec_error(&spec, "--standardize and --minmax exclude each other");
    a->scaling = standardize ? ANNE_SCALING_STANDARDIZE : minmax ? ANNE_SCALING_MINMAX : ANNE_SCALING_NONE;
    a->have_lr = lr != NULL;
    a->have_split = split != NULL;
    a->have_loss = loss != NULL;
    if (a->data == NULL) return anne_cli_spec_error(&spec, "needs a CSV file to train on");
    if (a->label == NULL) return anne_cli_spec_error(&spec, "needs --label COL (the target column)");
    if (a->out == NULL) return anne_cli_spec_error(&spec, "needs -o OUT.anne (where to write the model)");
    if ((a->layers == NULL) == (a->init == NULL)) {
        return anne_cli_spec_error(&spec, a->layers
                                              ? "--layers and --init exclude each other (--init brings its layers)"
                                              : "needs --layers SPEC (a new network) or --init MODEL (fine-tuning)");
    }
    if (a->init != NULL && a->scaling != ANNE_SCALING_NONE) {
        return anne_cli_spec_error(
            &spec, "--standardize/--minmax cannot be used with --init: the model's own scaling is kept");
    }
    if (a->validation != NULL && a->have_split) {
        return anne_cli_spec_error(&spec, "--validation and --split exclude each other");
    }
    if (a->patience > 0 && a->validation == NULL && !a->have_split) {
        return anne_cli_spec_error(&spec, "--patience needs validation rows: --validation FILE or --split F");
    }
    if ((rc = anne_train_check_prune_args(&spec, a)) >= 0) return rc;
    a->progress = progress >= 0 ? progress : isatty(fileno(stderr));
    return -1;
}

/* Everything the command owns, freed in one place. */
typedef struct anne__train_state {
    anne__train_args a;
    anne_csv csv, vcsv;
    anne_loaded init;
    anne_train_graph graph;     /* --init with a graph model: its frozen part and its head (init) */
    anne_train_spec_layer *spec;
    size_t n_spec;
    anne_layer *layers;
    anne_train_rows all, train, val;
    anne_csv_labels labels, vlabels;
    float *scale_a, *scale_b, *out;
    void *arena;
    const char **names;         /* (n_classes) class names for the model, or NULL */
    uint16_t n_names;           /* how many names the labels map through (--init's or --classes) */
    char **given;               /* (n_given) --classes, owned */
    uint16_t n_given;
    float *best;                /* --patience: (n_params) the weights of the best epoch so far */
    long best_epoch, stopped_epoch;
    uint16_t n_inputs, n_outputs, n_classes;
    anne_activation last_act;
    int regression;
    size_t *order;
    uint32_t *confusion;
    char *history;
    size_t history_len, history_cap;
    unsigned char *model_bytes;
    anne_loaded original;       /* anne prune --structured: the model before its units were removed */
    anne_prune_schedule sched;  /* --prune */
    size_t units_removed;       /* --structured */
    double before, after;       /* anne prune: accuracy (or RMSE) of the model before and after */
    uint64_t params_before;     /* anne prune: the parameters of the model before */
} anne__train_state;

static void anne__train_free(anne__train_state *s) {
    anne_csv_free(&s->csv);
    anne_csv_free(&s->vcsv);
    anne_loaded_close(&s->init);
    anne_loaded_close(&s->original);
    anne_train_graph_free(&s->graph);
    free(s->spec);
    free(s->layers);
    anne_train_rows_free(&s->all);
    anne_train_rows_free(&s->train);
    anne_train_rows_free(&s->val);
    anne_csv_labels_free(&s->labels);
    anne_csv_labels_free(&s->vlabels);
    free(s->scale_a);
    free(s->scale_b);
    free(s->out);
    free(s->arena);
    free(s->names);
    free(s->order);
    free(s->confusion);
    free(s->history);
    free(s->model_bytes);
    free(s->best);
    anne_names_free(s->given, s->n_given);
}

/* Reads features and targets of a CSV file into rows. For classification the labels map through
 * class_names (n_classes) when given. */
static int anne__load_rows(anne__train_state *s, anne_csv *csv, const char *path, anne_csv_labels *labels,
                           const char *const *class_names, uint16_t n_classes, anne_train_rows *rows, anne_error *err) {
    size_t col, nf, r;
    float *x = NULL;
    if (anne_csv_read_ex(csv, path, (unsigned)s->a.csv_flags, err) != 0) return -1;
    if (anne_csv_find(csv, s->a.label, &col, err) != 0) return -1;
    if (csv->n_rows == 0) return anne_error_set(err, "%s: no data rows", path);
    if (s->n_inputs != 0) {
        if (anne_cli_features(csv, col, s->n_inputs, &x, err) != 0) return -1;
        nf = s->n_inputs;
    } else {
        if (anne_csv_features(csv, col, &x, &nf, err) != 0) return -1;
        if (nf == 0 || nf > 65535u) {
            free(x);
            return anne_error_set(err, "%s: %zu feature columns (all but \"%s\"); expected 1..65535", path, nf,
                                  s->a.label);
        }
    }
    memset(rows, 0, sizeof *rows);
    rows->n = csv->n_rows;
    rows->n_features = (uint16_t)nf;
    rows->x = x;
    /* a graph model: its frozen part's features are the head's inputs */
    if (s->graph.graph.n_ops > 0 && anne_train_graph_features(&s->graph, rows, err) != 0) {
        return anne_error_prefix(err, "%s", path);
    }
    if (s->regression) {
        if (csv->cols[col].num == NULL) {
            return anne_error_set(err, "%s: column \"%s\" must hold numbers for regression (--loss mse, one output)", path,
                                  s->a.label);
        }
        rows->value = malloc(csv->n_rows * sizeof *rows->value);
        if (rows->value == NULL) return anne_error_set(err, "out of memory");
        for (r = 0; r < csv->n_rows; r++) rows->value[r] = (float)csv->cols[col].num[r];
        return 0;
    }
    if (anne_csv_labels_read(csv, col, n_classes, class_names, labels, err) != 0) return -1;
    rows->label = malloc(csv->n_rows * sizeof *rows->label);
    if (rows->label == NULL) return anne_error_set(err, "out of memory");
    memcpy(rows->label, labels->y, csv->n_rows * sizeof *rows->label);
    return 0;
}

/* The network: from --init (its layers, scaling, names) or from --layers. */
static int anne__setup_network(anne__train_state *s, anne_error *err) {
    if (s->a.init != NULL) {
        const anne_model *m;
        anne_layer last;
        uint16_t k;
        if (anne_loaded_open(&s->init, s->a.init, err) != 0) return -1;
        m = &s->init.model;
        s->n_inputs = m->n_inputs;
        if (m->op_table != NULL) { /* a graph model: the head trains, on the frozen part's features */
            if (anne_train_graph_open(&s->graph, m, s->a.init, err) != 0) return -1;
            anne_loaded_close(&s->init);
            s->init = s->graph.head;
            memset(&s->graph.head, 0, sizeof s->graph.head);
            m = &s->init.model;
        }
        s->n_outputs = m->n_outputs;
        if (anne_model_layer(m, (uint16_t)(m->n_layers - 1u), &last) != ANNE_OK) {
            return anne_error_set(err, "%s: cannot read the last layer", s->a.init);
        }
        s->last_act = last.activation;
        if (m->n_classes != 0) {
            s->names = calloc(m->n_classes, sizeof *s->names);
            if (s->names == NULL) return anne_error_set(err, "out of memory");
            for (k = 0; k < m->n_classes; k++) s->names[k] = anne_model_class_name(m, k);
            s->n_names = m->n_classes;
        }
        if (s->a.freeze >= m->n_layers) {
            return anne_error_set(err, "--freeze %ld: the model has %u layers; at least the last must train", s->a.freeze,
                                  (unsigned)m->n_layers);
        }
        return 0;
    }
    if (anne_train_spec_parse(s->a.layers, &s->spec, &s->n_spec, err) != 0) return -1;
    if (s->a.freeze >= (long)s->n_spec) {
        return anne_error_set(err, "--freeze %ld: --layers has %zu layers; at least the last must train", s->a.freeze,
                              s->n_spec);
    }
    s->n_outputs = s->spec[s->n_spec - 1].units;
    s->last_act = s->spec[s->n_spec - 1].activation;
    return 0;
}

/* Classes: what the output layer can represent, and the names to store. */
static int anne__setup_classes(anne__train_state *s, anne_error *err) {
    uint16_t k_out = s->n_outputs == 1 ? 2u : s->n_outputs;
    if (s->labels.n_classes > k_out) {
        return anne_error_set(err, "%s: column \"%s\" has %u classes, but the output layer has %u unit%s (%s)", s->a.data,
                              s->a.label, (unsigned)s->labels.n_classes, (unsigned)s->n_outputs,
                              s->n_outputs == 1 ? "" : "s",
                              s->n_outputs == 1 ? "one sigmoid output is for 2 classes" : "one unit per class");
    }
    s->n_classes = k_out;
    if (s->names == NULL && s->labels.n_names > 0) {
        uint16_t k;
        if (s->labels.n_names != k_out) {
            return anne_error_set(err, "%s: column \"%s\" names %u classes, but the output layer stands for %u; "
                                  "give --layers a last layer of %u unit%s", s->a.data, s->a.label,
                                  (unsigned)s->labels.n_names, (unsigned)k_out,
                                  s->labels.n_names == 2 ? 1u : (unsigned)s->labels.n_names,
                                  s->labels.n_names == 2 ? " (sigmoid)" : "s (softmax)");
        }
        s->names = calloc(k_out, sizeof *s->names);
        if (s->names == NULL) return anne_error_set(err, "out of memory");
        for (k = 0; k < k_out; k++) s->names[k] = s->labels.names[k];
    }
    return 0;
}

/* Appends one line to the history text. */
static int anne__history_add(anne__train_state *s, const char *line) {
    size_t len = strlen(line);
    if (s->history_len + len + 1 > s->history_cap) {
        size_t cap = (s->history_cap ? s->history_cap * 2 : 4096) + len;
        char *p = realloc(s->history, cap);
        if (p == NULL) return -1;
        s->history = p;
        s->history_cap = cap;
    }
    memcpy(s->history + s->history_len, line, len + 1);
    s->history_len += len;
    return 0;
}

typedef struct anne__epoch_result {
    double loss, accuracy, val_loss, val_accuracy;
} anne__epoch_result;

static int anne__sample(anne_trainer *t, const anne__train_state *s, const anne_train_rows *rows, size_t r, int learn,
                        float *loss) {
    const float *x = rows->x + r * rows->n_features;
    anne_status st;
    if (s->regression) {
        st = learn ? anne_trainer_accumulate(t, x, &rows->value[r], loss, s->out)
                   : anne_trainer_evaluate(t, x, &rows->value[r], loss, s->out);
    } else {
        st = learn ? anne_trainer_accumulate_class(t, x, rows->label[r], loss, s->out)
                   : anne_trainer_evaluate_class(t, x, rows->label[r], loss, s->out);
    }
    return st == ANNE_OK && isfinite(*loss) ? 0 : -1;
}

/* --prune: before optimizer step t->steps, prunes when the schedule says so (one-shot to the final
 * sparsity at --prune-begin when the schedule has no room: end <= begin). */
static int anne__prune_step(const anne__train_state *s, anne_trainer *t) {
    const anne_prune_schedule *p = &s->sched;
    float sparsity = p->final;
    if (p->end <= p->begin ? t->steps != p->begin : !anne_prune_schedule_at(p, t->steps, &sparsity)) return 0;
    return anne_trainer_prune(t, sparsity) == ANNE_OK ? 0 : -1;
}

/* The schedule over optimizer steps: TF-MOT's PolynomialDecay, with defaults that fit the run:
 * begin 0, every epoch's steps, ending at the last pruning step within 3/4 of all steps. */
static void anne__prune_setup(anne__train_state *s, anne_trainer *t) {
    const anne__train_args *a = &s->a;
    uint32_t per_epoch = (uint32_t)((s->train.n + (size_t)a->batch - 1u) / (size_t)a->batch);
    uint64_t total = (uint64_t)per_epoch * (uint64_t)a->epochs, last;
    uint16_t l;
    anne_prune_schedule *p = &s->sched;
    p->initial = a->prune_initial;
    p->final = a->prune;
    p->begin = a->prune_begin >= 0 ? (uint32_t)a->prune_begin : 0u;
    p->frequency = a->prune_every >= 0 ? (uint32_t)a->prune_every : per_epoch;
    last = total * 3u / 4u;
    if (a->prune_end >= 0) {
        p->end = (uint32_t)a->prune_end;
    } else if (last > p->begin) {
        p->end = p->begin + (uint32_t)((last - p->begin) / p->frequency) * p->frequency;
    } else {
        p->end = p->begin;
    }
    for (l = 0; l < t->n_layers; l++) {
        if (t->trainable[l] & ANNE_TRAINER_TRAINABLE) anne_trainer_set_pruned(t, l, 1);
    }
}

/* Zeros and weights of the kernels the trainer prunes. */
static void anne__sparsity(const anne_trainer *t, size_t *zeros, size_t *total) {
    uint16_t l;
    size_t i;
    *zeros = *total = 0;
    for (l = 0; l < t->n_layers; l++) {
        const anne_layer *ly = &t->layers[l];
        size_t n = (size_t)ly->n_in * ly->n_out;
        if (!(t->trainable[l] & ANNE_TRAINER_PRUNED)) continue;
        for (i = 0; i < n; i++) *zeros += ((const float *)ly->kernel)[i] == 0.0f;
        *total += n;
    }
}

/* --patience (Keras' EarlyStopping(monitor="val_loss", patience=N, restore_best_weights=True)): after
 * epoch e, keeps a copy of the weights when val_loss is the lowest so far (strictly lower: a tie keeps
 * the earlier epoch); returns 1 when N epochs have passed without a new lowest, so training stops. */
static int anne__early_stop(anne__train_state *s, const anne_trainer *t, long e, const anne__epoch_result *res,
                            anne__epoch_result *best) {
    if (s->best_epoch == 0 || res->val_loss < best->val_loss) {
        memcpy(s->best, t->params, (size_t)t->n_params * sizeof *s->best);
        s->best_epoch = e;
        *best = *res;
        return 0;
    }
    return e - s->best_epoch >= s->a.patience;
}

static int anne__train_loop(anne__train_state *s, anne_trainer *t, anne_metrics *vm, anne__epoch_result *res,
                            anne_error *err) {
    const anne__train_args *a = &s->a;
    anne_rng rng;
    anne__epoch_result best;
    size_t i;
    long e;
    char line[256];
    int has_val = s->val.n > 0, stop = 0;
    memset(&best, 0, sizeof best);
    anne_rng_seed(&rng, a->seed, ANNE_TRAIN_STREAM_SHUFFLE);
    for (i = 0; i < s->train.n; i++) s->order[i] = i;
    if (a->history != NULL) {
        snprintf(line, sizeof line, "epoch,loss%s%s%s\n", s->regression ? "" : ",accuracy", has_val ? ",val_loss" : "",
                 has_val && !s->regression ? ",val_accuracy" : "");
        if (anne__history_add(s, line) != 0) return anne_error_set(err, "out of memory");
    }
    for (e = 1; e <= a->epochs && !stop; e++) {
        double sum = 0;
        size_t correct = 0, in_batch = 0;
        if (a->shuffle) anne_train_shuffle(s->order, s->train.n, &rng);
        for (i = 0; i < s->train.n; i++) {
            size_t r = s->order[i];
            float loss = 0;
            if (in_batch == 0 && a->have_prune && anne__prune_step(s, t) != 0) {
                return anne_error_set(err, "epoch %ld: a weight is not finite, so it cannot be pruned by magnitude", e);
            }
            if (anne__sample(t, s, &s->train, r, 1, &loss) != 0) {
                return anne_error_set(err, "epoch %ld: the loss became %s (the training diverged; try a smaller --lr)", e,
                                      isnan(loss) ? "NaN" : "infinite");
            }
            sum += (double)loss;
            if (!s->regression && anne_output_class(s->out, s->n_outputs, 0.5f) == s->train.label[r]) correct++;
            if (++in_batch == (size_t)a->batch || i + 1 == s->train.n) {
                anne_trainer_step(t);
                in_batch = 0;
            }
        }
        res->loss = sum / (double)s->train.n;
        res->accuracy = (double)correct / (double)s->train.n;
        if (has_val) {
            sum = 0;
            if (!s->regression &&
                anne_metrics_init(vm, s->n_classes, s->confusion, (size_t)s->n_classes * s->n_classes) != ANNE_OK) {
                return anne_error_set(err, "%u classes; validation metrics count at most %u", (unsigned)s->n_classes,
                                      (unsigned)ANNE_MAX_CLASSES);
            }
            for (i = 0; i < s->val.n; i++) {
                float loss = 0;
                if (anne__sample(t, s, &s->val, i, 0, &loss) != 0) {
                    return anne_error_set(err, "epoch %ld: the validation loss is not finite", e);
                }
                sum += (double)loss;
                if (!s->regression) {
                    anne_metrics_update(vm, s->val.label[i], anne_output_class(s->out, s->n_outputs, 0.5f));
                }
            }
            res->val_loss = sum / (double)s->val.n;
            res->val_accuracy = s->regression ? 0 : anne_metrics_accuracy(vm);
            if (a->patience > 0) stop = anne__early_stop(s, t, e, res, &best);
        }
        if (a->progress) {
            fprintf(stderr, "epoch %ld/%ld  loss %.4f", e, a->epochs, res->loss);
            if (!s->regression) fprintf(stderr, "  accuracy %.4f", res->accuracy);
            if (has_val) fprintf(stderr, "  val_loss %.4f", res->val_loss);
            if (has_val && !s->regression) fprintf(stderr, "  val_accuracy %.4f", res->val_accuracy);
            fputc('\n', stderr);
        }
        if (a->history != NULL) {
            int n = snprintf(line, sizeof line, "%ld,%.6f", e, res->loss);
            if (!s->regression) n += snprintf(line + n, sizeof line - (size_t)n, ",%.6f", res->accuracy);
            if (has_val) n += snprintf(line + n, sizeof line - (size_t)n, ",%.6f", res->val_loss);
            if (has_val && !s->regression) n += snprintf(line + n, sizeof line - (size_t)n, ",%.6f", res->val_accuracy);
            snprintf(line + n, sizeof line - (size_t)n, "\n");
            if (anne__history_add(s, line) != 0) return anne_error_set(err, "out of memory");
        }
    }
    s->stopped_epoch = e - 1;
    if (a->patience > 0) { /* the best epoch's weights are the model, and its figures the result */
        memcpy(t->params, s->best, (size_t)t->n_params * sizeof *s->best);
        *res = best;
        if (a->progress) {
            fprintf(stderr, "%s after epoch %ld; restored the weights of epoch %ld (val_loss %.4f)\n",
                    stop ? "early stopping" : "finished", s->stopped_epoch, s->best_epoch, best.val_loss);
        }
    }
    return 0;
}

/* What pruning did: units removed, the kernels' sparsity, and (anne prune) the score before and after. */
static void anne__prune_report(const anne__train_state *s, const anne_trainer *t) {
    const char *metric = s->regression ? "RMSE" : "accuracy";
    size_t zeros, total;
    if (s->a.structured > 0) {
        printf("removed %zu hidden unit%s (%s): %llu -> %lu parameters\n", s->units_removed,
               s->units_removed == 1 ? "" : "s", anne_unit_criterion_name(s->a.criterion),
               (unsigned long long)s->params_before, (unsigned long)t->n_params);
    }
    if (s->a.have_prune) {
        anne__sparsity(t, &zeros, &total);
        printf("sparsity %.1f %% of the pruned kernels (%zu of %zu weights zero; stored dense)\n",
               total > 0 ? 100.0 * (double)zeros / (double)total : 0.0, zeros, total);
    }
    if (s->a.report) {
        printf("%s before %.4f, after %.4f (on the %s rows)\n", metric, s->before, s->after,
               s->val.n > 0 ? "validation" : "training");
    }
}

static int anne__train_json(const anne__train_state *s, const anne_trainer *t, const anne_metrics *vm,
                            const anne__epoch_result *res, size_t model_size) {
    cJSON *doc = cJSON_CreateObject();
    int bad = 0, has_val = s->val.n > 0;
    bad |= anne_cli_json_add(doc, "model", cJSON_CreateString(s->a.out));
    bad |= anne_cli_json_add(doc, "bytes", cJSON_CreateNumber((double)model_size));
    bad |= anne_cli_json_add(doc, "params", cJSON_CreateNumber((double)t->n_params));
    bad |= anne_cli_json_add(doc, "n_train", cJSON_CreateNumber((double)s->train.n));
    bad |= anne_cli_json_add(doc, "n_validation", cJSON_CreateNumber((double)s->val.n));
    bad |= anne_cli_json_add(doc, "epochs", cJSON_CreateNumber((double)s->a.epochs));
    bad |= anne_cli_json_add(doc, "epochs_run", cJSON_CreateNumber((double)s->stopped_epoch));
    bad |= anne_cli_json_add(doc, "best_epoch",
                             s->a.patience > 0 ? cJSON_CreateNumber((double)s->best_epoch) : cJSON_CreateNull());
    bad |= anne_cli_json_add(doc, "batch", cJSON_CreateNumber((double)s->a.batch));
    bad |= anne_cli_json_add(doc, "optimizer", cJSON_CreateString(anne_train_optimizer_name(t->opt.kind)));
    bad |= anne_cli_json_add(doc, "lr", anne_cli_json_float(t->opt.lr));
    bad |= anne_cli_json_add(doc, "loss_function", cJSON_CreateString(anne_loss_name(t->loss)));
    bad |= anne_cli_json_add(doc, "seed", cJSON_CreateNumber((double)s->a.seed));
    bad |= anne_cli_json_add(doc, "loss", cJSON_CreateNumber(res->loss));
    bad |= anne_cli_json_add(doc, "accuracy", s->regression ? cJSON_CreateNull() : cJSON_CreateNumber(res->accuracy));
    bad |= anne_cli_json_add(doc, "val_loss", has_val ? cJSON_CreateNumber(res->val_loss) : cJSON_CreateNull());
    bad |= anne_cli_json_add(doc, "val_accuracy",
                             has_val && !s->regression ? cJSON_CreateNumber(res->val_accuracy) : cJSON_CreateNull());
    if (s->a.have_prune) {
        size_t zeros, total;
        anne__sparsity(t, &zeros, &total);
        bad |= anne_cli_json_add(doc, "pruned_weights", cJSON_CreateNumber((double)total));
        bad |= anne_cli_json_add(doc, "zero_weights", cJSON_CreateNumber((double)zeros));
    }
    if (s->a.structured > 0) {
        bad |= anne_cli_json_add(doc, "units_removed", cJSON_CreateNumber((double)s->units_removed));
        bad |= anne_cli_json_add(doc, "criterion", cJSON_CreateString(anne_unit_criterion_name(s->a.criterion)));
    }
    if (s->a.report) {
        bad |= anne_cli_json_add(doc, "metric", cJSON_CreateString(s->regression ? "rmse" : "accuracy"));
        bad |= anne_cli_json_add(doc, "before", cJSON_CreateNumber(s->before));
        bad |= anne_cli_json_add(doc, "after", cJSON_CreateNumber(s->after));
        bad |= anne_cli_json_add(doc, "params_before", cJSON_CreateNumber((double)s->params_before));
    }
    if (has_val && !s->regression && !bad) {
        cJSON *cm = cJSON_CreateArray();
        uint16_t c, p;
        bad |= anne_cli_json_add(doc, "val_confusion_matrix", cm);
        for (c = 0; c < vm->n_classes && !bad; c++) {
            cJSON *row = cJSON_CreateArray();
            bad |= anne_cli_json_add(cm, NULL, row);
            for (p = 0; p < vm->n_classes && !bad; p++) {
                bad |= anne_cli_json_add(row, NULL, cJSON_CreateNumber((double)vm->confusion[(size_t)c * vm->n_classes + p]));
            }
        }
    }
    if (bad) {
        cJSON_Delete(doc);
        return anne_cli_fail("train", "out of memory");
    }
    return anne_cli_json_print("train", doc);
}

/* --classes: the names replace --init's (or the label texts) and the labels map through them. */
static int anne__given_classes(anne__train_state *s, anne_error *err) {
    uint16_t k;
    if (s->regression) {
        return anne_error_set(err, "--classes: a regression model (--loss mse, one output that is not sigmoid) has no "
                                   "classes");
    }
    if (anne_names_parse(s->a.classes, &s->given, &s->n_given, err) != 0) return -1;
    if (s->n_given == 0) { /* an empty list: --init's names dropped; text labels name the classes as without it */
        free(s->names);
        s->names = NULL;
        s->n_names = 0;
        return 0;
    }
    if (anne_names_check(s->n_given, s->n_outputs, err) != 0) return -1;
    free(s->names);
    s->names = calloc(s->n_given, sizeof *s->names);
    if (s->names == NULL) return anne_error_set(err, "out of memory");
    for (k = 0; k < s->n_given; k++) s->names[k] = s->given[k];
    s->n_names = s->n_given;
    return 0;
}

/* anne prune's score of model m on rows: accuracy for classes, RMSE for regression. */
static int anne__score(const anne__train_state *s, const anne_model *m, const anne_train_rows *rows, double *out,
                       anne_error *err) {
    size_t size = anne_model_arena_size(m), r, good = 0;
    void *arena = malloc(size + 4u);
    float *y = malloc((size_t)m->n_outputs * sizeof *y);
    double sq = 0;
    int rc = 0;
    if (arena == NULL || y == NULL) rc = anne_error_set(err, "out of memory");
    for (r = 0; r < rows->n && rc == 0; r++) {
        if (anne_model_predict(m, y, rows->x + r * rows->n_features, arena, size) != ANNE_OK) {
            rc = anne_error_set(err, "row %zu: the model cannot run on it", r + 1);
        } else if (s->regression) {
            sq += ((double)y[0] - (double)rows->value[r]) * ((double)y[0] - (double)rows->value[r]);
        } else {
            good += anne_output_class(y, m->n_outputs, 0.5f) == rows->label[r];
        }
    }
    *out = s->regression ? sqrt(sq / (double)rows->n) : (double)good / (double)rows->n;
    free(arena);
    free(y);
    return rc;
}

/* The parameters of a dense chain: kernels, biases, prelu alphas. */
static uint64_t anne__params(const anne_model *m) {
    uint64_t n = 0;
    uint16_t i;
    anne_layer l;
    for (i = 0; i < m->n_layers; i++) {
        if (anne_model_layer(m, i, &l) != ANNE_OK) continue;
        n += (uint64_t)l.n_in * l.n_out + (l.bias != NULL ? l.n_out : 0u) + (l.act_data != NULL ? l.n_out : 0u);
    }
    return n;
}

/* anne prune --structured: the loaded model with a fraction of every hidden layer's units removed
 * becomes the one to fine-tune; the original stays for the report. */
static int anne__shrink(anne__train_state *s, anne_error *err) {
    anne_ir ir;
    anne_status st;
    int rc;
    if (s->graph.graph.n_ops > 0) {
        return anne_error_set(err, "%s: --structured removes units of dense chains; this is a graph model (its dense "
                              "head can be pruned by magnitude without --structured)", s->a.init);
    }
    if (anne_ir_from_model(&ir, &s->init.model, err) != 0) return -1;
    rc = anne_prune_units(&ir, &s->init.model, &s->train, s->a.structured, s->a.criterion, &s->units_removed, err);
    s->original = s->init;
    memset(&s->init, 0, sizeof s->init);
    if (rc == 0) rc = anne_ir_serialize(&ir, &s->init.bytes, &s->init.size, err);
    anne_ir_free(&ir);
    if (rc != 0) return anne_error_prefix(err, "%s", s->a.init);
    st = anne_model_load(&s->init.model, s->init.bytes, s->init.size);
    if (st != ANNE_OK) return anne_error_set(err, "%s: the model without its pruned units: %s", s->a.init, anne_status_str(st));
    return 0;
}

static int anne__oom(anne_error *err) {
    anne_error_set(err, "out of memory");
    return 1;
}

static int anne__train_run(anne__train_state *s, anne_error *err) {
    anne__train_args *a = &s->a;
    anne_train_config cfg;
    anne_trainer t;
    anne_metrics vm;
    anne__epoch_result res;
    anne_status st;
    size_t arena_size, model_size, l;
    uint16_t bad = 0;
    int has_val;
    const char *name;

    memset(&vm, 0, sizeof vm);
    memset(&res, 0, sizeof res);
    if (anne__setup_network(s, err) != 0) return 1;
    cfg.loss = a->have_loss ? a->loss : anne_train_default_loss(s->last_act, s->n_outputs);
    s->regression = cfg.loss == ANNE_LOSS_MSE && s->n_outputs == 1 && s->last_act != ANNE_ACT_SIGMOID &&
                    s->last_act != ANNE_ACT_HARD_SIGMOID && s->last_act != ANNE_ACT_HARD_SIGMOID_K3;
    if (a->classes != NULL && anne__given_classes(s, err) != 0) return 1;
    if (anne__load_rows(s, &s->csv, a->data, &s->labels, s->names, s->n_names, &s->all, err) != 0) {
        return 1;
    }
    if (s->n_inputs == 0) s->n_inputs = s->all.n_features;
    if (!s->regression && anne__setup_classes(s, err) != 0) return 1;

    /* validation rows: a second file (classes mapped as in training) or a held-out part */
    if (a->validation != NULL) {
        s->train = s->all;
        memset(&s->all, 0, sizeof s->all);
        if (anne__load_rows(s, &s->vcsv, a->validation, &s->vlabels, s->names, s->regression ? 0 : s->n_classes, &s->val,
                            err) != 0) {
            return 1;
        }
    } else if (a->have_split) {
        if (anne_train_rows_split(&s->all, a->split, a->seed, &s->train, &s->val, err) != 0) return 1;
    } else {
        s->train = s->all;
        memset(&s->all, 0, sizeof s->all);
    }
    has_val = s->val.n > 0;
    if (a->report) {
        if (anne__score(s, &s->init.model, has_val ? &s->val : &s->train, &s->before, err) != 0) return 1;
        s->params_before = anne__params(&s->init.model);
    }
    if (a->structured > 0 && anne__shrink(s, err) != 0) return 1;

    anne_optimizer_defaults(&cfg.optimizer, a->optimizer);
    if (a->have_lr) cfg.optimizer.lr = a->lr;
    cfg.seed = a->seed;
    if (a->init != NULL) {
        st = anne_trainer_arena_size_model(&s->init.model, cfg.optimizer.kind, &arena_size);
    } else {
        anne_model_desc d;
        memset(&d, 0, sizeof d);
        s->layers = calloc(s->n_spec, sizeof *s->layers);
        if (s->layers == NULL) return anne__oom(err);
        for (l = 0; l < s->n_spec; l++) {
            s->layers[l].kind = ANNE_LAYER_DENSE;
            s->layers[l].dtype = ANNE_DTYPE_F32;
            s->layers[l].activation = s->spec[l].activation;
            memcpy(s->layers[l].param, s->spec[l].param, sizeof s->layers[l].param);
            s->layers[l].n_in = l == 0 ? s->n_inputs : s->spec[l - 1].units;
            s->layers[l].n_out = s->spec[l].units;
        }
        d.n_inputs = s->n_inputs;
        d.n_layers = (uint16_t)s->n_spec;
        d.layers = s->layers;
        if (a->scaling != ANNE_SCALING_NONE) {
            s->scale_a = malloc(s->n_inputs * sizeof *s->scale_a);
            s->scale_b = malloc(s->n_inputs * sizeof *s->scale_b);
            if (s->scale_a == NULL || s->scale_b == NULL) return anne__oom(err);
            if (anne_train_fit_scaling(a->scaling, &s->train, s->scale_a, s->scale_b, &bad) != 0) {
                anne_error_set(err, "feature %u: its values span more than a float can hold, so --%s cannot scale it",
                               (unsigned)bad + 1u, a->scaling == ANNE_SCALING_MINMAX ? "minmax" : "standardize");
                return 1;
            }
            d.scaling.kind = a->scaling;
            d.scaling.a = s->scale_a;
            d.scaling.b = s->scale_b;
        }
        st = anne_trainer_arena_size(&d, cfg.optimizer.kind, &arena_size);
        if (st == ANNE_OK) {
            s->arena = malloc(arena_size);
            if (s->arena == NULL) return anne__oom(err);
            st = anne_trainer_init(&t, &d, &cfg, s->arena, arena_size);
        }
    }
    if (a->init != NULL && st == ANNE_OK) {
        s->arena = malloc(arena_size);
        if (s->arena == NULL) return anne__oom(err);
        st = anne_trainer_init_model(&t, &s->init.model, &cfg, s->arena, arena_size);
    }
    if (st != ANNE_OK) {
        anne_error_set(err, "cannot train this network: %s", anne_status_str(st));
        return 1;
    }
    for (l = 0; l < (size_t)a->freeze; l++) anne_trainer_set_trainable(&t, (uint16_t)l, 0);
    if (a->have_prune) anne__prune_setup(s, &t);

    s->out = malloc(s->n_outputs * sizeof *s->out);
    s->order = malloc(s->train.n * sizeof *s->order);
    if (has_val && !s->regression) s->confusion = calloc((size_t)s->n_classes * s->n_classes, sizeof *s->confusion);
    if (s->out == NULL || s->order == NULL || (has_val && !s->regression && s->confusion == NULL)) return anne__oom(err);
    if (a->patience > 0 && (s->best = malloc((size_t)t.n_params * sizeof *s->best + 1u)) == NULL) return anne__oom(err);
    if (anne__train_loop(s, &t, &vm, &res, err) != 0) return 1;

    /* the model and the history: committed together, nothing half-written on failure */
    name = a->name != NULL ? a->name : s->init.bytes ? s->init.model.name : NULL;
    st = anne_trainer_write(&t, name, s->names ? s->n_classes : 0, s->names, NULL, 0, &model_size);
    if (st == ANNE_OK) {
        s->model_bytes = malloc(model_size);
        if (s->model_bytes == NULL) return anne__oom(err);
        st = anne_trainer_write(&t, name, s->names ? s->n_classes : 0, s->names, s->model_bytes, model_size, &model_size);
    }
    if (st != ANNE_OK) {
        anne_error_set(err, "%s: writing the trained model failed: %s", a->out, anne_status_str(st));
        return 1;
    }
    if (a->report) {
        anne_model after;
        if (anne_model_load(&after, s->model_bytes, model_size) != ANNE_OK ||
            anne__score(s, &after, has_val ? &s->val : &s->train, &s->after, err) != 0) {
            anne_error_set(err, "%s: the pruned model cannot be scored", a->out);
            return 1;
        }
    }
    if (s->graph.graph.n_ops > 0) { /* the trained head back into the graph */
        unsigned char *whole;
        if (anne_names_apply(&s->graph.graph, a->name, NULL, err) != 0) return 1;
        if (anne_train_graph_join(&s->graph, s->model_bytes, model_size, &whole, &model_size, err) != 0) {
            anne_error_prefix(err, "%s", a->out);
            return 1;
        }
        free(s->model_bytes);
        s->model_bytes = whole;
    }
    {
        /* together: neither replaced unless both are written (a history that cannot be written
         * leaves the old model in place) */
        anne_file_output outs[2];
        outs[0].path = a->out;
        outs[0].data = s->model_bytes;
        outs[0].size = model_size;
        outs[1].path = a->history;
        outs[1].data = s->history;
        outs[1].size = s->history_len;
        if (anne_file_write_all(outs, a->history != NULL ? 2u : 1u, err) != 0) return 1;
    }

    if (a->json) return anne__train_json(s, &t, &vm, &res, model_size);
    if (a->patience > 0) {
        if (s->stopped_epoch < a->epochs) {
            printf("early stopping: val_loss not lower than epoch %ld's for %ld epochs: stopped after epoch %ld\n",
                   s->best_epoch, a->patience, s->stopped_epoch);
        }
        printf("restored the weights of epoch %ld (lowest val_loss %.4f)\n", s->best_epoch, res.val_loss);
    }
    printf("trained %ld epoch%s on %zu rows (%s, batch %ld, lr %g, %s): loss %.4f", s->stopped_epoch,
           s->stopped_epoch == 1 ? "" : "s",
           s->train.n, anne_train_optimizer_name(t.opt.kind), a->batch, (double)t.opt.lr, anne_loss_name(t.loss),
           res.loss);
    if (!s->regression) printf(", accuracy %.4f", res.accuracy);
    if (has_val) {
        printf("; validation (%zu rows): loss %.4f", s->val.n, res.val_loss);
        if (!s->regression) printf(", accuracy %.4f", res.val_accuracy);
    }
    printf("\n");
    anne__prune_report(s, &t);
    printf("wrote %s (%zu bytes, %lu parameters)\n", a->out, model_size, (unsigned long)t.n_params);
    return anne_cli_flush("train");
}

int anne_train_main(const anne_train_args *a, const char *cmd) {
    anne__train_state s;
    anne_error err;
    int rc;
    memset(&s, 0, sizeof s);
    s.a = *a;
    err.msg[0] = '\0';
    rc = anne__train_run(&s, &err);
    anne__train_free(&s);
    if (rc != 0 && err.msg[0] != '\0') return anne_cli_fail(cmd, err.msg);
    return rc;
}

int anne_cmd_train(int argc, char **argv) {
    anne_train_args a;
    int rc = anne__train_parse(argc, argv, &a);
    return rc >= 0 ? rc : anne_train_main(&a, "train");
}
