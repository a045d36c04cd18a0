/* Helpers shared by `anne predict`, `anne eval` and `anne trace`. */
#include "anne_cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int anne_cli_model_open(anne_cli_model *m, const char *path, anne_error *err) {
    const anne_model *model;
    uint16_t k;
    memset(m, 0, sizeof *m);
    if (anne_loaded_open(&m->loaded, path, err) != 0) return -1;
    model = &m->loaded.model;
    m->n_classes = model->n_outputs == 1 ? 2u : model->n_outputs;
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

int anne_cli_option(int argc, char **argv, int *i, const char *name, const char **value) {
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

int anne_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "anne %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n(anne %s --help for more)\n", usage, cmd);
    return 2;
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
