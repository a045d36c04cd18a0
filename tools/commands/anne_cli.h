/* Helpers shared by the commands: the table-driven argument parser and its messages, opening a model
 * with its arena, class names, CSV features, JSON output. */
#ifndef ANNE_CLI_H
#define ANNE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "anne.h"
#include "anne_csv.h"
#include "anne_error.h"
#include "anne_ir.h"

/* A model ready to run, with its working memory. */
typedef struct anne_cli_model {
    anne_loaded loaded;
    float *arena;               /* anne_model_arena_size() bytes (at least 4) */
    size_t arena_bytes;
    float *out;                 /* (n_outputs): room for one result */
    uint16_t class_values;      /* the values that give the class: the first output's (all of them for a
                                   model with one output) */
    uint16_t n_classes;         /* classes they stand for: 2 for one value, else class_values */
    const char **class_names;   /* (n_classes) pointers into the model, or NULL when it has none */
} anne_cli_model;

int anne_cli_model_open(anne_cli_model *m, const char *path, anne_error *err);
void anne_cli_model_close(anne_cli_model *m);

/* Runs the model on one raw input; output holds n_outputs floats. */
int anne_cli_model_predict(anne_cli_model *m, float *output, const float *input, anne_error *err);

/* Whether a command treats the model's output as classes or as a value (docs/cli.md, "Classification
 * or regression"). --task forces one; AUTO decides by the model: regression when it has no class names
 * and one output whose activation (the last layer's, or a graph's last op's) is linear. */
typedef enum anne_cli_task {
    ANNE_CLI_TASK_AUTO = 0,
    ANNE_CLI_TASK_CLASSIFICATION,
    ANNE_CLI_TASK_REGRESSION
} anne_cli_task;

/* anne_cli_opt.parse for --task (out: anne_cli_task *): "classification" or "regression". */
int anne_cli_parse_task(const char *text, void *out);
#define ANNE_CLI_TASK_ERROR "--task must be classification or regression, got \"%s\""

/* The activation of the model's (first) output: its last layer's, or that of the graph op writing it. -1
 * when the model has neither (cannot happen for a loaded model). */
int anne_cli_output_activation(const anne_model *m, anne_activation *act);

/* 1 when the model is run as a regression model under task, else 0. */
int anne_cli_regression(const anne_model *m, anne_cli_task task);

/* The refusal of a graph model (format 2.0) by a command that handles dense chains only in this
 * version: 0 for a dense chain, else -1 with "PATH: a graph model (convolutions, pooling, merges):
 * WHAT" in err (WHAT says which command and what to do instead). For a command's model once loaded. */
int anne_cli_dense_only(const anne_model *m, const char *path, const char *what, anne_error *err);

/* The same for PATH before a command imports it: -1 (err set) when PATH is an .anne file holding a graph
 * model, else 0 (a file that cannot be read, or any other format: the command's import reports it). */
int anne_cli_dense_only_file(const char *path, const char *what, anne_error *err);

/* The feature matrix of a CSV file for a model with n_inputs inputs: every column but label_col
 * (ANNE_CSV_NO_COLUMN: none). Errors when the column count differs (naming both numbers), when the
 * file has no data rows, and on any value that is not a number. *x: (n_rows, n_inputs), malloc'd. */
int anne_cli_features(const anne_csv *t, size_t label_col, uint16_t n_inputs, float **x, anne_error *err);

/* Reads the CSV file at path (anne_csv_read_ex(): "-" for standard input, csv_flags ANNE_CSV_NO_HEADER)
 * and its feature matrix for a model with n_inputs inputs, as `predict` takes
 * it: every column but the label column (label: its name, or NULL for none; *label_col receives its
 * index or ANNE_CSV_NO_COLUMN), of the first max_rows data rows (SIZE_MAX: all; later rows are not
 * read as numbers). Errors as anne_csv_read(), anne_csv_find() and anne_cli_features() give them. *t
 * stays filled on success (anne_csv_free() it either way); *x: (min(rows, max_rows), n_inputs). */
int anne_cli_read_features(anne_csv *t, const char *path, unsigned csv_flags, const char *label, uint16_t n_inputs,
                           size_t max_rows, size_t *label_col, float **x, anne_error *err);

/* The numeric targets of a regression model: column col of every data row, as doubles (*y malloc'd,
 * (n_rows)). A value that is not a number is an error naming the line, the column and the value. */
