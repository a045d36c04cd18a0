/* The ANNE JSON importer: reads the human-editable model description (docs/anne-json.md) into the
 * IR, strictly, so that a typo is an error with its place named rather than a silently wrong model.
 * The document, its input and dense layers are read here; a graph's ops in anne_json_graph.c. */
#include "anne_json.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_json_internal.h"
#include "anne_json_limits.h"
#include "anne_ir_graph.h"

int anne_json_fail(anne_json_ctx *c, const char *fmt, ...) {
    va_list ap;
    if (c->err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
    va_end(ap);
    if (c->where[0] != '\0') anne_error_prefix(c->err, "%s", c->where);
    if (c->path != NULL) anne_error_prefix(c->err, "%s", c->path);
    return -1;
}

/* A short description of a JSON value for "got ..." in messages: "two" (quoted), 3.5, a list, ... */
const char *anne_json_describe(const cJSON *v, char *buf, size_t cap) {
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        snprintf(buf, cap, "\"%.40s%s\"", v->valuestring, n > 40 ? "..." : "");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, cap, "%.9g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, cap, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, cap, "a list");
    } else {
        snprintf(buf, cap, "an object");
    }
    return buf;
}

/* Reads a JSON number into a float. 0: ok; 1: not a number; 2: not finite as a 32-bit float. */
int anne_json_to_float(const cJSON *v, float *out) {
    double d;
    if (!cJSON_IsNumber(v)) return 1;
    d = v->valuedouble;
    /* below the midpoint between FLT_MAX and 2^128 the double rounds to a finite float ("3.4028235e38"
     * is FLT_MAX); at or above it, it would round to infinity (and converting is undefined in C) */
    if (!(fabs(d) < 0x1.ffffffp127)) return 2;
    *out = (float)d;
    return 0;
}

/* One number with a named place, e.g. what = "\"alpha\"". */
int anne_json_get_float(anne_json_ctx *c, const cJSON *v, const char *what, float *out) {
    char got[64];
    int rc = anne_json_to_float(v, out);
    if (rc == 1) return anne_json_fail(c, "%s must be a number, got %s", what, anne_json_describe(v, got, sizeof got));
    if (rc == 2) {
        return anne_json_fail(c, "%s must be a finite number within the 32-bit float range (|x| <= %.9g), got %s", what,
                              (double)FLT_MAX, anne_json_describe(v, got, sizeof got));
    }
    return 0;
}

/* A count such as "units" or "size": an integer in [1, 65535]. */
int anne_json_get_count(anne_json_ctx *c, const cJSON *v, const char *key, uint16_t *out) {
    char got[64];
    double d;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 1.0 ||
        floor(v->valuedouble) != v->valuedouble) {
        return anne_json_fail(c, "\"%s\" must be a positive integer, got %s", key,
                              anne_json_describe(v, got, sizeof got));
    }
    d = v->valuedouble;
    if (d > 65535.0) return anne_json_fail(c, "\"%s\" is %.0f, at most 65535 are supported", key, d);
    *out = (uint16_t)d;
    return 0;
}

size_t anne_json_array_len(const cJSON *a) {
    size_t n = 0;
    const cJSON *e;
    for (e = a->child; e != NULL; e = e->next) n++;
    return n;
}

char *anne_json_strdup(const char *s) {
    size_t n = strlen(s) + 1u;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

/* Edit distance of two short keys, for "did you mean" hints (capped: keys longer than 31 give up). */
static size_t anne__distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b), i, j, row[32];
    if (la > 31 || lb > 31) return 99;
    for (j = 0; j <= lb; j++) row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1u < best) best = up + 1u;
            if (row[j - 1] + 1u < best) best = row[j - 1] + 1u;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* Checks that every key of obj is in known (NULL-terminated) and none repeats; stores each key's
 * value in found[] (same index as known[], NULL when absent). */
int anne_json_keys(anne_json_ctx *c, const cJSON *obj, const char *const *known, const cJSON **found) {
    const cJSON *e;
    size_t i, n = 0;
    while (known[n] != NULL) found[n++] = NULL;
    for (e = obj->child; e != NULL; e = e->next) {
        for (i = 0; i < n && strcmp(e->string, known[i]) != 0; i++) {
        }
        if (i == n) {
            char list[512] = "", hint[96] = "";
            size_t k, best = 99, at = 0;
            for (k = 0; k < n; k++) {
                size_t d = anne__distance(e->string, known[k]);
                at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k ? ", " : "", known[k]);
                if (at >= sizeof list) at = sizeof list - 1u;
                if (d < best) {
                    best = d;
                    if (d <= 2) snprintf(hint, sizeof hint, "; did you mean \"%s\"?", known[k]);
                }
            }
            return anne_json_fail(c, "unknown key \"%.60s\" (known: %s%s)", e->string, list, hint);
        }
        if (found[i] != NULL) return anne_json_fail(c, "key \"%s\" appears twice", known[i]);
        found[i] = e;
    }
    return 0;
}

