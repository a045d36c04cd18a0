/* Helpers shared by `anne predict`, `anne eval` and `anne trace`: option matching, opening a model
 * with its arena, class names, messages. */
#ifndef ANNE_CLI_H
#define ANNE_CLI_H

#include <stddef.h>
#include <stdint.h>

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
    uint16_t n_classes;         /* classes the outputs stand for: 2 for one output, else n_outputs */
    const char **class_names;   /* (n_classes) pointers into the model, or NULL when it has none */
} anne_cli_model;

int anne_cli_model_open(anne_cli_model *m, const char *path, anne_error *err);
void anne_cli_model_close(anne_cli_model *m);

/* Runs the model on one raw input; output holds n_outputs floats. */
int anne_cli_model_predict(anne_cli_model *m, float *output, const float *input, anne_error *err);

/* The feature matrix of a CSV file for a model with n_inputs inputs: every column but label_col
 * (ANNE_CSV_NO_COLUMN: none). Errors when the column count differs (naming both numbers), when the
 * file has no data rows, and on any value that is not a number. *x: (n_rows, n_inputs), malloc'd. */
int anne_cli_features(const anne_csv *t, size_t label_col, uint16_t n_inputs, float **x, anne_error *err);

/* Matches argv[*i] against option `name` ("--label"), written "--label VALUE" or "--label=VALUE".
 * Returns 0 when it is another argument, 1 with *value set (and *i advanced past a separate value),
 * -1 when the value is missing. */
int anne_cli_option(int argc, char **argv, int *i, const char *name, const char **value);

/* Parses --threshold: a finite number. Returns -1 otherwise. */
int anne_cli_parse_float(const char *s, float *out);

/* Prints "anne <cmd>: <message>" on stderr; returns 1 (the exit code of a failure). */
int anne_cli_fail(const char *cmd, const char *msg);

/* Prints "anne <cmd>: <message>" and "usage: <usage>" on stderr; returns 2 (a usage error). */
int anne_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

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
