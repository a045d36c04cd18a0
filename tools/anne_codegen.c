/* Generated C: the model file's bytes as a 4-byte-aligned const array (in flash), a const anne_model
 * describing them (filled in here, from the same loader a board runs, so no load or CRC is needed at
 * run time) and a NAME_predict() entry point. Deterministic: no dates, no absolute paths. */
#include "anne_codegen.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_json_write.h"
#include "anne_quant.h"

typedef struct anne__text {
    char *p;
    size_t len, cap;
    int oom;
} anne__text;

static void anne__put(anne__text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void anne__put(anne__text *t, const char *fmt, ...) {
    va_list ap;
    int n;
    if (t->oom) return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->oom = 1;
        return;
    }
    if (t->len + (size_t)n + 1u > t->cap) {
        size_t cap = t->cap ? t->cap : 4096u;
        char *g;
        while (t->len + (size_t)n + 1u > cap) cap *= 2u;
        g = realloc(t->p, cap);
        if (g == NULL) {
            t->oom = 1;
            return;
        }
        t->p = g;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void anne_codegen_prefix(const char *name, char *out, size_t cap) {
    const char *base = strrchr(name, '/');
    size_t n, i, j = 0;
    base = base ? base + 1 : name;
    n = strlen(base);
    if (n >= 2 && strcmp(base + n - 2, ".c") == 0) n -= 2;
    if (cap < 4) return;
    if (n == 0 || isdigit((unsigned char)base[0])) {
        out[j++] = 'm';
        out[j++] = '_';
    }
    for (i = 0; i < n && j + 1 < cap; i++) {
        unsigned char ch = (unsigned char)base[i];
        out[j++] = (char)(isalnum(ch) || ch == '_' ? ch : '_');
    }
    out[j] = '\0';
}

/* A C comment-safe copy of a string (no "*" followed by "/", printable ASCII only). */
static void anne__comment_safe(const char *s, char *out, size_t cap) {
    size_t j = 0;
    for (; *s != '\0' && j + 1 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        int ok = ch >= 0x20 && ch < 0x7F && !(ch == '/' && j > 0 && out[j - 1] == '*');
        out[j] = (char)(ok ? ch : '?');
        j++;
    }
    out[j] = '\0';
}

/* "(const T)((const uint8_t *)P__words + off)" for a pointer into the model bytes. */
static void anne__ptr(anne__text *t, const char *type, const char *prefix, const anne_model *m, const void *p) {
    if (p == NULL) {
        anne__put(t, "NULL");
        return;
    }
    anne__put(t, "(%s)(const void *)((const uint8_t *)%s__words + %lu)", type, prefix,
              (unsigned long)((const uint8_t *)p - m->bytes));
}

/* A float as a C constant that reads back to the same bits: "0.0123f", "2.0f" (never "2f"). */
static void anne__put_float(anne__text *t, float v) {
    char num[40];
    anne_json_format_float(num, v);
    anne__put(t, "%s%sf", num, strpbrk(num, ".eE") == NULL ? ".0" : "");
}

/* What anne_model_s8_wide_size() gives for an int8 model in a build with ANNE_CONFIG_S8_WIDE, from the
 * layers (anne_quant.h: two bytes per weight of the units in blocks of four and the inputs in blocks
 * of eight), whatever this tool's own build of the runtime has; codegen.sh compares the two. */
static unsigned long anne__wide_bytes(const anne_model *m) {
    unsigned long n = 0;
    uint16_t l;
    anne_layer layer;
    for (l = 0; l < m->n_layers; l++) {
        if (anne_model_layer(m, l, &layer) == ANNE_OK) n += 2ul * (layer.n_out & ~3ul) * (layer.n_in & ~7ul);
    }
    return n;
}

/* The raw integer entry points of a quantized model: int8 with its input and output quantization,
 * or Q16.16; nothing for float models. */
static void anne__put_header_raw(anne__text *h, const anne_model *m, const char *prefix) {
    anne_dtype dt = anne_model_dtype(m);
    if (dt == ANNE_DTYPE_S8) {
        float in_scale = 0.0f, out_scale = 0.0f;
        int32_t in_zp = 0, out_zp = 0;
        (void)anne_model_s8_io(m, &in_scale, &in_zp, &out_scale, &out_zp); /* the model loaded as int8 */
        anne__put(h, "/* int8 input and output: real = SCALE * (q - ZERO_POINT) (anne_s8_quantize() and\n"
                     " * anne_s8_dequantize() convert); the input is quantized after the model's input scaling. */\n");
        anne__put(h, "#define %s_INPUT_SCALE ", prefix);
        anne__put_float(h, in_scale);
        anne__put(h, "\n#define %s_INPUT_ZERO_POINT (%ld)\n#define %s_OUTPUT_SCALE ", prefix, (long)in_zp, prefix);
        anne__put_float(h, out_scale);
        anne__put(h, "\n#define %s_OUTPUT_ZERO_POINT (%ld)\n\n", prefix, (long)out_zp);
        anne__put(h, "/* The raw int8 path (no float arithmetic): input (%s_INPUTS int8, quantized as above),\n"
                     " * output (%s_OUTPUTS int8), arena as for %s_predict(). */\n", prefix, prefix, prefix);
        anne__put(h, "anne_status %s_predict_s8(const int8_t *input, int8_t *output, void *arena);\n\n", prefix);
        anne__put(h, "/* Bytes anne_model_s8_widen() needs to widen a copy of the model to int16 in a build\n"
                     " * with ANNE_CONFIG_S8_WIDE (docs/codegen.md, docs/mcu.md), 4-aligned; 0 where it is off. */\n");
        anne__put(h, "#define %s_WIDE_BYTES %luu\n\n", prefix, anne__wide_bytes(m));
    } else if (dt == ANNE_DTYPE_Q16) {
        anne__put(h, "/* The raw Q16.16 path (no float arithmetic): input (%s_INPUTS int32 Q16.16, after the model's\n"
                     " * input scaling; anne_q16_from_f32() converts), output (%s_OUTPUTS Q16.16), arena as for\n"
                     " * %s_predict(). */\n", prefix, prefix, prefix);
        anne__put(h, "anne_status %s_predict_q16(const int32_t *input, int32_t *output, void *arena);\n\n", prefix);
    }
}

static void anne__put_header(anne__text *h, const anne_model *m, const char *prefix, const char *guard,
                             const char *src) {
    anne_dtype dt = anne_model_dtype(m);
    anne__put(h, "/* %s.h: a neural network model for the ANNE runtime, generated by anne %s from %s.\n"
                 " * Do not edit: regenerate with `anne convert %s %s.c`. See docs/codegen.md. */\n",
              prefix, ANNE_VERSION_STRING, src, src, prefix);
    anne__put(h, "#ifndef %s\n#define %s\n\n#include \"anne.h\"\n%s\n", guard, guard,
              dt != ANNE_DTYPE_F32 ? "#include \"anne_quant.h\"\n" : "");
    anne__put(h, "#define %s_INPUTS %u      /* floats in one input sample (raw: scaling is inside) */\n", prefix,
              m->n_inputs);
    anne__put(h, "#define %s_OUTPUTS %u     /* floats in one output */\n", prefix, m->n_outputs);
    anne__put(h, "#define %s_ARENA_BYTES %lu /* working memory %s_predict() needs (4-byte aligned) */\n", prefix,
              (unsigned long)m->arena_bytes, prefix);
    anne__put(h, "#define %s_DTYPE %d       /* number format of the layers (anne_dtype): 0 f32, 1 Q16.16, 2 int8 */"
                 "\n\n", prefix, (int)dt);
    anne__put(h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    anne__put(h, "/* Runs the model on one raw input: input (%s_INPUTS floats), output (%s_OUTPUTS floats),\n"
                 " * arena: %s_ARENA_BYTES bytes of 4-byte-aligned scratch memory, not overlapping output. */\n",
              prefix, prefix, prefix);
    anne__put(h, "anne_status %s_predict(const float *input, float *output, void *arena);\n\n", prefix);
    anne__put_header_raw(h, m, prefix);
    anne__put(h, "/* The model as the runtime sees it (layers, class names, scaling), for anne_model_layer(),\n"
                 " * anne_model_class_name() and the metrics; const, in flash. */\n");
    anne__put(h, "const anne_model *%s_model(void);\n\n", prefix);
    anne__put(h, "/* Runs the runtime's full validating loader (CRC included) over the embedded bytes: a\n"
                 " * start-up self-test against damaged flash. %s_predict() does not need it. */\n", prefix);
    anne__put(h, "anne_status %s_validate(void);\n\n", prefix);
    anne__put(h, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
}

/* A compile-time requirement in the generated C: C11's _Static_assert where there is one, else an array
 * whose size is negative when cond is false (C99: the typedef's name, unique by tag, carries the message). */
static void anne__put_require(anne__text *c, const char *prefix, const char *cond, const char *what, const char *knob,
                              const char *tag) {
    anne__put(c, "#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L\n");
    anne__put(c, "_Static_assert(%s, \"%s.c: %s, which this runtime build leaves out (%s)\");\n#else\n", cond, prefix,
              what, knob);
    anne__put(c, "typedef char %s__runtime_build_leaves_out_%s__see_%s[(%s) ? 1 : -1];\n#endif\n", prefix, tag,
              knob, cond);
}

/* The formats and activations this model needs, required of the runtime build it is compiled with
 * (runtime/include/anne_config.h): a build that leaves one out rejects such a model at load, but
 * nothing loads a generated model, and the kernels would pass an unknown activation through. Written
 * as constant expressions of the knobs, not #if, since ANNE_CONFIG_ACTIVATIONS may be written with
 * ANNE_ACT_BIT and the enum names, which the preprocessor cannot evaluate. */
static void anne__put_requirements(anne__text *c, const anne_model *m, const char *prefix) {
    static const char *const knobs[] = {"ANNE_CONFIG_F32", "ANNE_CONFIG_Q16", "ANNE_CONFIG_S8"};
    static const char *const names[] = {"float32", "Q16.16", "int8"}, *const tags[] = {"f32", "q16", "s8"};
    uint32_t seen = 0;
    uint16_t k;
    char what[96], cond[64];
    anne_dtype dt = anne_model_dtype(m);
    anne__put(c, "/* What this model needs of the runtime build (runtime/include/anne_config.h). */\n");
    snprintf(what, sizeof what, "the model's layers are %s", names[dt]);
    anne__put_require(c, prefix, knobs[dt], what, knobs[dt], tags[dt]);
    for (k = 0; k < m->n_layers; k++) {
        anne_layer l;
        anne_model_layer(m, k, &l);
        /* int8 activations other than softmax are tables in the model, run by every int8 build */
        if (l.activation == ANNE_ACT_LINEAR || (seen & ANNE_ACT_BIT(l.activation)) != 0 ||
            (l.dtype == ANNE_DTYPE_S8 && l.activation != ANNE_ACT_SOFTMAX)) {
            continue;
        }
        seen |= ANNE_ACT_BIT(l.activation);
        snprintf(what, sizeof what, "layer %u uses %s", k + 1u, anne_activation_name(l.activation));
        snprintf(cond, sizeof cond, "ANNE_CONFIG_HAS_ACTIVATION(%d)", (int)l.activation);
        anne__put_require(c, prefix, cond, what, "ANNE_CONFIG_ACTIVATIONS", anne_activation_name(l.activation));
    }
    anne__put(c, "\n");
}

static void anne__put_source(anne__text *c, const anne_model *m, const unsigned char *bytes, size_t size,
                             const char *prefix, const char *src) {
    size_t i, words = size / 4u, w_start = (size_t)(m->weights - m->bytes) / 4u;
    size_t w_end = w_start + m->weights_size / 4u;
    anne_dtype dt = anne_model_dtype(m);
    uint16_t k;
    char buf[128];
    anne__put(c, "/* %s.c: a neural network model for the ANNE runtime, generated by anne %s from %s.\n"
                 " * Do not edit: regenerate with `anne convert %s %s.c`. See docs/codegen.md. */\n",
              prefix, ANNE_VERSION_STRING, src, src, prefix);
    anne__put(c, "#include \"%s.h\"\n\n", prefix);
    anne__put(c, "#if ANNE_VERSION_MAJOR != %d || ANNE_VERSION_MINOR != %d || ANNE_FORMAT_MAJOR != %d\n",
              ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR, ANNE_FORMAT_MAJOR);
    anne__put(c, "#error \"%s.c was generated for ANNE %d.%d (model format %d): regenerate it with this runtime's "
                 "anne convert\"\n#endif\n\n", prefix, ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR, ANNE_FORMAT_MAJOR);
    anne__put_requirements(c, m, prefix);
    anne__comment_safe(m->name, buf, sizeof buf);
    anne__put(c, "/* Model \"%s\": %u inputs, %u outputs, %u layers; the model file (docs/format.md), %lu bytes,\n"
                 " * as little-endian 32-bit words (so it is 4-byte aligned). Layers:\n", buf, m->n_inputs,
              m->n_outputs, m->n_layers, (unsigned long)size);
    for (k = 0; k < m->n_layers; k++) {
        anne_layer l;
        const char *fmt;
        anne_model_layer(m, k, &l);
        fmt = l.dtype == ANNE_DTYPE_Q16 ? ", Q16.16" : l.dtype == ANNE_DTYPE_S8 ? ", int8" : "";
        anne__put(c, " *   %u: dense %u -> %u, %s, %s%s\n", k + 1u, l.n_in, l.n_out, anne_activation_name(l.activation),
                  l.bias ? "bias" : "no bias", fmt);
    }
    if (m->scaling.kind != ANNE_SCALING_NONE) {
        anne__put(c, " * Inputs are scaled inside (%s).\n",
                  m->scaling.kind == ANNE_SCALING_STANDARDIZE ? "standardized" : "min-max");
    }
    if (dt == ANNE_DTYPE_F32) {
        anne__put(c, " * The weights section starts at word %lu; each of its lines shows its floats. */\n",
                  (unsigned long)w_start);
    } else { /* integers and quantization records: a float reading of them would mislead */
        anne__put(c, " * The weights section starts at word %lu: %s kernels and biases, quantization data\n"
                     " * (docs/format.md, docs/numerics.md). */\n",
                  (unsigned long)w_start, dt == ANNE_DTYPE_Q16 ? "Q16.16" : "int8");
        w_end = w_start; /* no float comments */
    }
    anne__put(c, "static const uint32_t %s__words[%lu] = {\n", prefix, (unsigned long)words);
    for (i = 0; i < words; i += 4) {
        size_t j, end = i + 4 < words ? i + 4 : words;
        int in_weights = i >= w_start && i < w_end;
        anne__put(c, "   ");
        for (j = i; j < end; j++) {
            uint32_t u = (uint32_t)bytes[4 * j] | ((uint32_t)bytes[4 * j + 1] << 8) |
                         ((uint32_t)bytes[4 * j + 2] << 16) | ((uint32_t)bytes[4 * j + 3] << 24);
            anne__put(c, " 0x%08lxu,", (unsigned long)u);
        }
        if (in_weights) {
            anne__put(c, "%*s /*", (int)(4 - (end - i)) * 13, "");
            for (j = i; j < end && j < w_end; j++) {
                float f;
                char num[32];
                memcpy(&f, bytes + 4 * j, sizeof f);
                anne_json_format_float(num, f);
                anne__put(c, " %s", num);
            }
            anne__put(c, " */");
        }
        anne__put(c, "\n");
    }
    anne__put(c, "};\n\n");
    /* the anne_model anne_model_load() fills for these bytes, written out so nothing runs at start-up */
    anne__put(c, "static const anne_model %s__model = {\n", prefix);
    anne__put(c, "    .bytes = (const uint8_t *)%s__words,\n    .size = %luu,\n", prefix, (unsigned long)m->size);
    anne__put(c, "    .layer_table = ");
    anne__ptr(c, "const uint8_t *", prefix, m, m->layer_table);
    anne__put(c, ",\n    .weights = ");
    anne__ptr(c, "const uint8_t *", prefix, m, m->weights);
    anne__put(c, ",\n    .weights_size = %luu,\n", (unsigned long)m->weights_size);
    anne__put(c, "    .n_inputs = %u,\n    .n_outputs = %u,\n    .n_layers = %u,\n    .n_classes = %u,\n",
              m->n_inputs, m->n_outputs, m->n_layers, m->n_classes);
    anne__put(c, "    .format_minor = %u,\n", m->format_minor);
    anne__put(c, "    .scaling = {(anne_scaling_kind)%d, ", (int)m->scaling.kind);
    anne__ptr(c, "const float *", prefix, m, m->scaling.a);
    anne__put(c, ", ");
    anne__ptr(c, "const float *", prefix, m, m->scaling.b);
    anne__put(c, "},\n    .name = ");
    if (m->name[0] == '\0') anne__put(c, "\"\"");
    else anne__ptr(c, "const char *", prefix, m, m->name);
    anne__put(c, ",\n    .class_names = ");
    anne__ptr(c, "const char *", prefix, m, m->class_names);
    anne__put(c, ",\n    .arena_bytes = %luu,\n};\n\n", (unsigned long)m->arena_bytes);
    anne__put(c, "anne_status %s_predict(const float *input, float *output, void *arena) {\n", prefix);
    anne__put(c, "    return anne_model_predict(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n", prefix,
              prefix);
    if (dt == ANNE_DTYPE_S8) {
        anne__put(c, "anne_status %s_predict_s8(const int8_t *input, int8_t *output, void *arena) {\n", prefix);
        anne__put(c, "    return anne_model_predict_s8(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n",
                  prefix, prefix);
    } else if (dt == ANNE_DTYPE_Q16) {
        anne__put(c, "anne_status %s_predict_q16(const int32_t *input, int32_t *output, void *arena) {\n", prefix);
        anne__put(c, "    return anne_model_predict_q16(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n",
                  prefix, prefix);
    }
    anne__put(c, "const anne_model *%s_model(void) {\n    return &%s__model;\n}\n\n", prefix, prefix);
    anne__put(c, "anne_status %s_validate(void) {\n    anne_model m;\n", prefix);
    anne__put(c, "    return anne_model_load(&m, %s__words, sizeof %s__words);\n}\n", prefix, prefix);
}

int anne_codegen(const unsigned char *bytes, size_t size, const char *prefix, const char *source, char **c_text,
                 char **h_text, anne_error *err) {
    size_t i;
    anne_model m;
    anne_status st;
    anne__text c, h;
    char guard[160], src[160];
    const char *base = strrchr(source, '/');
    *c_text = *h_text = NULL;
    st = anne_model_load(&m, bytes, size);
    if (st != ANNE_OK) {
        return anne_error_set(err, "internal error: the model to generate does not load: %s", anne_status_str(st));
    }
    for (i = 0; prefix[i] != '\0' && i + 3 < sizeof guard; i++) guard[i] = (char)toupper((unsigned char)prefix[i]);
    memcpy(guard + i, "_H", 3);
    anne__comment_safe(base ? base + 1 : source, src, sizeof src);
    memset(&c, 0, sizeof c);
    memset(&h, 0, sizeof h);
    anne__put_source(&c, &m, bytes, size, prefix, src);
    anne__put_header(&h, &m, prefix, guard, src);
    if (c.oom || h.oom) {
        free(c.p);
        free(h.p);
        return anne_error_set(err, "out of memory generating C");
    }
    *c_text = c.p;
    *h_text = h.p;
    return 0;
}

int anne_codegen_write(const unsigned char *bytes, size_t size, const char *c_path, const char *prefix,
                       const char *source, anne_error *err) {
    char *c_text, *h_text, *h_path;
    size_t n = strlen(c_path);
    int rc;
    if (n < 2 || strcmp(c_path + n - 2, ".c") != 0) {
        return anne_error_set(err, "%s: expected a name ending in .c", c_path);
    }
    if (anne_codegen(bytes, size, prefix, source, &c_text, &h_text, err) != 0) return -1;
    h_path = malloc(n + 1u);
    if (h_path == NULL) {
        free(c_text);
        free(h_text);
        return anne_error_set(err, "out of memory");
    }
    memcpy(h_path, c_path, n + 1u);
    h_path[n - 1] = 'h';
    {
        /* neither or both: stage both files, then put them in place; a failure leaves old ones alone */
        anne_file_stage c_stage, h_stage;
        rc = anne_file_stage_write(&c_stage, c_path, c_text, strlen(c_text), err);
        if (rc == 0 && anne_file_stage_write(&h_stage, h_path, h_text, strlen(h_text), err) != 0) {
            anne_file_abort(&c_stage);
            rc = -1;
        }
        if (rc == 0) {
            rc = anne_file_commit(&c_stage, err);
            if (rc == 0) {
                rc = anne_file_commit(&h_stage, err);
            } else {
                anne_file_abort(&h_stage);
            }
        }
    }
    free(c_text);
    free(h_text);
    free(h_path);
    return rc;
}