/* Reads a list of n numbers (n == 0: any length >= 1, returned in *n_out) into a malloc'd array. */
int anne_json_get_floats(anne_json_ctx *c, const cJSON *v, const char *key, size_t n, const char *expected_why,
                         float **out, size_t *n_out) {
    const cJSON *e;
    size_t len, i = 0;
    char got[64], what[96];
    *out = NULL;
    if (!cJSON_IsArray(v)) {
        return anne_json_fail(c, "\"%s\" must be a list of numbers, got %s", key,
                              anne_json_describe(v, got, sizeof got));
    }
    len = anne_json_array_len(v);
    if (len == 0) return anne_json_fail(c, "\"%s\" is empty", key);
    if (n != 0 && len != n) {
        return anne_json_fail(c, "\"%s\" has %zu values, expected %zu (%s)", key, len, n, expected_why);
    }
    if (len > 65535u) return anne_json_fail(c, "\"%s\" has %zu values, at most 65535 are supported", key, len);
    *out = malloc(len * sizeof **out);
    if (*out == NULL) return anne_json_fail(c, "out of memory");
    for (e = v->child; e != NULL; e = e->next, i++) {
        if (anne_json_to_float(e, &(*out)[i]) != 0) {
            snprintf(what, sizeof what, "\"%s\" value %zu", key, i + 1u);
            anne_json_get_float(c, e, what, &(*out)[i]);
            free(*out);
            *out = NULL;
            return -1;
        }
    }
    if (n_out != NULL) *n_out = len;
    return 0;
}

/* ---- input ------------------------------------------------------------------------------------ */

/* "shape": a graph's input tensor, 1 to 4 sizes of at most 65535 values in all. */
static int anne__read_input_shape(anne_json_ctx *c, const cJSON *v, size_t *rank, size_t dims[ANNE_MAX_RANK],
                                  size_t *values) {
    const cJSON *e;
    char got[64];
    size_t k = 0;
    if (!cJSON_IsArray(v) || anne_json_array_len(v) < 1 || anne_json_array_len(v) > ANNE_MAX_RANK) {
        return anne_json_fail(c, "\"shape\" must be a list of 1 to 4 sizes without the batch axis, e.g. [28, 28, 1]; "
                                 "got %s", anne_json_describe(v, got, sizeof got));
    }
    *values = 1;
    for (e = v->child; e != NULL; e = e->next, k++) {
        if (!cJSON_IsNumber(e) || !(e->valuedouble >= 1.0 && e->valuedouble <= 65535.0) ||
            floor(e->valuedouble) != e->valuedouble) {
            return anne_json_fail(c, "\"shape\" value %zu must be an integer from 1 to 65535, got %s", k + 1u,
                                  anne_json_describe(e, got, sizeof got));
        }
        dims[k] = (size_t)e->valuedouble;
        *values *= dims[k];
    }
    *rank = k;
    if (*values > 65535u) {
        return anne_json_fail(c, "\"shape\" has %zu values; a model's input holds at most 65535", *values);
    }
    return 0;
}

