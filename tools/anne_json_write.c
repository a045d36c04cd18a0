/* The ANNE JSON writer: the IR as a readable document, one kernel row (one input) per line. */
#include "anne_json_write.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing text buffer; once an allocation fails it stays failed and the writer reports it once. */
typedef struct anne__buf {
    char *p;
    size_t len, cap;
    int oom;
    int nonfinite;
} anne__buf;

static void anne__put(anne__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void anne__put(anne__buf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    if (b->oom) return;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        {
            size_t cap = b->cap ? b->cap : 4096u;
            char *grown;
            while (cap - b->len <= (size_t)n) {
                if (cap > ((size_t)-1) / 2u) {
                    b->oom = 1;
                    return;
                }
                cap *= 2u;
            }
            grown = realloc(b->p, cap);
            if (grown == NULL) {
                b->oom = 1;
                return;
            }
            b->p = grown;
            b->cap = cap;
        }
    }
}

/* A JSON string literal: quotes, backslashes and control characters escaped; other bytes as they are. */
static void anne__put_string(anne__buf *b, const char *s) {
    anne__put(b, "\"");
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') anne__put(b, "\\%c", ch);
        else if (ch == '\n') anne__put(b, "\\n");
        else if (ch == '\t') anne__put(b, "\\t");
        else if (ch < 0x20u) anne__put(b, "\\u%04x", ch);
        else anne__put(b, "%c", ch);
    }
    anne__put(b, "\"");
}

void anne_json_format_float(char buf[32], float x) {
    int p;
    /* the shortest "%.<p>g" that reads back (as the importer reads: strtod, then float) to the same
     * bits; p = 9 always does, so this never loses a bit */
    for (p = 1; p < 9; p++) {
        snprintf(buf, 32, "%.*g", p, (double)x);
        if ((float)strtod(buf, NULL) == x && (x != 0.0f || signbit(x) == (buf[0] == '-'))) return;
    }
    snprintf(buf, 32, "%.9g", (double)x);
}

static void anne__put_float(anne__buf *b, float x) {
    char s[32];
    if (!isfinite(x)) {
        b->nonfinite = 1; /* JSON has no inf or NaN */
        return;
    }
    anne_json_format_float(s, x);
    anne__put(b, "%s", s);
}

static void anne__put_param(anne__buf *b, const char *key, float x) {
    anne__put(b, ", \"%s\": ", key);
    anne__put_float(b, x);
}

static void anne__put_floats(anne__buf *b, const float *x, size_t n) {
    size_t i;
    anne__put(b, "[");
    for (i = 0; i < n; i++) {
        if (i) anne__put(b, ", ");
        anne__put_float(b, x[i]);
    }
    anne__put(b, "]");
}

static void anne__put_params(anne__buf *b, const anne_ir_layer *l) {
    switch (l->activation) {
    case ANNE_ACT_RELU:
        /* Keras' defaults are left out; max_value +inf (no clip) has no JSON number and is the default */
        if (l->param[0] != 0.0f || signbit(l->param[0])) anne__put_param(b, "negative_slope", l->param[0]);
        if (l->param[1] != INFINITY) anne__put_param(b, "max_value", l->param[1]);
        if (l->param[2] != 0.0f || signbit(l->param[2])) anne__put_param(b, "threshold", l->param[2]);
        break;
    case ANNE_ACT_LEAKY_RELU: /* always stated: Keras' and the paper's defaults differ */
    case ANNE_ACT_ELU: anne__put_param(b, "alpha", l->param[0]); break;
    case ANNE_ACT_THRESHOLDED_RELU: anne__put_param(b, "theta", l->param[0]); break;
    case ANNE_ACT_PRELU: /* one alpha per unit */
        if (l->act_data != NULL) {
            anne__put(b, ", \"alpha\": ");
            anne__put_floats(b, l->act_data, l->n_out);
        }
        break;
    default: break;
    }
}

static void anne__put_layer(anne__buf *b, const anne_ir_layer *l) {
    size_t i, j;
    anne__put(b, "    {");
    if (l->name != NULL && l->name[0] != '\0') {
        anne__put(b, "\"name\": ");
        anne__put_string(b, l->name);
        anne__put(b, ", ");
    }
    anne__put(b, "\"type\": \"dense\", \"units\": %u, \"activation\": \"%s\"", l->n_out,
              anne_activation_name(l->activation));
    anne__put_params(b, l);
    anne__put(b, ",\n     \"kernel\": [");
    /* Keras' kernel[i][j] (input i, unit j) is the IR's kernel[j][i] */
    for (i = 0; i < l->n_in; i++) {
        anne__put(b, "%s\n       [", i ? "," : "");
        for (j = 0; j < l->n_out; j++) {
            if (j) anne__put(b, ", ");
            anne__put_float(b, l->kernel[j * l->n_in + i]);
        }
        anne__put(b, "]");
    }
    anne__put(b, "\n     ]");
    if (l->bias != NULL) {
        anne__put(b, ",\n     \"bias\": ");
        anne__put_floats(b, l->bias, l->n_out);
    }
    anne__put(b, "}");
}

int anne_json_write(const anne_ir *ir, char **text, anne_error *err) {
    anne__buf b;
    size_t i;
    *text = NULL;
    if (ir->n_ops > 0) {
        return anne_error_set(err, ANNE_GRAPH_NOT_YET ": ANNE JSON describes dense chains only in this version "
                                   "(write an .anne file)");
    }
    if (ir->n_layers == 0) return anne_error_set(err, "the model has no layers");
    for (i = 0; i < ir->n_layers; i++) {
        if (ir->layers[i].kind != ANNE_LAYER_DENSE) {
            return anne_error_set(err, "layer %zu: layer kind %d has no ANNE JSON form", i + 1u,
                                  (int)ir->layers[i].kind);
        }
    }
    memset(&b, 0, sizeof b);
    anne__put(&b, "{\n");
    if (ir->name != NULL && ir->name[0] != '\0') {
        anne__put(&b, "  \"name\": ");
        anne__put_string(&b, ir->name);
        anne__put(&b, ",\n");
    }
    anne__put(&b, "  \"input\": {\"size\": %u", ir->n_inputs);
    if (ir->scaling != ANNE_SCALING_NONE && ir->scale_a != NULL && ir->scale_b != NULL) {
        int std = ir->scaling == ANNE_SCALING_STANDARDIZE;
        anne__put(&b, ", \"%s\": ", std ? "mean" : "min");
        anne__put_floats(&b, ir->scale_a, ir->n_inputs);
        anne__put(&b, ", \"%s\": ", std ? "std" : "max");
        anne__put_floats(&b, ir->scale_b, ir->n_inputs);
    }
    anne__put(&b, "},\n  \"layers\": [\n");
    for (i = 0; i < ir->n_layers; i++) {
        anne__put_layer(&b, &ir->layers[i]);
        anne__put(&b, "%s\n", i + 1u < ir->n_layers ? "," : "");
    }
    anne__put(&b, "  ]");
    if (ir->n_classes != 0) {
        anne__put(&b, ",\n  \"classes\": [");
        for (i = 0; i < ir->n_classes; i++) {
            if (i) anne__put(&b, ", ");
            anne__put_string(&b, ir->class_names[i]);
        }
        anne__put(&b, "]");
    }
    anne__put(&b, "\n}\n");
    if (b.oom) {
        free(b.p);
        return anne_error_set(err, "out of memory while writing ANNE JSON");
    }
    if (b.nonfinite) {
        free(b.p);
        return anne_error_set(err, "the model holds a number that is not finite (JSON cannot write inf or NaN)");
    }
    *text = b.p;
    return 0;
}
