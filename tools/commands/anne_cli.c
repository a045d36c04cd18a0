/* Helpers shared by the commands: the argument parser, models, CSV features, JSON output. */
#include "anne_cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"

int anne_cli_model_open(anne_cli_model *m, const char *path, anne_error *err) {
    const anne_model *model;
    uint16_t k;
    memset(m, 0, sizeof *m);
    if (anne_loaded_open(&m->loaded, path, err) != 0) return -1;
    model = &m->loaded.model;
    {
        anne_model_io first;
        anne_model_output(model, 0, &first);
        m->class_values = (uint16_t)first.values;
    }
    m->n_classes = m->class_values == 1 ? 2u : m->class_values;
    m->arena_bytes = anne_model_arena_size(model);
    if (m->arena_bytes < sizeof(float)) m->arena_bytes = sizeof(float);
    m->arena = malloc(m->arena_bytes); /* malloc is aligned for float */
    m->out = malloc((size_t)model->n_outputs * sizeof *m->out);
    if (m->arena == NULL || m->out == NULL) {
        anne_cli_model_close(m);
        return anne_error_set(err, "%s: out of memory", path);
    }
    if (model->n_classes != 0) { /* the loader checked the count equals m->n_classes */
        m->class_names = calloc(model->n_classes, sizeof *m->class_names);
        if (m->class_names == NULL) {
            anne_cli_model_close(m);
            return anne_error_set(err, "%s: out of memory", path);
        }
        for (k = 0; k < model->n_classes; k++) m->class_names[k] = anne_model_class_name(model, k);
    }
    return 0;
}

void anne_cli_model_close(anne_cli_model *m) {
    if (m == NULL) return;
    anne_loaded_close(&m->loaded);
    free(m->arena);
    free(m->out);
    free(m->class_names);
    memset(m, 0, sizeof *m);
}

int anne_cli_model_predict(anne_cli_model *m, float *output, const float *input, anne_error *err) {
    anne_status st = anne_model_predict(&m->loaded.model, output, input, m->arena, m->arena_bytes);
    if (st != ANNE_OK) return anne_error_set(err, "running the model failed: %s", anne_status_str(st));
    return 0;
}

int anne_cli_parse_fraction(const char *text, void *out) {
    double f;
    /* a double: 0.2 as a float is 0.200000003, and 0.200000003 x 900 rounds differently */
    if (anne_csv_number(text, &f) != 0 || !(f > 0.0 && f < 1.0)) return -1;
    *(double *)out = f;
    return 0;
}

int anne_cli_parse_seed(const char *text, void *out) {
    char *end;
    long v;
    errno = 0;
    v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 0x7FFFFFFFL) return -1;
    *(uint32_t *)out = (uint32_t)v;
    return 0;
}

int anne_cli_parse_task(const char *text, void *out) {
    anne_cli_task *t = out;
    if (strcmp(text, "classification") == 0) *t = ANNE_CLI_TASK_CLASSIFICATION;
    else if (strcmp(text, "regression") == 0) *t = ANNE_CLI_TASK_REGRESSION;
    else return -1;
    return 0;
}

int anne_cli_output_activation(const anne_model *m, anne_activation *act) {
    if (m->op_table != NULL) {
        anne_model_io first;
        anne_op op; /* the op that writes the first output: tensors after the inputs are written in op order */
        if (anne_model_output(m, 0, &first) != ANNE_OK || first.tensor < m->n_input_tensors ||
            anne_model_op(m, (uint16_t)(first.tensor - m->n_input_tensors), &op) != ANNE_OK) {
            return -1;
        }
        *act = op.activation;
    } else {
        anne_layer last;
        if (m->n_layers == 0 || anne_model_layer(m, (uint16_t)(m->n_layers - 1u), &last) != ANNE_OK) return -1;
        *act = last.activation;
    }
    return 0;
}

int anne_cli_regression(const anne_model *m, anne_cli_task task) {
    anne_activation act;
    if (task != ANNE_CLI_TASK_AUTO) return task == ANNE_CLI_TASK_REGRESSION;
    /* class names say "classes" whatever the activation (a logit classifier given --classes); one linear
     * output without them is a value (TFLM's sine model, anne train --loss mse) */
    return m->n_classes == 0 && m->n_outputs == 1 && anne_cli_output_activation(m, &act) == 0 &&
           act == ANNE_ACT_LINEAR;
}