/* Reads "input" into ir (scaling, n_inputs); a graph's "shape" goes to *rank and dims (*rank 0: none). */
static int anne__read_input(anne_json_ctx *c, const cJSON *in, anne_ir *ir, size_t *rank, size_t dims[ANNE_MAX_RANK],
                            int named) {
    static const char *const known[] = {"size", "shape", "mean", "std", "min", "max", NULL};
    static const char *const known_named[] = {"name", "shape", "mean", "std", "min", "max", NULL};
    const cJSON *f[6];
    const cJSON *va, *vb;
    const char *ka, *kb, *size_why = "\"size\"";
    char got[64];
    size_t n = 0, i, values = 0;
    uint16_t size = 0;
    if (!named) snprintf(c->where, sizeof c->where, "input"); /* else the caller's "inputs value k" */
    if (!cJSON_IsObject(in)) {
        return anne_json_fail(c, "must be an object such as {\"size\": 4} or {\"shape\": [28, 28, 1]}, got %s",
                              anne_json_describe(in, got, sizeof got));
    }
    if (anne_json_keys(c, in, named ? known_named : known, f) != 0) return -1;
    if (named) f[0] = NULL; /* "name": the caller's */
    if (f[0] != NULL && f[1] != NULL) {
        return anne_json_fail(c, "give \"size\" (a dense chain, \"layers\") or \"shape\" (a graph, \"ops\"), not both");
    }
    if (f[0] != NULL && anne_json_get_count(c, f[0], "size", &size) != 0) return -1;
    if (f[1] != NULL) {
        if (anne__read_input_shape(c, f[1], rank, dims, &values) != 0) return -1;
        size = (uint16_t)values;
        size_why = "the values of \"shape\"";
    }
    if ((f[2] || f[3]) && (f[4] || f[5])) {
        return anne_json_fail(c, "give either \"mean\" and \"std\" (standardization) or \"min\" and \"max\", not both");
    }
    if (f[2] || f[3]) {
        ir->scaling = ANNE_SCALING_STANDARDIZE;
        va = f[2], vb = f[3], ka = "mean", kb = "std";
    } else if (f[4] || f[5]) {
        ir->scaling = ANNE_SCALING_MINMAX;
        va = f[4], vb = f[5], ka = "min", kb = "max";
    } else {
        ir->n_inputs = size;
        return 0;
    }
    if (va == NULL) return anne_json_fail(c, "\"%s\" needs \"%s\" too", kb, ka);
    if (vb == NULL) return anne_json_fail(c, "\"%s\" needs \"%s\" too", ka, kb);
    if (anne_json_get_floats(c, va, ka, size, size_why, &ir->scale_a, &n) != 0) return -1;
    {
        char why[64];
        snprintf(why, sizeof why, "as many as \"%s\"", ka);
        if (anne_json_get_floats(c, vb, kb, n, why, &ir->scale_b, NULL) != 0) return -1;
    }
    for (i = 0; i < n; i++) {
        float a = ir->scale_a[i], b = ir->scale_b[i];
        if (ir->scaling == ANNE_SCALING_STANDARDIZE && !(b > 0.0f)) {
            return anne_json_fail(c, "\"std\" value %zu is %.9g, expected > 0", i + 1u, (double)b);
        }
        if (ir->scaling == ANNE_SCALING_MINMAX && !(b > a)) {
            return anne_json_fail(c, "\"max\" value %zu is %.9g, expected > %.9g (\"min\" value %zu)", i + 1u,
                                  (double)b, (double)a, i + 1u);
        }
    }
    ir->n_inputs = (uint16_t)n;
    return 0;
}

/* ---- activations ------------------------------------------------------------------------------ */

const char *const anne_json_param_keys[ANNE_JSON_N_PARAMS] = {"alpha", "negative_slope", "max_value", "threshold",
                                                              "theta"};

enum { ANNE__P_ALPHA, ANNE__P_NEG_SLOPE, ANNE__P_MAX_VALUE, ANNE__P_THRESHOLD, ANNE__P_THETA };

/* Which parameter keys an activation takes and where they go in param[]; -1: not its parameter.
 * leaky_relu also takes "negative_slope" (Keras 3's name for alpha). */
static int anne__param_slot(anne_activation act, int key) {
    switch (act) {
    case ANNE_ACT_RELU:
        return key == ANNE__P_NEG_SLOPE ? 0 : key == ANNE__P_MAX_VALUE ? 1 : key == ANNE__P_THRESHOLD ? 2 : -1;
    case ANNE_ACT_LEAKY_RELU: return key == ANNE__P_ALPHA || key == ANNE__P_NEG_SLOPE ? 0 : -1;
    case ANNE_ACT_ELU: return key == ANNE__P_ALPHA ? 0 : -1;
    case ANNE_ACT_THRESHOLDED_RELU: return key == ANNE__P_THETA ? 0 : -1;
    case ANNE_ACT_PRELU: return key == ANNE__P_ALPHA ? -2 : -1; /* a list, read once the units are known */
    default: return -1;
    }
}

static const char *anne__param_list(anne_activation act) {
    switch (act) {
    case ANNE_ACT_RELU: return "negative_slope, max_value, threshold";
    case ANNE_ACT_LEAKY_RELU: return "alpha";
    case ANNE_ACT_ELU: return "alpha";
    case ANNE_ACT_THRESHOLDED_RELU: return "theta";
    case ANNE_ACT_PRELU: return "alpha (a list, one per unit)";
    default: return NULL;
    }
}

