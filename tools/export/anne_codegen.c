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
#include "anne_graph_info.h"
#include "anne_json_write.h"
#include "anne_quant.h"

typedef struct anne__text {
    char *p;
    size_t len, cap;
    int oom;
} anne__text;

/* The names a generated pair carries: prefix (a C identifier), guard (the header's), and file names
 * from outside (escaped wherever they are written, and h_name checked for the #include). */
typedef struct anne__names {
    const char *prefix, *guard;
    const char *source;         /* IN's base name */
    const char *c_name, *h_name;
} anne__names;

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

/* Whether a prefix (letters, digits and '_') needs "m_" in front to be a safe start of names: empty,
 * a leading digit, or a name space that is not the model's: the C implementation's (a leading '_': a
 * prefix "_stdint" would make the header guard of <stdint.h>) or the runtime's (anne, anne_..., ANNE_...:
 * a prefix "anne_model" would declare anne_model_predict() again, "anne" the type anne_model()). */
static int anne__needs_m(const char *s) {
    static const char anne[] = "anne";
    size_t i;
    if (s[0] == '\0' || s[0] == '_' || (s[0] >= '0' && s[0] <= '9')) return 1;
    for (i = 0; i < 4; i++) {
        if (tolower((unsigned char)s[i]) != anne[i]) return 0;
    }
    return s[4] == '\0' || s[4] == '_';
}

void anne_codegen_prefix(const char *name, char *out, size_t cap) {
    const char *base = strrchr(name, '/');
    size_t n, i, j = 2;
    base = base ? base + 1 : name;
    n = strlen(base);
    if (n >= 2 && strcmp(base + n - 2, ".c") == 0) n -= 2;
    if (cap < 4) {
        if (cap > 0) out[0] = '\0';
        return;
    }
    /* ASCII letters and digits only (isalnum() of a locale could pass bytes of other letters), after
     * room for "m_" */
    for (i = 0; i < n && j + 1 < cap; i++) {
        unsigned char ch = (unsigned char)base[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        out[j++] = (char)(ok ? ch : '_');
    }
    out[j] = '\0';
    if (anne__needs_m(out + 2)) {
        out[0] = 'm';
        out[1] = '_';
    } else {
        memmove(out, out + 2, j - 1u);
    }
}

/* The prefix to write: prefix itself when it is one anne_codegen_prefix() makes (ASCII letters,
 * digits and '_', not needing "m_", shorter than cap), else what anne_codegen_prefix() makes of it. */
static void anne__safe_prefix(const char *prefix, char *out, size_t cap) {
    size_t i;
    for (i = 0; prefix[i] != '\0' && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)prefix[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) break;
    }
    if (prefix[i] == '\0' && !anne__needs_m(prefix)) {
        memcpy(out, prefix, i + 1u);
    } else {
        anne_codegen_prefix(prefix, out, cap);
    }
}

/* Text from outside (a model's name, a file name) inside a comment or a string literal of the generated
 * C, at most max bytes of it ("..." after a longer one): as a C string literal's contents would write
 * it, so that nothing can end the comment or the string or make a line of its own. Backslash and quote
 * escaped; control characters, DEL and every byte >= 0x80 as octal escapes; a '/' beside a '*' as an
 * octal escape ("*" "/" would end the comment, "/" "*" nest one, which -Wcomment refuses); a '?' after
 * a '?' as "\?" (no trigraph, which -std=c99 translates even in comments and strings). */