int anne_cli_dense_only(const anne_model *m, const char *path, const char *what, anne_error *err) {
    if (m->op_table == NULL) return 0;
    return anne_error_set(err, "%s: a graph model (convolutions, pooling, merges): %s", path, what);
}

int anne_cli_dense_only_file(const char *path, const char *what, anne_error *err) {
    unsigned char *bytes;
    size_t size;
    anne_model m;
    anne_error ignored;
    int rc = 0;
    if (anne_file_read(path, &bytes, &size, &ignored) != 0) return 0;
    if (size >= 4 && memcmp(bytes, "ANNE", 4) == 0 && anne_model_load(&m, bytes, size) == ANNE_OK) {
        rc = anne_cli_dense_only(&m, path, what, err);
    }
    free(bytes);
    return rc;
}

int anne_cli_features(const anne_csv *t, size_t label_col, uint16_t n_inputs, float **x, anne_error *err) {
    size_t n_features = t->n_cols - (label_col < t->n_cols ? 1u : 0u);
    *x = NULL;
    if (n_features != n_inputs) {
        if (label_col < t->n_cols) {
            return anne_error_set(
                err, "%s: %zu feature column%s (all but the label column \"%s\"), but the model has %u input%s",
                t->path, n_features, n_features == 1u ? "" : "s", t->cols[label_col].name, (unsigned)n_inputs,
                n_inputs == 1u ? "" : "s");
        }
        return anne_error_set(err, "%s: %zu feature column%s, but the model has %u input%s", t->path, n_features,
                              n_features == 1u ? "" : "s", (unsigned)n_inputs, n_inputs == 1u ? "" : "s");
    }
    if (t->n_rows == 0) return anne_error_set(err, "%s: no data rows (only a header)", t->path);
    return anne_csv_features(t, label_col, x, &n_features, err);
}

int anne_cli_read_features(anne_csv *t, const char *path, unsigned csv_flags, const char *label, uint16_t n_inputs,
                           size_t max_rows, size_t *label_col, float **x, anne_error *err) {
    anne_csv head;
    *label_col = ANNE_CSV_NO_COLUMN;
    *x = NULL;
    if (anne_csv_read_ex(t, path, csv_flags, err) != 0) return -1;
    if (label != NULL && anne_csv_find(t, label, label_col, err) != 0) return -1;
    head = *t; /* the same table, its first rows only: the arrays are indexed by row */
    if (head.n_rows > max_rows) head.n_rows = max_rows;
    return anne_cli_features(&head, *label_col, n_inputs, x, err);
}

int anne_cli_targets(const anne_csv *t, size_t col, double **y, anne_error *err) {
    size_t r;
    *y = malloc((t->n_rows ? t->n_rows : 1u) * sizeof **y);
    if (*y == NULL) return anne_error_set(err, "out of memory");
    for (r = 0; r < t->n_rows; r++) {
        const char *v = anne_csv_value(t, r, col);
        if (anne_csv_number(v, &(*y)[r]) != 0) {
            free(*y);
            *y = NULL;
            return anne_error_set(err, "%s: line %zu, column \"%s\": \"%.40s\" is not a number (a regression model's "
                                       "target: the model has one linear output and no class names; --task "
                                       "classification scores it as classes)",
                                  t->path, anne_csv_line(t, r), t->cols[col].name, v);
        }
    }
    return 0;
}

/* Matches argv[*i] against option `name` ("--label"), written "--label VALUE" or "--label=VALUE".
 * Returns 0 when it is another argument, 1 with *value set (and *i advanced past a separate value),
 * -1 when the value is missing. */
static int anne__cli_option(int argc, char **argv, int *i, const char *name, const char **value) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *i += 1;
    *value = argv[*i];
    return 1;
}

static int anne__cli_verror(const anne_cli_spec *spec, const char *fmt, va_list ap) {
    fprintf(stderr, "anne %s: ", spec->cmd);
    vfprintf(stderr, fmt, ap);
    if (spec->usage != NULL) {
        fprintf(stderr, "\nusage: %s\n(anne %s --help for more)\n", spec->usage, spec->cmd);
    } else {
        fprintf(stderr, "\n\n");
        spec->help(stderr);
    }
    return 2;
}