int anne_json_read_activation(anne_json_ctx *c, const cJSON *act_v, const cJSON *const *p, anne_activation *act,
                              float param[3]) {
    const char *name = "linear";
    char got[64];
    int k;
    if (act_v != NULL) {
        if (!cJSON_IsString(act_v)) {
            return anne_json_fail(c, "\"activation\" must be a name such as \"relu\", got %s",
                                  anne_json_describe(act_v, got, sizeof got));
        }
        name = act_v->valuestring;
    }
    if (anne_activation_from_name(name, act) != 0) {
        char list[512] = "";
        size_t at = 0, i;
        for (i = 0; i < (size_t)ANNE_ACT_COUNT; i++) {
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? ", " : "",
                                   anne_activation_name((anne_activation)i));
            if (at >= sizeof list) at = sizeof list - 1u;
        }
        return anne_json_fail(c, "unknown activation \"%.60s\" (known: %s; aliases: relu6, silu, hardSigmoid, "
                                 "leakyRelu, gelu_approximate, hard_silu)", name, list);
    }
    anne_ir_default_params(*act, param);
    if (strcmp(name, "relu6") == 0) {
        if (p[ANNE__P_MAX_VALUE] != NULL) {
            return anne_json_fail(c, "\"max_value\" cannot be given with \"relu6\" (which is relu with max_value 6): "
                                     "use \"relu\" with \"max_value\"");
        }
        param[1] = 6.0f;
    }
    if (p[ANNE__P_ALPHA] != NULL && p[ANNE__P_NEG_SLOPE] != NULL && *act == ANNE_ACT_LEAKY_RELU) {
        return anne_json_fail(c, "give \"alpha\" or \"negative_slope\" (the same parameter of leaky_relu), not both");
    }
    for (k = 0; k < ANNE_JSON_N_PARAMS; k++) {
        const cJSON *v = p[k];
        int slot;
        char what[64];
        if (v == NULL) continue;
        slot = anne__param_slot(*act, k);
        if (slot == -2) continue;
        if (slot < 0) {
            const char *takes = anne__param_list(*act);
            if (takes == NULL) {
                return anne_json_fail(c, "\"%s\" is not a parameter of activation \"%s\" (it takes none)",
                                      anne_json_param_keys[k], name);
            }
            return anne_json_fail(c, "\"%s\" is not a parameter of activation \"%s\" (it takes: %s)",
                                  anne_json_param_keys[k], name, takes);
        }
        if (k == ANNE__P_MAX_VALUE && cJSON_IsNull(v)) {
            param[1] = INFINITY; /* Keras' max_value=None: no clip */
            continue;
        }
        snprintf(what, sizeof what, "\"%s\"", anne_json_param_keys[k]);
        if (anne_json_get_float(c, v, what, &param[slot]) != 0) return -1;
        if (k == ANNE__P_MAX_VALUE && !(param[1] >= 0.0f)) {
            return anne_json_fail(c, "\"max_value\" must be >= 0 (or null: no limit), got %.9g", (double)param[1]);
        }
    }
    return 0;
}

/* ---- layers ----------------------------------------------------------------------------------- */

/* The parameter keys follow each other in anne_json_param_keys' order. */
enum {
    ANNE__K_TYPE, ANNE__K_NAME, ANNE__K_UNITS, ANNE__K_ACT, ANNE__K_KERNEL, ANNE__K_BIAS,
    ANNE__K_ALPHA, ANNE__K_NEG_SLOPE, ANNE__K_MAX_VALUE, ANNE__K_THRESHOLD, ANNE__K_THETA, ANNE__K_COUNT
};

static const char *const anne__layer_keys[] = {"type",  "name",           "units",     "activation",
                                               "kernel", "bias",          "alpha",     "negative_slope",
                                               "max_value", "threshold",  "theta",     NULL};

/* Reads the kernel (inputs × units, Keras' layout) into l->kernel (n_out, n_in). expect_in: the rows
 * required (0: any), expect_why: where that number comes from. */
static int anne__read_kernel(anne_json_ctx *c, const cJSON *k, uint16_t units, uint16_t expect_in,
                             const char *expect_why, anne_ir_layer *l) {
    const cJSON *row, *e;
    size_t rows, cols = units, r, j;
    char got[64];
    if (k == NULL) {
        return anne_json_fail(c, "missing \"kernel\" (a list of rows, one per input, each with one weight per unit)");
    }
    if (!cJSON_IsArray(k)) {
        return anne_json_fail(c, "\"kernel\" must be a list of rows (inputs × units), got %s",
                              anne_json_describe(k, got, sizeof got));
    }
    rows = anne_json_array_len(k);
    if (rows == 0) return anne_json_fail(c, "kernel has no rows");
    if (expect_in != 0 && rows != expect_in) {
        return anne_json_fail(c, "kernel has %zu rows, expected %u (%s)", rows, expect_in, expect_why);
    }
    if (rows > 65535u) return anne_json_fail(c, "kernel has %zu rows, at most 65535 inputs are supported", rows);
    /* shapes first, so a lying first row cannot make us allocate before the document proves its size */
    for (row = k->child, r = 1; row != NULL; row = row->next, r++) {
        size_t n;
        if (!cJSON_IsArray(row)) {
            return anne_json_fail(c, "kernel row %zu must be a list of numbers (one per unit), got %s%s", r,
                                  anne_json_describe(row, got, sizeof got),
                                  cJSON_IsNumber(row) ? "; the kernel is inputs × units, a list of lists" : "");
        }
        n = anne_json_array_len(row);
        if (cols == 0) {
            if (n == 0) return anne_json_fail(c, "kernel row 1 is empty (expected one value per unit)");
            if (n > 65535u) {
                return anne_json_fail(c, "kernel row 1 has %zu values, at most 65535 units are supported", n);
            }
            cols = n;
        } else if (n != cols) {
            return anne_json_fail(c, "kernel row %zu has %zu values, expected %zu (units)", r, n, cols);
        }
    }
    l->n_in = (uint16_t)rows;
    l->n_out = (uint16_t)cols;
    l->kernel = malloc(rows * cols * sizeof *l->kernel);
    if (l->kernel == NULL) return anne_json_fail(c, "out of memory (kernel of %zu × %zu)", rows, cols);
    for (row = k->child, r = 0; row != NULL; row = row->next, r++) {
        for (e = row->child, j = 0; e != NULL; e = e->next, j++) {
            /* Keras' kernel[i][j] (input i, unit j) is the runtime's kernel[j][i] */
            if (anne_json_to_float(e, &l->kernel[j * rows + r]) != 0) {
                char what[64];
                float dummy;
                snprintf(what, sizeof what, "kernel row %zu value %zu", r + 1u, j + 1u);
                return anne_json_get_float(c, e, what, &dummy);
            }
        }
    }
    return 0;
}