static void anne__put_escaped(anne__text *t, const char *s, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i;
    for (i = 0; p[i] != '\0' && i < max; i++) {
        unsigned char ch = p[i];
        unsigned char prev = i > 0 ? p[i - 1] : 0, next = p[i + 1];
        if (ch == '\\' || ch == '"') {
            anne__put(t, "\\%c", ch);
        } else if (ch == '\n') {
            anne__put(t, "\\n");
        } else if (ch == '\t') {
            anne__put(t, "\\t");
        } else if (ch < 0x20 || ch >= 0x7F || (ch == '/' && (prev == '*' || next == '*'))) {
            anne__put(t, "\\%03o", (unsigned)ch);
        } else if (ch == '?' && prev == '?') {
            anne__put(t, "\\?");
        } else {
            anne__put(t, "%c", ch);
        }
    }
    if (p[i] != '\0') anne__put(t, "...");
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

/* The first lines of NAME.c and NAME.h: which file, made by which tool from what (file names escaped). */
static void anne__put_banner(anne__text *t, const anne__names *nm, int header) {
    anne__put(t, "/* ");
    anne__put_escaped(t, header ? nm->h_name : nm->c_name, 200);
    anne__put(t, ": a neural network model for the ANNE runtime, generated by anne %s from ", ANNE_VERSION_STRING);
    anne__put_escaped(t, nm->source, 200);
    anne__put(t, ".\n * Do not edit: regenerate with `anne convert ");
    anne__put_escaped(t, nm->source, 200);
    anne__put(t, " ");
    anne__put_escaped(t, nm->c_name, 200);
    anne__put(t, "`. See docs/codegen.md. */\n");
}

/* The model's name and class names as macros: metadata for the firmware's own messages, costing no
 * flash or RAM unless used (docs/codegen.md). Written whole, escaped as string literals. */
static void anne__put_header_names(anne__text *h, const anne_model *m, const char *prefix) {
    uint16_t k;
    anne__put(h, "#define %s_NAME \"", prefix);
    anne__put_escaped(h, m->name, (size_t)-1);
    anne__put(h, "\" /* the model's name (\"\": none) */\n");
    anne__put(h, "#define %s_CLASSES %u     /* class names the model carries (0: none) */\n", prefix,
              (unsigned)m->n_classes);
    if (m->n_classes > 0) {
        anne__put(h, "/* The class names, class 0 first: static const char *const names[%s_CLASSES] = %s_CLASS_NAMES; */\n"
                     "#define %s_CLASS_NAMES {", prefix, prefix, prefix);
        for (k = 0; k < m->n_classes; k++) {
            anne__put(h, "%s\"", k > 0 ? ", " : "");
            anne__put_escaped(h, anne_model_class_name(m, k), (size_t)-1);
            anne__put(h, "\"");
        }
        anne__put(h, "}\n");
    }
    anne__put(h, "\n");
}

static void anne__put_header(anne__text *h, const anne_model *m, const anne__names *nm) {
    anne_dtype dt = anne_model_dtype(m);
    const char *prefix = nm->prefix, *guard = nm->guard;
    anne__put_banner(h, nm, 1);
    anne__put(h, "#ifndef %s\n#define %s\n\n#include \"anne.h\"\n%s\n", guard, guard,
              dt != ANNE_DTYPE_F32 ? "#include \"anne_quant.h\"\n" : "");
    anne__put(h, "#define %s_INPUTS %u      /* floats in one input sample (raw: scaling is inside) */\n", prefix,
              m->n_inputs);
    anne__put(h, "#define %s_OUTPUTS %u     /* floats in one output */\n", prefix, m->n_outputs);
    anne__put(h, "#define %s_ARENA_BYTES %lu /* working memory %s_predict() needs (4-byte aligned) */\n", prefix,
              (unsigned long)m->arena_bytes, prefix);
    anne__put(h, "#define %s_DTYPE %d       /* number format of the layers (anne_dtype): 0 f32, 1 Q16.16, 2 int8 */"
                 "\n\n", prefix, (int)dt);
    anne__put_header_names(h, m, prefix);
    anne__put(h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    anne__put(h, "/* Runs the model on one raw input: input (%s_INPUTS floats), output (%s_OUTPUTS floats),\n"
                 " * arena: %s_ARENA_BYTES bytes of 4-byte-aligned scratch memory, not overlapping output. */\n",
              prefix, prefix, prefix);
    anne__put(h, "anne_status %s_predict(const float *input, float *output, void *arena);\n\n", prefix);
    anne__put_header_raw(h, m, prefix);
    if (m->op_table != NULL) {
        anne__put(h, "/* The model as the runtime sees it (ops, tensors, class names, scaling), for anne_model_op(),\n"
                     " * anne_model_tensor(), anne_model_class_name() and the metrics; const, in flash. */\n");
    } else {
        anne__put(h, "/* The model as the runtime sees it (layers, class names, scaling), for anne_model_layer(),\n"
                     " * anne_model_class_name() and the metrics; const, in flash. */\n");
    }
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
    anne_dtype dt = m->tensor_quant != NULL ? ANNE_DTYPE_S8 : anne_model_dtype(m); /* an int8 graph: int8 ops */
    anne__put(c, "/* What this model needs of the runtime build (runtime/include/anne_config.h). */\n");
    snprintf(what, sizeof what, "the model's %s are %s", m->op_table != NULL ? "ops" : "layers", names[dt]);
    anne__put_require(c, prefix, knobs[dt], what, knobs[dt], tags[dt]);
    if (m->op_table != NULL) {
        anne__put_require(c, prefix, "ANNE_CONFIG_GRAPH", "it is a graph model", "ANNE_CONFIG_GRAPH", "graph");
    }
    for (k = 0; k < m->n_ops; k++) { /* a graph model's ops: each activation once */
        anne_op op;
        anne_model_op(m, k, &op);
        if (op.activation == ANNE_ACT_LINEAR || (seen & ANNE_ACT_BIT(op.activation)) != 0) continue;
        seen |= ANNE_ACT_BIT(op.activation);
        snprintf(what, sizeof what, "op %u uses %s", k + 1u, anne_activation_name(op.activation));
        snprintf(cond, sizeof cond, "ANNE_CONFIG_HAS_ACTIVATION(%d)", (int)op.activation);
        anne__put_require(c, prefix, cond, what, "ANNE_CONFIG_ACTIVATIONS", anne_activation_name(op.activation));
    }
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

/* A graph model's ops, one line each in the comment above the bytes: "3: MaxPool2D (124, 16) -> (62, 16),
 * 2 s2 valid" and the activation ("relu"). Nothing for a dense chain. */
static void anne__put_ops(anne__text *c, const anne_model *m) {
    uint16_t k;
    for (k = 0; k < m->n_ops; k++) {
        anne_graph_op_info v;
        char in[64], out[64], attr[96];
        if (anne_graph_op_info_get(m, k, &v) != ANNE_OK) continue;
        anne_graph_shape_text(&v.in, in, sizeof in);
        anne_graph_shape_text(&v.out, out, sizeof out);
        anne_graph_attr_text(&v, attr, sizeof attr);
        anne__put(c, " *   %u: %s %s -> %s%s%s%s%s\n", k + 1u, anne_graph_op_name(v.op.kind), in, out,
                  attr[0] != '\0' ? ", " : "", attr, v.op.activation != ANNE_ACT_LINEAR ? ", " : "",
                  v.op.activation != ANNE_ACT_LINEAR ? anne_activation_name(v.op.activation) : "");
    }
}

static void anne__put_source(anne__text *c, const anne_model *m, const unsigned char *bytes, size_t size,
                             const anne__names *nm) {
    size_t i, words = size / 4u, w_start = (size_t)(m->weights - m->bytes) / 4u;
    size_t w_end = w_start + m->weights_size / 4u;
    anne_dtype dt = anne_model_dtype(m);
    const char *prefix = nm->prefix;
    uint16_t k;
    anne__put_banner(c, nm, 0);
    /* the header as it is written beside (a header-name has no escapes: anne__include_safe() checked it) */
    anne__put(c, "#include \"%s\"\n\n", nm->h_name);
    anne__put(c, "#if ANNE_VERSION_MAJOR != %d || ANNE_VERSION_MINOR != %d || ANNE_FORMAT_MAJOR != %d",
              ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR, ANNE_FORMAT_MAJOR);
    if (m->op_table != NULL) anne__put(c, " || ANNE_FORMAT_GRAPH_MAJOR != %d", ANNE_FORMAT_GRAPH_MAJOR);
    anne__put(c, "\n");
    anne__put(c, "#error \"%s.c was generated for ANNE %d.%d (model format %d): regenerate it with this runtime's "
                 "anne convert\"\n#endif\n\n", prefix, ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR,
              m->op_table != NULL ? ANNE_FORMAT_GRAPH_MAJOR : ANNE_FORMAT_MAJOR);
    anne__put_requirements(c, m, prefix);
    anne__put(c, "/* Model \"");
    anne__put_escaped(c, m->name, 200);
    if (m->op_table != NULL) {
        anne__put(c, "\": %u inputs, %u outputs, a graph of %u ops; the model file (docs/format.md), %lu\n"
                     " * bytes, as little-endian 32-bit words (so it is 4-byte aligned). Ops (docs/ops.md):\n",
                  m->n_inputs, m->n_outputs, m->n_ops, (unsigned long)size);
    } else {
        anne__put(c, "\": %u inputs, %u outputs, %u layers; the model file (docs/format.md), %lu bytes,\n"
                     " * as little-endian 32-bit words (so it is 4-byte aligned). Layers:\n", m->n_inputs,
                  m->n_outputs, m->n_layers, (unsigned long)size);
    }
    anne__put_ops(c, m);
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
    anne__put(c, "    .format_minor = %u,\n    .format_major = %u,\n", m->format_minor, m->format_major);
    anne__put(c, "    .scaling = {(anne_scaling_kind)%d, ", (int)m->scaling.kind);
    anne__ptr(c, "const float *", prefix, m, m->scaling.a);
    anne__put(c, ", ");
    anne__ptr(c, "const float *", prefix, m, m->scaling.b);
    anne__put(c, "},\n    .name = ");
    if (m->name[0] == '\0') anne__put(c, "\"\"");
    else anne__ptr(c, "const char *", prefix, m, m->name);
    anne__put(c, ",\n    .class_names = ");
    anne__ptr(c, "const char *", prefix, m, m->class_names);
    anne__put(c, ",\n    .arena_bytes = %luu,\n", (unsigned long)m->arena_bytes);
    if (m->op_table != NULL) { /* a graph model; a dense one leaves these 0, and links no graph code */
        anne__put(c, "    .tensor_table = ");
        anne__ptr(c, "const uint8_t *", prefix, m, m->tensor_table);
        anne__put(c, ",\n    .op_table = ");
        anne__ptr(c, "const uint8_t *", prefix, m, m->op_table);
        anne__put(c, ",\n    .n_tensors = %u,\n    .n_ops = %u,\n    .output_list = ", m->n_tensors, m->n_ops);
        anne__ptr(c, "const uint8_t *", prefix, m, m->output_list);
        /* an int8 graph (format 2.2) runs in int8 and reads its tensors' scales from the QUANT words */
        anne__put(c, ",\n    .graph_run = anne_graph_run_%s,\n", m->tensor_quant != NULL ? "s8" : "f32");
        if (m->tensor_quant != NULL) {
            anne__put(c, "    .tensor_quant = ");
            anne__ptr(c, "const uint8_t *", prefix, m, m->tensor_quant);
            anne__put(c, ",\n");
        }
    }
    anne__put(c, "    .n_input_tensors = %u,\n    .n_output_tensors = %u,\n", m->n_input_tensors, m->n_output_tensors);
    anne__put(c, "};\n\n");
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

/* Whether a file name can stand in #include "...": a header-name has no escapes, and a quote, a
 * backslash, an apostrophe or a control character in it is an error or undefined; "??" could make a
 * trigraph (-std=c99 translates them before anything else). */
static int anne__include_safe(const char *name) {
    const unsigned char *p = (const unsigned char *)name;
    size_t i;
    for (i = 0; p[i] != '\0'; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == '"' || p[i] == '\\' || p[i] == '\'' || p[i] == '/' ||
            (p[i] == '?' && p[i + 1] == '?')) {
            return 0;
        }
    }
    return i > 0;
}

/* Whether a header's name is in the runtime's file name space (anne.h, anne_*.h, in any case: a file
 * system may ignore it): NAME.h includes "anne.h", which would find NAME.h itself beside it. */
static int anne__runtime_header(const char *name) {
    static const char anne[] = "anne";
    size_t i;
    for (i = 0; i < 4; i++) {
        if (tolower((unsigned char)name[i]) != anne[i]) return 0;
    }
    return name[4] == '_' || (name[4] == '.' && (name[5] == 'h' || name[5] == 'H') && name[6] == '\0');
}

/* The text of both files for the names in *nm (prefix already a safe identifier). */
static int anne__codegen_text(const unsigned char *bytes, size_t size, anne__names *nm, char **c_text, char **h_text,
                              anne_error *err) {
    size_t i;
    anne_model m;
    anne_status st;
    anne__text c, h;
    char guard[192];
    static const char guard_head[] = "ANNE_GENERATED_";
    *c_text = *h_text = NULL;
    st = anne_model_load(&m, bytes, size);
    if (st != ANNE_OK) {
        return anne_error_set(err, "internal error: the model to generate does not load: %s", anne_status_str(st));
    }
    /* a guard no other header has: not "IRIS_H" (a project's config.h may well use CONFIG_H) */
    memcpy(guard, guard_head, sizeof guard_head - 1u);
    for (i = 0; nm->prefix[i] != '\0' && sizeof guard_head + i + 2u < sizeof guard; i++) {
        guard[sizeof guard_head - 1u + i] = (char)toupper((unsigned char)nm->prefix[i]);
    }
    memcpy(guard + sizeof guard_head - 1u + i, "_H", 3);
    nm->guard = guard;
    memset(&c, 0, sizeof c);
    memset(&h, 0, sizeof h);
    anne__put_source(&c, &m, bytes, size, nm);
    anne__put_header(&h, &m, nm);
    nm->guard = NULL;
    if (c.oom || h.oom) {
        free(c.p);
        free(h.p);
        return anne_error_set(err, "out of memory generating C");
    }
    *c_text = c.p;
    *h_text = h.p;
    return 0;
}

/* The base name of a path (after its last '/'). */
static const char *anne__base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int anne_codegen(const unsigned char *bytes, size_t size, const char *prefix, const char *source, char **c_text,
                 char **h_text, anne_error *err) {
    char safe[128], c_name[132], h_name[132];
    anne__names nm;
    anne__safe_prefix(prefix, safe, sizeof safe);
    snprintf(c_name, sizeof c_name, "%s.c", safe);
    snprintf(h_name, sizeof h_name, "%s.h", safe);
    nm.prefix = safe;
    nm.guard = NULL;
    nm.source = anne__base(source);
    nm.c_name = c_name;
    nm.h_name = h_name;
    return anne__codegen_text(bytes, size, &nm, c_text, h_text, err);
}

int anne_codegen_write(const unsigned char *bytes, size_t size, const char *c_path, const char *prefix,
                       const char *source, anne_error *err) {
    char *c_text, *h_text, *h_path, safe[128];
    size_t n = strlen(c_path);
    anne__names nm;
    anne_file_output outs[2];
    int rc;
    if (n < 2 || strcmp(c_path + n - 2, ".c") != 0) {
        return anne_error_set(err, "%s: expected a name ending in .c", c_path);
    }
    h_path = malloc(n + 1u);
    if (h_path == NULL) return anne_error_set(err, "out of memory");
    memcpy(h_path, c_path, n + 1u);
    h_path[n - 1] = 'h';
    /* NAME.c includes the header written beside it, by that file's name */
    if (!anne__include_safe(anne__base(h_path))) {
        anne_error_set(err, "%s: the header's name \"%s\" cannot be written in an #include (a quote, backslash, "
                            "apostrophe, control character or \"??\" in it): choose another name for OUT",
                       c_path, anne__base(h_path));
        free(h_path);
        return -1;
    }
    if (anne__runtime_header(anne__base(h_path))) {
        anne_error_set(err, "%s: the header \"%s\" would take the place of the runtime's own (anne.h and anne_*.h "
                            "are the runtime's headers, which NAME.h includes): choose another name for OUT",
                       c_path, anne__base(h_path));
        free(h_path);
        return -1;
    }
    anne__safe_prefix(prefix, safe, sizeof safe);
    nm.prefix = safe;
    nm.guard = NULL;
    nm.source = anne__base(source);
    nm.c_name = anne__base(c_path);
    nm.h_name = anne__base(h_path);
    if (anne__codegen_text(bytes, size, &nm, &c_text, &h_text, err) != 0) {
        free(h_path);
        return -1;
    }
    /* neither or both: both staged completely, then both put in place; a failure leaves old ones alone */
    outs[0].path = c_path;
    outs[0].data = c_text;
    outs[0].size = strlen(c_text);
    outs[1].path = h_path;
    outs[1].data = h_text;
    outs[1].size = strlen(h_text);
    rc = anne_file_write_all(outs, 2, err);
    free(c_text);
    free(h_text);
    free(h_path);
    return rc;
}
