/* Graph models against a framework's own outputs (graph_references.h). */
#include "graph_references.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_import.h"
#include "test_support.h"

/* The failures of a run, one line each. */
typedef struct failures {
    char *text;     /* malloc'd, NUL-terminated; NULL while empty */
    size_t len, cap;
    size_t count;   /* failing models */
} failures;

static void failures_add(failures *f, const char *fmt, ...) {
    char line[1400];
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (f->len + n + 2 > f->cap) {
        size_t cap = 2 * (f->len + n + 2);
        char *p = realloc(f->text, cap);
        assert_non_null(p);
        f->text = p;
        f->cap = cap;
    }
    memcpy(f->text + f->len, line, n);
    f->len += n;
    f->text[f->len++] = '\n';
    f->text[f->len] = '\0';
    f->count++;
}

/* The number of values of a shape (a JSON array of dimensions without the batch axis); 0 when it is
 * not an array of positive integers. */
static size_t shape_values(const cJSON *shape) {
    const cJSON *d;
    size_t n = 1;
    if (!cJSON_IsArray(shape) || cJSON_GetArraySize(shape) == 0) return 0;
    cJSON_ArrayForEach(d, shape) {
        if (!cJSON_IsNumber(d) || d->valuedouble < 1 || d->valuedouble != floor(d->valuedouble)) return 0;
        n *= (size_t)d->valuedouble;
    }
    return n;
}

/* Whether the model's inputs (outputs: 1) have the shapes io.json gives ("input_shape", or for several
 * "input_shapes", in the model's order); *values gets their values side by side (0: no shapes). */
static int io_shapes_match(const anne_model *m, const cJSON *io, int outputs, size_t *values) {
    const cJSON *one = cJSON_GetObjectItem(io, outputs ? "output_shape" : "input_shape");
    const cJSON *list = cJSON_GetObjectItem(io, outputs ? "output_shapes" : "input_shapes"), *shape;
    size_t k = 0, n = outputs ? m->n_output_tensors : m->n_input_tensors;
    int ok = 1;
    *values = 0;
    if (one != NULL) {
        *values = shape_values(one);
        return n == 1;
    }
    if (!cJSON_IsArray(list)) return 0;
    cJSON_ArrayForEach(shape, list) {
        anne_model_io part;
        const cJSON *d;
        size_t j = 0;
        if (shape_values(shape) == 0) {
            *values = 0;
            return 0;
        }
        *values += shape_values(shape);
        if (k >= n || (outputs ? anne_model_output(m, (uint16_t)k, &part) : anne_model_input(m, (uint16_t)k, &part)) != ANNE_OK ||
            part.rank != (size_t)cJSON_GetArraySize(shape)) {
            ok = 0;
        } else {
            cJSON_ArrayForEach(d, shape) ok &= part.dims[j++] == (uint16_t)d->valuedouble;
        }
        k++;
    }
    return ok && k == n;
}

/* Compares the model's predictions with the framework's for every row of io; returns NULL when all agree, or
 * the reason (in msg) otherwise. *worst gets the largest absolute difference seen. */
static const char *compare_rows(const anne_graph_refs *refs, const char *name, const anne_model *m, const cJSON *io,
                                double *worst, char *msg, size_t msg_size) {
    const cJSON *inputs = cJSON_GetObjectItem(io, "inputs"), *outputs = cJSON_GetObjectItem(io, "outputs"), *row;
    size_t in_values, out_values;
    int in_match = io_shapes_match(m, io, 0, &in_values), out_match = io_shapes_match(m, io, 1, &out_values);
    size_t r = 0, bad = 0, first_row = 0, first_out = 0;
    double first_got = 0, first_want = 0;
    float *x, *y;
    void *arena;
    if (in_values == 0 || out_values == 0 || !cJSON_IsArray(inputs) || !cJSON_IsArray(outputs) ||
        cJSON_GetArraySize(inputs) == 0 || cJSON_GetArraySize(inputs) != cJSON_GetArraySize(outputs)) {
        snprintf(msg, msg_size, "%s: io.json: no input and output shapes, or not as many inputs as outputs", name);
        return msg;
    }
    if (!in_match || !out_match) {
        snprintf(msg, msg_size, "%s: the model's %u inputs and %u outputs do not have the shapes %s gives", name,
                 (unsigned)m->n_input_tensors, (unsigned)m->n_output_tensors, refs->framework);
        return msg;
    }
    if (m->n_inputs != in_values || m->n_outputs != out_values) {
        snprintf(msg, msg_size, "%s: the model has %u inputs and %u outputs; %s's shapes give %zu and %zu", name,
                 (unsigned)m->n_inputs, (unsigned)m->n_outputs, refs->framework, in_values, out_values);
        return msg;
    }
    x = malloc(in_values * sizeof *x);
    y = malloc(out_values * sizeof *y);
    arena = malloc(m->arena_bytes > 0 ? m->arena_bytes : 4); /* malloc's memory is aligned for float */
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(arena);
    msg[0] = '\0';
    cJSON_ArrayForEach(row, inputs) {
        const cJSON *e, *want = cJSON_GetArrayItem(outputs, (int)r);
        size_t i = 0;
        anne_status st;
        r++;
        if ((size_t)cJSON_GetArraySize(row) != in_values || (size_t)cJSON_GetArraySize(want) != out_values) {
            snprintf(msg, msg_size, "%s: io.json sample %zu: %d inputs and %d outputs; the shapes give %zu and %zu",
                     name, r, cJSON_GetArraySize(row), cJSON_GetArraySize(want), in_values, out_values);
            break;
        }
        cJSON_ArrayForEach(e, row) x[i++] = (float)e->valuedouble;
        st = anne_model_predict(m, y, x, arena, m->arena_bytes);
        if (st != ANNE_OK) {
            snprintf(msg, msg_size, "%s: sample %zu: anne_model_predict: %s", name, r, anne_status_str(st));
            break;
        }
        i = 0;
        cJSON_ArrayForEach(e, want) {
            double w = (double)(float)e->valuedouble; /* the float32 the framework gave */
            double d = fabs((double)y[i] - w);
            double tol = 1e-5 * (fabs(w) > 1 ? fabs(w) : 1);
            if (!(d <= tol)) {
                if (bad++ == 0) {
                    first_row = r;
                    first_out = i + 1;
                    first_got = (double)y[i];
                    first_want = w;
                }
            } else if (d > *worst) {
                *worst = d;
            }
            i++;
        }
    }
    if (msg[0] == '\0' && bad > 0) {
        snprintf(msg, msg_size, "%s: sample %zu output %zu: ANNE %.9g, %s %.9g (%zu of %zu values differ by more "
                 "than 1e-5)", name, first_row, first_out, first_got, refs->framework, first_want, bad, r * out_values);
    }
    free(arena);
    free(y);
    free(x);
    return msg[0] != '\0' ? msg : NULL;
}