static int anne__read_layer(anne_json_ctx *c, const cJSON *obj, size_t index, anne_ir *ir) {
    const cJSON *f[ANNE__K_COUNT];
    anne_ir_layer *l;
    uint16_t units = 0, expect_in;
    char got[64], why[64];
    snprintf(c->where, sizeof c->where, "layer %zu", index + 1u);
    if (!cJSON_IsObject(obj)) {
        return anne_json_fail(c, "must be an object such as {\"units\": 2, \"kernel\": ...}, got %s",
                              anne_json_describe(obj, got, sizeof got));
    }
    if (anne_json_keys(c, obj, anne__layer_keys, f) != 0) return -1;
    if (f[ANNE__K_NAME] != NULL && !cJSON_IsNull(f[ANNE__K_NAME])) {
        if (!cJSON_IsString(f[ANNE__K_NAME])) {
            return anne_json_fail(c, "\"name\" must be a string, got %s",
                                  anne_json_describe(f[ANNE__K_NAME], got, sizeof got));
        }
        snprintf(c->where, sizeof c->where, "layer %zu (\"%.60s\")", index + 1u, f[ANNE__K_NAME]->valuestring);
    }
    if (f[ANNE__K_TYPE] != NULL) {
        const cJSON *t = f[ANNE__K_TYPE];
        if (!cJSON_IsString(t)) {
            return anne_json_fail(c, "\"type\" must be a string such as \"dense\", got %s",
                                  anne_json_describe(t, got, sizeof got));
        }
        if (strcmp(t->valuestring, "dense") != 0 && strcmp(t->valuestring, "Dense") != 0) {
            return anne_json_fail(c, "unknown layer type \"%.60s\" (supported: dense)", t->valuestring);
        }
    }
    if (f[ANNE__K_UNITS] != NULL && anne_json_get_count(c, f[ANNE__K_UNITS], "units", &units) != 0) return -1;

    l = anne_ir_add_layer(ir, NULL);
    if (l == NULL) return anne_json_fail(c, "out of memory");
    if (f[ANNE__K_NAME] != NULL && cJSON_IsString(f[ANNE__K_NAME]) && f[ANNE__K_NAME]->valuestring[0] != '\0') {
        l->name = anne_json_strdup(f[ANNE__K_NAME]->valuestring);
        if (l->name == NULL) return anne_json_fail(c, "out of memory");
    }
    if (anne_json_read_activation(c, f[ANNE__K_ACT], &f[ANNE__K_ALPHA], &l->activation, l->param) != 0) return -1;

    if (index == 0) {
        expect_in = ir->n_inputs;
        snprintf(why, sizeof why, "the input size");
    } else {
        expect_in = ir->layers[index - 1].n_out;
        snprintf(why, sizeof why, "the units of layer %zu", index);
    }
    if (anne__read_kernel(c, f[ANNE__K_KERNEL], units, expect_in, why, l) != 0) return -1;
    if (index == 0) ir->n_inputs = l->n_in;

    if (f[ANNE__K_BIAS] != NULL && !cJSON_IsNull(f[ANNE__K_BIAS])) {
        if (anne_json_get_floats(c, f[ANNE__K_BIAS], "bias", l->n_out, "units", &l->bias, NULL) != 0) return -1;
    }
    if (l->activation == ANNE_ACT_PRELU) {
        if (f[ANNE__K_ALPHA] == NULL) return anne_json_fail(c, "prelu needs \"alpha\": a list of one slope per unit");
        if (anne_json_get_floats(c, f[ANNE__K_ALPHA], "alpha", l->n_out, "units", &l->act_data, NULL) != 0) return -1;
    }
    return 0;
}

