/* Generated C: the model file's bytes as a 4-byte-aligned const array (in flash), a const anne_model
 * describing them (filled in here, from the same loader a board runs, so no load or CRC is needed at
 * run time) and a NAME_predict() entry point. Deterministic: no dates, no absolute paths. */
#include "anne_codegen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_codegen_test.h"
#include "anne_ctext.h"
#include "anne_file.h"
#include "anne_graph_info.h"
#include "anne_json_write.h"
#include "anne_quant.h"

/* The names a generated pair carries: prefix (a C identifier), guard (the header's), and file names
 * from outside (escaped wherever they are written, and h_name checked for the #include). */
typedef struct anne__names {
    const char *prefix, *guard;
    const char *source;         /* IN's base name */
    const char *c_name, *h_name;
} anne__names;

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

/* "(const T)((const uint8_t *)P__words + off)" for a pointer into the model bytes. */
static void anne__ptr(anne_text *t, const char *type, const char *prefix, const anne_model *m, const void *p) {
    if (p == NULL) {
        anne_text_put(t, "NULL");
        return;
    }
    anne_text_put(t, "(%s)(const void *)((const uint8_t *)%s__words + %lu)", type, prefix,
              (unsigned long)((const uint8_t *)p - m->bytes));
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
static void anne__put_header_raw(anne_text *h, const anne_model *m, const char *prefix) {
    anne_dtype dt = anne_model_dtype(m);
    if (dt == ANNE_DTYPE_S8) {
        float in_scale = 0.0f, out_scale = 0.0f;
        int32_t in_zp = 0, out_zp = 0;
        (void)anne_model_s8_io(m, &in_scale, &in_zp, &out_scale, &out_zp); /* the model loaded as int8 */
        anne_text_put(h, "/* int8 input and output: real = SCALE * (q - ZERO_POINT) (anne_s8_quantize() and\n"
                     " * anne_s8_dequantize() convert); the input is quantized after the model's input scaling. */\n");
        anne_text_put(h, "#define %s_INPUT_SCALE ", prefix);
        anne_ctext_put_float(h, in_scale);
        anne_text_put(h, "\n#define %s_INPUT_ZERO_POINT (%ld)\n#define %s_OUTPUT_SCALE ", prefix, (long)in_zp, prefix);
        anne_ctext_put_float(h, out_scale);
        anne_text_put(h, "\n#define %s_OUTPUT_ZERO_POINT (%ld)\n\n", prefix, (long)out_zp);
        anne_text_put(h, "/* The raw int8 path (no float arithmetic): input (%s_INPUTS int8, quantized as above),\n"
                     " * output (%s_OUTPUTS int8), arena as for %s_predict(). */\n", prefix, prefix, prefix);
        anne_text_put(h, "anne_status %s_predict_s8(const int8_t *input, int8_t *output, void *arena);\n\n", prefix);
        anne_text_put(h, "/* Bytes anne_model_s8_widen() needs to widen a copy of the model to int16 in a build\n"
                     " * with ANNE_CONFIG_S8_WIDE (docs/codegen.md, docs/mcu.md), 4-aligned; 0 where it is off. */\n");
        anne_text_put(h, "#define %s_WIDE_BYTES %luu\n\n", prefix, anne__wide_bytes(m));
    } else if (dt == ANNE_DTYPE_Q16) {
        anne_text_put(h, "/* The raw Q16.16 path (no float arithmetic): input (%s_INPUTS int32 Q16.16, after the model's\n"
                     " * input scaling; anne_q16_from_f32() converts), output (%s_OUTPUTS Q16.16), arena as for\n"
                     " * %s_predict(). */\n", prefix, prefix, prefix);
        anne_text_put(h, "anne_status %s_predict_q16(const int32_t *input, int32_t *output, void *arena);\n\n", prefix);
    }
}

/* The first lines of NAME.c and NAME.h: which file, made by which tool from what (file names escaped). */
static void anne__put_banner(anne_text *t, const anne__names *nm, int header) {
    anne_text_put(t, "/* ");
    anne_ctext_put_escaped(t, header ? nm->h_name : nm->c_name, 200);
    anne_text_put(t, ": a neural network model for the ANNE runtime, generated by anne %s from ", ANNE_VERSION_STRING);
    anne_ctext_put_escaped(t, nm->source, 200);
    anne_text_put(t, ".\n * Do not edit: regenerate with `anne convert ");
    anne_ctext_put_escaped(t, nm->source, 200);
    anne_text_put(t, " ");
    anne_ctext_put_escaped(t, nm->c_name, 200);
    anne_text_put(t, "`. See docs/codegen.md. */\n");
}

/* The model's name and class names as macros: metadata for the firmware's own messages, costing no
 * flash or RAM unless used (docs/codegen.md). Written whole, escaped as string literals. */
static void anne__put_header_names(anne_text *h, const anne_model *m, const char *prefix) {
    uint16_t k;
    anne_text_put(h, "#define %s_NAME \"", prefix);
    anne_ctext_put_escaped(h, m->name, (size_t)-1);
    anne_text_put(h, "\" /* the model's name (\"\": none) */\n");
    anne_text_put(h, "#define %s_CLASSES %u     /* class names the model carries (0: none) */\n", prefix,
              (unsigned)m->n_classes);
    if (m->n_classes > 0) {
        anne_text_put(h, "/* The class names, class 0 first: static const char *const names[%s_CLASSES] = %s_CLASS_NAMES; */\n"
                     "#define %s_CLASS_NAMES {", prefix, prefix, prefix);
        for (k = 0; k < m->n_classes; k++) {
            anne_text_put(h, "%s\"", k > 0 ? ", " : "");
            anne_ctext_put_escaped(h, anne_model_class_name(m, k), (size_t)-1);
            anne_text_put(h, "\"");
        }
        anne_text_put(h, "}\n");
    }
    anne_text_put(h, "\n");
}

static void anne__put_header(anne_text *h, const anne_model *m, const anne__names *nm) {
    anne_dtype dt = anne_model_dtype(m);
    const char *prefix = nm->prefix, *guard = nm->guard;
    anne__put_banner(h, nm, 1);
    anne_text_put(h, "#ifndef %s\n#define %s\n\n#include \"anne.h\"\n%s\n", guard, guard,
              dt != ANNE_DTYPE_F32 ? "#include \"anne_quant.h\"\n" : "");
    anne_text_put(h, "#define %s_INPUTS %u      /* floats in one input sample (raw: scaling is inside) */\n", prefix,
              m->n_inputs);
    anne_text_put(h, "#define %s_OUTPUTS %u     /* floats in one output */\n", prefix, m->n_outputs);
    anne_text_put(h, "#define %s_ARENA_BYTES %lu /* working memory %s_predict() needs (4-byte aligned) */\n", prefix,
              (unsigned long)m->arena_bytes, prefix);
    anne_text_put(h, "#define %s_DTYPE %d       /* number format of the layers (anne_dtype): 0 f32, 1 Q16.16, 2 int8 */"
                 "\n\n", prefix, (int)dt);
    anne__put_header_names(h, m, prefix);
    anne_text_put(h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    anne_text_put(h, "/* Runs the model on one raw input: input (%s_INPUTS floats), output (%s_OUTPUTS floats),\n"
                 " * arena: %s_ARENA_BYTES bytes of 4-byte-aligned scratch memory, not overlapping output. */\n",
              prefix, prefix, prefix);
    anne_text_put(h, "anne_status %s_predict(const float *input, float *output, void *arena);\n\n", prefix);
    anne__put_header_raw(h, m, prefix);
    if (m->op_table != NULL) {
        anne_text_put(h, "/* The model as the runtime sees it (ops, tensors, class names, scaling), for anne_model_op(),\n"
                     " * anne_model_tensor(), anne_model_class_name() and the metrics; const, in flash. */\n");
    } else {
        anne_text_put(h, "/* The model as the runtime sees it (layers, class names, scaling), for anne_model_layer(),\n"
                     " * anne_model_class_name() and the metrics; const, in flash. */\n");
    }
    anne_text_put(h, "const anne_model *%s_model(void);\n\n", prefix);
    anne_text_put(h, "/* Runs the runtime's full validating loader (CRC included) over the embedded bytes: a\n"
                 " * start-up self-test against damaged flash. %s_predict() does not need it. */\n", prefix);
    anne_text_put(h, "anne_status %s_validate(void);\n\n", prefix);
    anne_text_put(h, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
}

/* A compile-time requirement in the generated C: C11's _Static_assert where there is one, else an array
 * whose size is negative when cond is false (C99: the typedef's name, unique by tag, carries the message). */
static void anne__put_require(anne_text *c, const char *prefix, const char *cond, const char *what, const char *knob,
                              const char *tag) {
    anne_text_put(c, "#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L\n");
    anne_text_put(c, "_Static_assert(%s, \"%s.c: %s, which this runtime build leaves out (%s)\");\n#else\n", cond, prefix,
              what, knob);
    anne_text_put(c, "typedef char %s__runtime_build_leaves_out_%s__see_%s[(%s) ? 1 : -1];\n#endif\n", prefix, tag,
              knob, cond);
}

/* The formats and activations this model needs, required of the runtime build it is compiled with
 * (runtime/include/anne_config.h): a build that leaves one out rejects such a model at load, but
 * nothing loads a generated model, and the kernels would pass an unknown activation through. Written
 * as constant expressions of the knobs, not #if, since ANNE_CONFIG_ACTIVATIONS may be written with
 * ANNE_ACT_BIT and the enum names, which the preprocessor cannot evaluate. */
static void anne__put_requirements(anne_text *c, const anne_model *m, const char *prefix) {
    static const char *const knobs[] = {"ANNE_CONFIG_F32", "ANNE_CONFIG_Q16", "ANNE_CONFIG_S8"};
    static const char *const names[] = {"float32", "Q16.16", "int8"}, *const tags[] = {"f32", "q16", "s8"};
    uint32_t seen = 0;
    uint16_t k;
    char what[96], cond[64];
    anne_dtype dt = m->tensor_quant != NULL ? ANNE_DTYPE_S8 : anne_model_dtype(m); /* an int8 graph: int8 ops */
    anne_text_put(c, "/* What this model needs of the runtime build (runtime/include/anne_config.h). */\n");
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
    anne_text_put(c, "\n");
}

/* A graph model's ops, one line each in the comment above the bytes: "3: MaxPool2D (124, 16) -> (62, 16),
 * 2 s2 valid" and the activation ("relu"). Nothing for a dense chain. */
static void anne__put_ops(anne_text *c, const anne_model *m) {
    uint16_t k;
    for (k = 0; k < m->n_ops; k++) {
        anne_graph_op_info v;
        char in[64], out[64], attr[96];
        if (anne_graph_op_info_get(m, k, &v) != ANNE_OK) continue;
        anne_graph_shape_text(&v.in, in, sizeof in);
        anne_graph_shape_text(&v.out, out, sizeof out);
        anne_graph_attr_text(&v, attr, sizeof attr);
        anne_text_put(c, " *   %u: %s %s -> %s%s%s%s%s\n", k + 1u, anne_graph_op_name(v.op.kind), in, out,
                  attr[0] != '\0' ? ", " : "", attr, v.op.activation != ANNE_ACT_LINEAR ? ", " : "",
                  v.op.activation != ANNE_ACT_LINEAR ? anne_activation_name(v.op.activation) : "");
    }
}

static void anne__put_source(anne_text *c, const anne_model *m, const unsigned char *bytes, size_t size,
                             const anne__names *nm) {
    size_t i, words = size / 4u, w_start = (size_t)(m->weights - m->bytes) / 4u;
    size_t w_end = w_start + m->weights_size / 4u;
    anne_dtype dt = anne_model_dtype(m);
    const char *prefix = nm->prefix;
    uint16_t k;
    anne__put_banner(c, nm, 0);
    /* the header as it is written beside (a header-name has no escapes: anne__include_safe() checked it) */
    anne_text_put(c, "#include \"%s\"\n\n", nm->h_name);
    anne_text_put(c, "#if ANNE_VERSION_MAJOR != %d || ANNE_VERSION_MINOR != %d || ANNE_FORMAT_MAJOR != %d",
              ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR, ANNE_FORMAT_MAJOR);
    if (m->op_table != NULL) anne_text_put(c, " || ANNE_FORMAT_GRAPH_MAJOR != %d", ANNE_FORMAT_GRAPH_MAJOR);
    anne_text_put(c, "\n");
    anne_text_put(c, "#error \"%s.c was generated for ANNE %d.%d (model format %d): regenerate it with this runtime's "
                 "anne convert\"\n#endif\n\n", prefix, ANNE_VERSION_MAJOR, ANNE_VERSION_MINOR,
              m->op_table != NULL ? ANNE_FORMAT_GRAPH_MAJOR : ANNE_FORMAT_MAJOR);
    anne__put_requirements(c, m, prefix);
    anne_text_put(c, "/* Model \"");
    anne_ctext_put_escaped(c, m->name, 200);
    if (m->op_table != NULL) {
        anne_text_put(c, "\": %u inputs, %u outputs, a graph of %u ops; the model file (docs/format.md), %lu\n"
                     " * bytes, as little-endian 32-bit words (so it is 4-byte aligned). Ops (docs/ops.md):\n",
                  m->n_inputs, m->n_outputs, m->n_ops, (unsigned long)size);
    } else {
        anne_text_put(c, "\": %u inputs, %u outputs, %u layers; the model file (docs/format.md), %lu bytes,\n"
                     " * as little-endian 32-bit words (so it is 4-byte aligned). Layers:\n", m->n_inputs,
                  m->n_outputs, m->n_layers, (unsigned long)size);
    }
    anne__put_ops(c, m);
    for (k = 0; k < m->n_layers; k++) {
        anne_layer l;
        const char *fmt;
        anne_model_layer(m, k, &l);
        fmt = l.dtype == ANNE_DTYPE_Q16 ? ", Q16.16" : l.dtype == ANNE_DTYPE_S8 ? ", int8" : "";
        anne_text_put(c, " *   %u: dense %u -> %u, %s, %s%s\n", k + 1u, l.n_in, l.n_out, anne_activation_name(l.activation),
                  l.bias ? "bias" : "no bias", fmt);
    }
    if (m->scaling.kind != ANNE_SCALING_NONE) {
        anne_text_put(c, " * Inputs are scaled inside (%s).\n",
                  m->scaling.kind == ANNE_SCALING_STANDARDIZE ? "standardized" : "min-max");
    }
    if (dt == ANNE_DTYPE_F32) {
        anne_text_put(c, " * The weights section starts at word %lu; each of its lines shows its floats. */\n",
                  (unsigned long)w_start);
    } else { /* integers and quantization records: a float reading of them would mislead */
        anne_text_put(c, " * The weights section starts at word %lu: %s kernels and biases, quantization data\n"
                     " * (docs/format.md, docs/numerics.md). */\n",
                  (unsigned long)w_start, dt == ANNE_DTYPE_Q16 ? "Q16.16" : "int8");
        w_end = w_start; /* no float comments */
    }
    anne_text_put(c, "static const uint32_t %s__words[%lu] = {\n", prefix, (unsigned long)words);
    for (i = 0; i < words; i += 4) {
        size_t j, end = i + 4 < words ? i + 4 : words;
        int in_weights = i >= w_start && i < w_end;
        anne_text_put(c, "   ");
        for (j = i; j < end; j++) {
            uint32_t u = (uint32_t)bytes[4 * j] | ((uint32_t)bytes[4 * j + 1] << 8) |
                         ((uint32_t)bytes[4 * j + 2] << 16) | ((uint32_t)bytes[4 * j + 3] << 24);
            anne_text_put(c, " 0x%08lxu,", (unsigned long)u);
        }
        if (in_weights) {
            anne_text_put(c, "%*s /*", (int)(4 - (end - i)) * 13, "");
            for (j = i; j < end && j < w_end; j++) {
                float f;
                char num[32];
                memcpy(&f, bytes + 4 * j, sizeof f);
                anne_json_format_float(num, f);
                anne_text_put(c, " %s", num);
            }
            anne_text_put(c, " */");
        }
        anne_text_put(c, "\n");
    }
    anne_text_put(c, "};\n\n");
    /* the anne_model anne_model_load() fills for these bytes, written out so nothing runs at start-up */
    anne_text_put(c, "static const anne_model %s__model = {\n", prefix);
    anne_text_put(c, "    .bytes = (const uint8_t *)%s__words,\n    .size = %luu,\n", prefix, (unsigned long)m->size);
    anne_text_put(c, "    .layer_table = ");
    anne__ptr(c, "const uint8_t *", prefix, m, m->layer_table);
    anne_text_put(c, ",\n    .weights = ");
    anne__ptr(c, "const uint8_t *", prefix, m, m->weights);
    anne_text_put(c, ",\n    .weights_size = %luu,\n", (unsigned long)m->weights_size);
    anne_text_put(c, "    .n_inputs = %u,\n    .n_outputs = %u,\n    .n_layers = %u,\n    .n_classes = %u,\n",
              m->n_inputs, m->n_outputs, m->n_layers, m->n_classes);
    anne_text_put(c, "    .format_minor = %u,\n    .format_major = %u,\n", m->format_minor, m->format_major);
    anne_text_put(c, "    .scaling = {(anne_scaling_kind)%d, ", (int)m->scaling.kind);
    anne__ptr(c, "const float *", prefix, m, m->scaling.a);
    anne_text_put(c, ", ");
    anne__ptr(c, "const float *", prefix, m, m->scaling.b);
    anne_text_put(c, "},\n    .name = ");
    if (m->name[0] == '\0') anne_text_put(c, "\"\"");
    else anne__ptr(c, "const char *", prefix, m, m->name);
    anne_text_put(c, ",\n    .class_names = ");
    anne__ptr(c, "const char *", prefix, m, m->class_names);
    anne_text_put(c, ",\n    .arena_bytes = %luu,\n", (unsigned long)m->arena_bytes);
    if (m->op_table != NULL) { /* a graph model; a dense one leaves these 0, and links no graph code */
        anne_text_put(c, "    .tensor_table = ");
        anne__ptr(c, "const uint8_t *", prefix, m, m->tensor_table);
        anne_text_put(c, ",\n    .op_table = ");
        anne__ptr(c, "const uint8_t *", prefix, m, m->op_table);
        anne_text_put(c, ",\n    .n_tensors = %u,\n    .n_ops = %u,\n    .output_list = ", m->n_tensors, m->n_ops);
        anne__ptr(c, "const uint8_t *", prefix, m, m->output_list);
        /* an int8 graph (format 2.2) runs in int8 and reads its tensors' scales from the QUANT words */
        anne_text_put(c, ",\n    .graph_run = anne_graph_run_%s,\n", m->tensor_quant != NULL ? "s8" : "f32");
        if (m->tensor_quant != NULL) {
            anne_text_put(c, "    .tensor_quant = ");
            anne__ptr(c, "const uint8_t *", prefix, m, m->tensor_quant);
            anne_text_put(c, ",\n");
        }
    }
    anne_text_put(c, "    .n_input_tensors = %u,\n    .n_output_tensors = %u,\n", m->n_input_tensors, m->n_output_tensors);
    anne_text_put(c, "};\n\n");
    anne_text_put(c, "anne_status %s_predict(const float *input, float *output, void *arena) {\n", prefix);
    anne_text_put(c, "    return anne_model_predict(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n", prefix,
              prefix);
    if (dt == ANNE_DTYPE_S8) {
        anne_text_put(c, "anne_status %s_predict_s8(const int8_t *input, int8_t *output, void *arena) {\n", prefix);
        anne_text_put(c, "    return anne_model_predict_s8(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n",
                  prefix, prefix);
    } else if (dt == ANNE_DTYPE_Q16) {
        anne_text_put(c, "anne_status %s_predict_q16(const int32_t *input, int32_t *output, void *arena) {\n", prefix);
        anne_text_put(c, "    return anne_model_predict_q16(&%s__model, output, input, arena, %s_ARENA_BYTES);\n}\n\n",
                  prefix, prefix);
    }
    anne_text_put(c, "const anne_model *%s_model(void) {\n    return &%s__model;\n}\n\n", prefix, prefix);
    anne_text_put(c, "anne_status %s_validate(void) {\n    anne_model m;\n", prefix);
    anne_text_put(c, "    return anne_model_load(&m, %s__words, sizeof %s__words);\n}\n", prefix, prefix);
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
    anne_text c, h;
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

/* path without its last two bytes (".c") and with tail instead: "out/m.c", "_test.h" -> "out/m_test.h"
 * (malloc'd; NULL when out of memory). */
static char *anne__sibling(const char *c_path, const char *tail) {
    size_t n = strlen(c_path) - 2u, t = strlen(tail);
    char *p = malloc(n + t + 1u);
    if (p == NULL) return NULL;
    memcpy(p, c_path, n);
    memcpy(p + n, tail, t + 1u);
    return p;
}

/* A .c and its .h as two outputs of anne_file_write_all() (texts NUL-terminated, borrowed). */
static void anne__output_pair(anne_file_output *outs, const char *c_path, const char *c_text, const char *h_path,
                              const char *h_text) {
    outs[0].path = c_path;
    outs[0].data = c_text;
    outs[0].size = strlen(c_text);
    outs[1].path = h_path;
    outs[1].data = h_text;
    outs[1].size = strlen(h_text);
}

/* NAME_test.c and NAME_test.h of a self-test (outs[0], outs[1]; paths and texts malloc'd into them). */
static int anne__write_test_texts(const unsigned char *bytes, size_t size, const char *c_path, const anne__names *nm,
                                  const anne_codegen_test *test, anne_file_output *outs, anne_error *err) {
    anne_codegen_test_names tn;
    anne_model m;
    char *c_text = NULL, *h_text = NULL;
    char *tc = anne__sibling(c_path, "_test.c"), *th = anne__sibling(c_path, "_test.h");
    if (tc == NULL || th == NULL) {
        free(tc);
        free(th);
        return anne_error_set(err, "out of memory");
    }
    tn.prefix = nm->prefix;
    tn.source = nm->source;
    tn.c_name = nm->c_name;
    tn.model_h = nm->h_name;
    tn.test_c = anne__base(tc);
    tn.test_h = anne__base(th);
    if (anne_model_load(&m, bytes, size) != ANNE_OK ||
        anne_codegen_test_text(&m, test, &tn, &c_text, &h_text, err) != 0) {
        free(tc);
        free(th);
        return -1; /* the model loaded a moment ago for NAME.c: only the test can fail */
    }
    anne__output_pair(outs, tc, c_text, th, h_text);
    return 0;
}

int anne_codegen_write(const unsigned char *bytes, size_t size, const char *c_path, const char *prefix,
                       const char *source, const anne_codegen_test *test, anne_error *err) {
    char *c_text, *h_text, *h_path, safe[128];
    size_t n = strlen(c_path), k, n_outs = 2;
    anne__names nm;
    anne_file_output outs[4];
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
    anne__output_pair(outs, c_path, c_text, h_path, h_text);
    rc = 0;
    if (test != NULL) { /* NAME_test.c and NAME_test.h with them: all four or none */
        memset(outs + 2, 0, 2 * sizeof *outs);
        rc = anne__write_test_texts(bytes, size, c_path, &nm, test, outs + 2, err);
        if (rc == 0) n_outs = 4;
    }
    if (rc == 0) rc = anne_file_write_all(outs, n_outs, err);
    for (k = 2; k < n_outs; k++) {
        free((char *)outs[k].path);
        free((void *)outs[k].data);
    }
    free(c_text);
    free(h_text);
    free(h_path);
    return rc;
}