int anne_cli_spec_error(const anne_cli_spec *spec, const char *fmt, ...) {
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = anne__cli_verror(spec, fmt, ap);
    va_end(ap);
    return rc;
}

/* An error message from an option table: its text with the value in place of an optional "%s". */
static int anne__cli_opt_error(const anne_cli_spec *spec, const anne_cli_opt *o, const char *value) {
    const char *s = strstr(o->error, "%s");
    if (s == NULL) return anne_cli_spec_error(spec, "%s", o->error);
    return anne_cli_spec_error(spec, "%.*s%s%s", (int)(s - o->error), o->error, value, s + 2);
}

/* Handles argv[*i], an option: 0 when it was one of the table's (stored), else an exit code. */
static int anne__cli_one(const anne_cli_spec *spec, int argc, char **argv, int *i) {
    const anne_cli_opt *o;
    for (o = spec->opts; o != NULL && o->name != NULL; o++) {
        const char *v = NULL;
        int r = 0;
        if (o->flag != NULL) {
            if (strcmp(argv[*i], o->name) != 0 && (o->alias == NULL || strcmp(argv[*i], o->alias) != 0)) continue;
            *o->flag = o->flag_value;
            return 0;
        }
        r = anne__cli_option(argc, argv, i, o->name, &v);
        if (r == 0 && o->alias != NULL) r = anne__cli_option(argc, argv, i, o->alias, &v);
        if (r == 0) continue;
        if (r < 0 || (o->parse != NULL && o->parse(v, o->out) != 0)) {
            return anne__cli_opt_error(spec, o, r < 0 ? "" : v);
        }
        if (o->value != NULL) *o->value = v;
        return 0;
    }
    return anne_cli_spec_error(spec, "unknown option '%s'", argv[*i]);
}

int anne_cli_parse(const anne_cli_spec *spec, int argc, char **argv, int *n_pos) {
    int i, opts = 1, rc;
    *n_pos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts && strcmp(a, "--") == 0) {
            opts = 0;
        } else if (opts && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                spec->help(stdout);
                return 0;
            }
            if ((rc = anne__cli_one(spec, argc, argv, &i)) != 0) return rc;
        } else if (*n_pos == spec->max_pos) {
            return anne_cli_spec_error(spec, spec->extra, a);
        } else {
            spec->pos[(*n_pos)++] = a;
        }
    }
    return -1;
}

int anne_cli_parse_float_opt(const char *text, void *out) {
    return anne_cli_parse_float(text, (float *)out);
}

int anne_cli_parse_float(const char *s, float *out) {
    char *end;
    double v;
    if (*s == '\0') return -1;
    v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || fabs(v) > 3.4028234663852886e38) return -1;
    *out = (float)v;
    return 0;
}

int anne_cli_fail(const char *cmd, const char *msg) {
    fprintf(stderr, "anne %s: %s\n", cmd, msg);
    return 1;
}

const char *anne_cli_format_float(char *buf, float v) {
    int p;
    for (p = 6; p < 9; p++) {
        snprintf(buf, 32, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v) return buf;
    }
    snprintf(buf, 32, "%.9g", (double)v); /* 9 significant digits always read back exactly */
    return buf;
}

cJSON *anne_cli_json_float(float v) {
    char buf[32];
    if (!isfinite(v)) return cJSON_CreateNull();
    return cJSON_CreateRaw(anne_cli_format_float(buf, v));
}

int anne_cli_json_add(cJSON *obj, const char *key, cJSON *item) {
    cJSON_bool ok;
    if (obj == NULL || item == NULL) {
        cJSON_Delete(item);
        return -1;
    }
    ok = key != NULL ? cJSON_AddItemToObject(obj, key, item) : cJSON_AddItemToArray(obj, item);
    if (!ok) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

int anne_cli_json_print(const char *cmd, cJSON *doc) {
    char *text = doc != NULL ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (text == NULL) return anne_cli_fail(cmd, "out of memory");
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return 0;
}

int anne_cli_flush(const char *cmd) {
    if (fflush(stdout) != 0 || ferror(stdout)) return anne_cli_fail(cmd, "cannot write the output");
    return 0;
}