/* ---- the document ----------------------------------------------------------------------------- */

static int anne__read_classes(anne_json_ctx *c, const cJSON *v, anne_ir *ir) {
    const cJSON *e;
    size_t n, i = 0;
    /* the names are those of the first output's values (a graph's other outputs may be regressions) */
    size_t outputs = ir->n_ops > 0 ? anne_ir_tensor_values(&ir->tensors[anne_ir_output(ir, 0)])
                                   : ir->layers[ir->n_layers - 1].n_out;
    const char *what = ir->n_ops == 0                 ? "the last layer"
                       : anne_ir_n_outputs(ir) == 1 ? "the last op"
                                                     : "the first output";
    char got[64];
    c->where[0] = '\0';
    if (cJSON_IsNull(v)) return 0;
    if (!cJSON_IsArray(v)) {
        return anne_json_fail(c, "\"classes\" must be a list of names, got %s", anne_json_describe(v, got, sizeof got));
    }
    n = anne_json_array_len(v);
    if (outputs == 1 && n != 2) {
        return anne_json_fail(c, "\"classes\" has %zu names, expected 2 (%s has a single output: class 0 and class 1)",
                              n, what);
    }
    if (outputs != 1 && n != outputs) {
        return anne_json_fail(c, "\"classes\" has %zu names, expected %zu (the %s of %s)", n, outputs,
                              ir->n_ops > 0 ? "output values" : "units", what);
    }
    if (n > ANNE_MAX_CLASSES) return anne_json_fail(c, "\"classes\" has %zu names, at most %u", n, ANNE_MAX_CLASSES);
    ir->class_names = calloc(n, sizeof *ir->class_names);
    if (ir->class_names == NULL) return anne_json_fail(c, "out of memory");
    ir->n_classes = (uint16_t)n;
    for (e = v->child; e != NULL; e = e->next, i++) {
        if (!cJSON_IsString(e) || e->valuestring[0] == '\0') {
            return anne_json_fail(c, "\"classes\" entry %zu must be a non-empty string, got %s", i + 1u,
                                  anne_json_describe(e, got, sizeof got));
        }
        if ((ir->class_names[i] = anne_json_strdup(e->valuestring)) == NULL) return anne_json_fail(c, "out of memory");
    }
    return 0;
}

/* A dense chain: the "layers" list. */
static int anne__read_layers(anne_json_ctx *c, const cJSON *layers, anne_ir *ir) {
    const cJSON *e;
    size_t n, i = 0;
    char got[64];
    if (!cJSON_IsArray(layers)) {
        return anne_json_fail(c, "\"layers\" must be a list of layers, got %s",
                              anne_json_describe(layers, got, sizeof got));
    }
    n = anne_json_array_len(layers);
    if (n == 0) return anne_json_fail(c, "\"layers\" is empty: a model needs at least one layer");
    if (n > ANNE_MAX_LAYERS) return anne_json_fail(c, "\"layers\" has %zu layers, at most %u", n, ANNE_MAX_LAYERS);
    for (e = layers->child; e != NULL; e = e->next, i++) {
        if (anne__read_layer(c, e, i, ir) != 0) return -1;
    }
    return 0;
}

/* The "name" of one of a graph's "inputs" (ops' "inputs" name it): a non-empty string. */
static int anne__input_name(anne_json_ctx *c, const cJSON *in, const char **name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "name");
    char got[64];
    if (v == NULL) return anne_json_fail(c, "needs a \"name\" (ops' \"inputs\" refer to it)");
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
        return anne_json_fail(c, "\"name\" must be a non-empty string, got %s", anne_json_describe(v, got, sizeof got));
    }
    *name = v->valuestring;
    return 0;
}

/* A graph's "inputs": several inputs, each {"name": ..., "shape": [...]} with the scaling of its own
 * values, all scaled the same way (standardized, min-max) or none; tensors 0, 1, ... in list order. */