int anne_cli_targets(const anne_csv *t, size_t col, double **y, anne_error *err);

/* One option of a command. A flag (flag != NULL) sets *flag = flag_value. An option with a value,
 * written "--name VALUE" or "--name=VALUE", stores the text in *value and/or converts it with parse
 * into out (parse returns 0, or -1 for a bad value). error: the usage error when the value is missing
 * or bad; a "%s" in it receives the value ("" when missing). */
typedef int (*anne_cli_parse_fn)(const char *text, void *out);

typedef struct anne_cli_opt {
    const char *name;           /* "--label" */
    const char *alias;          /* another spelling ("-o" for "--output"), or NULL */
    int *flag;
    int flag_value;
    const char **value;
    anne_cli_parse_fn parse;
    void *out;
    const char *error;
} anne_cli_opt;

/* A command's arguments: options (a table ending with a NULL name), up to max_pos positionals (into
 * pos[]), "--" ends the options, -h/--help prints help(stdout). */
typedef struct anne_cli_spec {
    const char *cmd;            /* "predict" */
    const char *usage;          /* one-line usage shown after usage errors; NULL: the full help instead */
    void (*help)(FILE *out);
    const anne_cli_opt *opts;
    const char **pos;           /* (max_pos) */
    int max_pos;
    const char *extra;          /* the error for one positional too many; "%s" is the argument */
} anne_cli_spec;

/* Parses argv[1..argc-1]. Returns -1 to go on (*n_pos: positionals seen), 0 after --help, 2 after a
 * usage error (unknown option, a missing or bad value, too many positionals: message printed). */
int anne_cli_parse(const anne_cli_spec *spec, int argc, char **argv, int *n_pos);

/* A usage error of spec's command: "anne <cmd>: <message>", then the usage line (or the full help);
 * returns 2. For checks after anne_cli_parse(). */
int anne_cli_spec_error(const anne_cli_spec *spec, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The option every command that reads CSV files takes (docs/cli.md, "CSV files"), for its table of
 * anne_cli_opt: --no-header sets *flags (an int) to ANNE_CSV_NO_HEADER. */
#define ANNE_CLI_OPT_NO_HEADER(flags) {"--no-header", NULL, (flags), (int)ANNE_CSV_NO_HEADER, NULL, NULL, NULL, NULL}
#define ANNE_CLI_HELP_NO_HEADER \
    "  --no-header      the CSV files have no header row: columns are named by their index from 0\n" \
    "                   (--label 4 is the fifth column); DATA.csv - reads standard input\n"

/* Parsers for anne_cli_opt.parse: a finite float (out: float *). */
int anne_cli_parse_float_opt(const char *text, void *out);

/* A fraction strictly between 0 and 1, read as a double (out: double *): --split, --test. */
int anne_cli_parse_fraction(const char *text, void *out);

/* A seed 0..2147483647 (out: uint32_t *): --seed. */
int anne_cli_parse_seed(const char *text, void *out);

/* Parses --threshold: a finite number. Returns -1 otherwise. */
int anne_cli_parse_float(const char *s, float *out);

/* Prints "anne <cmd>: <message>" on stderr; returns 1 (the exit code of a failure). */
int anne_cli_fail(const char *cmd, const char *msg);

/* The shortest "%.<p>g" (p = 6..9) of v that reads back as the same float: 6.8f prints "6.8", not
 * "6.80000019". buf must hold 32 bytes; returns buf. */
const char *anne_cli_format_float(char *buf, float v);

/* A float as JSON: anne_cli_format_float() (reads back exactly), or null when not finite (JSON has
 * no inf/NaN). */
cJSON *anne_cli_json_float(float v);

/* Adds item to obj under key (key NULL: appends to an array). On failure (obj or item NULL: out of
 * memory earlier) deletes item and returns -1, so callers chain adds and check once. */
int anne_cli_json_add(cJSON *obj, const char *key, cJSON *item);

/* Prints a cJSON document on stdout with a final newline and frees it. Returns 0, or 1 when out
 * of memory (message printed). */
int anne_cli_json_print(const char *cmd, cJSON *doc);

/* Flushes stdout; a write error (a full disk, a closed pipe) is a failure: returns 1 with a message. */
int anne_cli_flush(const char *cmd);

#endif /* ANNE_CLI_H */