/* For a model of refs->refused: whether the import fails naming it; adds a line to f otherwise. */
static int check_refusal(const anne_graph_refs *refs, failures *f, const char *name, const char *path) {
    size_t k;
    anne_ir ir;
    anne_error err;
    for (k = 0; k < refs->n_refused; k++) {
        if (strcmp(refs->refused[k].name, name) != 0) continue;
        if (anne_import(&ir, path, &err) == 0) {
            anne_ir_free(&ir);
            failures_add(f, "%s: converted; expected a refusal with \"%s\"", name, refs->refused[k].message);
        } else if (strstr(err.msg, refs->refused[k].message) == NULL) {
            failures_add(f, "%s: refused with \"%s\"; expected \"%s\"", name, err.msg, refs->refused[k].message);
        }
        return 1;
    }
    return 0;
}

/* Imports, serializes, loads and runs one model; adds one line to f when any step fails. */
static void check_model(const anne_graph_refs *refs, failures *f, const char *name, double *worst) {
    char path[1200], msg[1400];
    anne_ir ir;
    anne_error err;
    unsigned char *bytes = NULL;
    size_t size = 0;
    anne_model m;
    anne_status st;
    cJSON *io;
    const char *why;
    snprintf(path, sizeof path, "%s/%s/%s", anne_test_path(refs->dir), name, refs->file);
    if (check_refusal(refs, f, name, path)) return;
    if (anne_import(&ir, path, &err) != 0) {
        failures_add(f, "%s: anne_import: %s", name, err.msg);
        return;
    }
    if (anne_ir_serialize(&ir, &bytes, &size, &err) != 0) {
        failures_add(f, "%s: anne_ir_serialize: %s", name, err.msg);
        anne_ir_free(&ir);
        return;
    }
    anne_ir_free(&ir);
    st = anne_model_load(&m, bytes, size);
    if (st != ANNE_OK) {
        failures_add(f, "%s: anne_model_load: %s", name, anne_status_str(st));
        free(bytes);
        return;
    }
    snprintf(path, sizeof path, "%s/%s/io.json", anne_test_path(refs->dir), name);
    io = anne_test_read_json(path);
    why = compare_rows(refs, name, &m, io, worst, msg, sizeof msg);
    if (why != NULL) failures_add(f, "%s", why);
    cJSON_Delete(io);
    free(bytes);
}

void anne_graph_refs_check(const anne_graph_refs *refs) {
    char index_path[1200];
    cJSON *index, *model;
    failures f = {NULL, 0, 0, 0};
    size_t n = 0;
    double worst = 0;
    snprintf(index_path, sizeof index_path, "%s/index.json", anne_test_path(refs->dir));
    index = anne_test_read_json(index_path);
    cJSON_ArrayForEach(model, cJSON_GetObjectItem(index, "models")) {
        const cJSON *name = cJSON_GetObjectItem(model, "name");
        assert_true(cJSON_IsString(name));
        check_model(refs, &f, name->valuestring, &worst);
        n++;
    }
    cJSON_Delete(index);
    assert_true(n >= refs->min_models); /* the index lists every model the generator writes */
    if (f.count > 0) {
        /* stdout directly: cmocka's print_message() cuts a message at 1 KB */
        fputs(f.text, stdout);
        fflush(stdout);
        free(f.text);
        fail_msg("%zu of %zu %s graph models do not reproduce %s (listed above)", f.count, n, refs->framework,
                 refs->framework);
    }
    print_message("%zu %s graph models: worst absolute difference %.3g\n", n, refs->framework, worst);
}