static int anne__read_graph_inputs(anne_json_ctx *c, const cJSON *list, anne_ir *ir, const char **names) {
    const cJSON *e;
    size_t k = 0, j, rank, dims[ANNE_MAX_RANK];
    char got[64];
    if (!cJSON_IsArray(list) || anne_json_array_len(list) < 2 || anne_json_array_len(list) > ANNE_MAX_MODEL_IO) {
        return anne_json_fail(c, "\"inputs\" must be a list of 2 to %u inputs such as {\"name\": \"window\", "
                                 "\"shape\": [32, 3]} (one input: \"input\"), got %s", (unsigned)ANNE_MAX_MODEL_IO,
                              anne_json_describe(list, got, sizeof got));
    }
    for (e = list->child; e != NULL; e = e->next, k++) {
        anne_ir one;
        anne_error err;
        int rc;
        size_t before = ir->n_inputs;
        anne_ir_init(&one);
        rank = 0;
        snprintf(c->where, sizeof c->where, "inputs value %zu", k + 1u);
        rc = anne__read_input(c, e, &one, &rank, dims, 1);
        if (rc == 0) rc = anne__input_name(c, e, &names[k]);
        for (j = 0; rc == 0 && j < k; j++) {
            if (strcmp(names[j], names[k]) == 0) rc = anne_json_fail(c, "the name \"%.60s\" is taken", names[k]);
        }
        if (rc == 0 && rank == 0) rc = anne_json_fail(c, "needs its \"shape\", e.g. [32, 3]");
        if (rc == 0 && k > 0 && one.scaling != ir->scaling) {
            rc = anne_json_fail(c, "is scaled %s, input 1 %s: a model scales all its inputs the same way (or none)",
                                one.scaling == ANNE_SCALING_NONE ? "not at all" : "otherwise",
                                ir->scaling == ANNE_SCALING_NONE ? "not at all" : "otherwise");
        }
        if (rc == 0) {
            rc = k == 0 ? anne_ir_graph_start(ir, rank, dims, &err) : anne_ir_graph_add_input(ir, rank, dims, &err);
            if (rc != 0) rc = anne_json_fail(c, "%s", err.msg);
        }
        if (rc == 0 && one.scaling != ANNE_SCALING_NONE) { /* this input's scaling after the others' */
            float *a = realloc(ir->scale_a, ir->n_inputs * sizeof *a), *b;
            if (a != NULL) ir->scale_a = a;
            b = a != NULL ? realloc(ir->scale_b, ir->n_inputs * sizeof *b) : NULL;
            if (b != NULL) ir->scale_b = b;
            if (a == NULL || b == NULL) {
                rc = anne_json_fail(c, "out of memory");
            } else {
                memcpy(a + before, one.scale_a, (ir->n_inputs - before) * sizeof *a);
                memcpy(b + before, one.scale_b, (ir->n_inputs - before) * sizeof *b);
            }
        }
        if (k == 0) ir->scaling = one.scaling;
        anne_ir_free(&one);
        if (rc != 0) return -1;
    }
    c->where[0] = '\0';
    return 0;
}

static int anne__read_document(anne_json_ctx *c, const cJSON *root, anne_ir *ir) {
    static const char *const known[] = {"name", "input", "layers", "ops", "classes", "inputs", "outputs", NULL};
    const cJSON *f[7];
    size_t rank = 0, dims[ANNE_MAX_RANK];
    const char *input_names[ANNE_MAX_MODEL_IO];
    char got[64];
    if (!cJSON_IsObject(root)) {
        return anne_json_fail(c, "expected a JSON object ({\"layers\": [...]} or {\"input\": ..., \"ops\": [...]}) at "
                                 "the top level, got %s", anne_json_describe(root, got, sizeof got));
    }
    if (anne_json_keys(c, root, known, f) != 0) return -1;
    if (f[0] != NULL && !cJSON_IsNull(f[0])) {
        if (!cJSON_IsString(f[0])) {
            return anne_json_fail(c, "\"name\" must be a string, got %s", anne_json_describe(f[0], got, sizeof got));
        }
        if (f[0]->valuestring[0] != '\0' && (ir->name = anne_json_strdup(f[0]->valuestring)) == NULL) {
            return anne_json_fail(c, "out of memory");
        }
    }
    if (f[2] != NULL && f[3] != NULL) {
        return anne_json_fail(c, "give \"layers\" (a dense chain) or \"ops\" (a graph), not both");
    }
    if (f[5] != NULL && (f[1] != NULL || f[3] == NULL)) {
        return anne_json_fail(c, "\"inputs\" is for a graph (\"ops\") with several inputs: give it or \"input\", not "
                                 "both");
    }
    if (f[6] != NULL && f[3] == NULL) return anne_json_fail(c, "\"outputs\" is for a graph (\"ops\")");
    if (f[1] != NULL && anne__read_input(c, f[1], ir, &rank, dims, 0) != 0) return -1;
    input_names[0] = "input";
    c->where[0] = '\0';
    if (f[5] != NULL) {
        if (anne__read_graph_inputs(c, f[5], ir, input_names) != 0 ||
            anne_json_read_ops(c, f[3], f[6], input_names, ir) != 0) {
            return -1;
        }
    } else if (f[3] != NULL) {
        anne_error e;
        if (rank == 0) {
            return anne_json_fail(c, "a graph (\"ops\") needs its input's shape: \"input\": {\"shape\": [...]}, e.g. "
                                     "[28, 28, 1] for 28 × 28 images of one channel");
        }
        if (anne_ir_graph_start(ir, rank, dims, &e) != 0) return anne_json_fail(c, "input: %s", e.msg);
        if (anne_json_read_ops(c, f[3], f[6], input_names, ir) != 0) return -1;
    } else {
        if (rank != 0) {
            snprintf(c->where, sizeof c->where, "input");
            return anne_json_fail(c, "\"shape\" is for graphs (\"ops\"); a dense chain (\"layers\") has \"size\"");
        }
        if (f[2] == NULL) {
            return anne_json_fail(c, "missing \"layers\" (a list of layers, first to last) or \"ops\" (a graph)");
        }
        if (anne__read_layers(c, f[2], ir) != 0) return -1;
    }
    c->where[0] = '\0';
    if (f[4] != NULL && anne__read_classes(c, f[4], ir) != 0) return -1;
    return 0;
}

/* Nesting depth of the text before p (outside strings): tells a too-deep document from a typo. */
static int anne__depth(const char *text, const char *p) {
    int depth = 0, in_string = 0;
    for (; text < p; text++) {
        if (in_string) {
            if (*text == '\\' && text + 1 < p) text++;
            else if (*text == '"') in_string = 0;
        } else if (*text == '"') {
            in_string = 1;
        } else if (*text == '{' || *text == '[') {
            depth++;
        } else if (*text == '}' || *text == ']') {
            depth--;
        }
    }
    return depth;
}

static int anne__syntax_error(anne_json_ctx *c, const char *text, size_t size, const char *at, const char *what) {
    size_t line = 1, col = 1, i, off = at != NULL && at >= text && at <= text + size ? (size_t)(at - text) : size;
    char near[48];
    size_t k = 0;
    for (i = 0; i < off; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    for (i = off; i < size && k < 20 && text[i] != '\n' && text[i] != '\r'; i++) {
        unsigned char ch = (unsigned char)text[i];
        near[k++] = ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch : '?';
    }
    near[k] = '\0';
    c->where[0] = '\0';
    if (what != NULL) return anne_json_fail(c, "line %zu, column %zu: %s", line, col, what);
    if (anne__depth(text, text + off) >= CJSON_NESTING_LIMIT) {
        return anne_json_fail(c, "line %zu, column %zu: JSON nested deeper than %d levels", line, col,
                              CJSON_NESTING_LIMIT);
    }
    {
        size_t last = size;
        while (last > 0 && (text[last - 1] == ' ' || text[last - 1] == '\t' || text[last - 1] == '\r' ||
                            text[last - 1] == '\n')) {
            last--;
        }
        /* cJSON reports the last byte when it runs out of text: an unclosed bracket, not a bad token */
        if (last == 0 || (off + 1u >= last && anne__depth(text, text + size) > 0)) k = 0;
    }
    if (k == 0) {
        return anne_json_fail(c, "line %zu, column %zu: invalid JSON: the document ends too early (a missing \"}\" or "
                             "\"]\"?)", line, col);
    }
    if (strncmp(near, "NaN", 3) == 0 || strncmp(near, "Inf", 3) == 0 || strncmp(near, "-Inf", 4) == 0) {
        return anne_json_fail(c, "line %zu, column %zu: invalid JSON near \"%s\": JSON has no NaN or Infinity, every "
                             "number must be finite", line, col, near);
    }
    return anne_json_fail(c, "line %zu, column %zu: invalid JSON near \"%s\"", line, col, near);
}

int anne_json_read(anne_ir *ir, const char *text, size_t size, const char *path, anne_error *err) {
    anne_json_ctx c;
    cJSON *root;
    const char *end = NULL;
    int rc;
    anne_ir_init(ir);
    memset(&c, 0, sizeof c);
    c.path = path;
    c.err = err;
    if (text == NULL) return anne_json_fail(&c, "no text");
    /* before cJSON builds a node for every value: a text of millions of numbers is refused unparsed */
    if (anne_json_prescan(text, size, &anne_json_limits_anne, path != NULL ? path : "(ANNE JSON)", err) != 0) {
        return -1;
    }
    root = cJSON_ParseWithLengthOpts(text, size, &end, 0);
    if (root == NULL) return anne__syntax_error(&c, text, size, end, NULL);
    if (end != NULL) {
        while (end < text + size && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
        if (end < text + size) {
            cJSON_Delete(root);
            return anne__syntax_error(&c, text, size, end, "unexpected text after the end of the JSON document");
        }
    }
    rc = anne__read_document(&c, root, ir);
    cJSON_Delete(root);
    if (rc != 0) anne_ir_free(ir);
    return rc;
}
