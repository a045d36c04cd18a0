/* anne convert: reads any model source (ANNE JSON, .anne incl. quantized, Keras .h5 / .keras / to_json()
 * + weights, TensorFlow.js) and writes it in the format OUT's extension names (a table: one writer, one
 * row), or with --check lists which layers it can convert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_codegen.h"
#include "anne_commands.h"
#include "anne_file.h"
#include "anne_import.h"
#include "anne_ir.h"
#include "anne_json_write.h"
#include "anne_names.h"
#include "anne_quant.h"
#include "anne_tflite.h"

/* The model being converted: its file bytes (loaded), and its IR unless it is quantized (the IR and
 * the JSON writer hold float weights only; quantized models are copied as bytes). */
typedef struct anne__src {
    anne_ir ir;
    int has_ir;
    unsigned char *bytes;       /* malloc'd model file (4-byte aligned) */
    size_t size;
    anne_model model;           /* loaded from bytes */
} anne__src;

/* Writes OUT (and whatever goes with it); *written: bytes of OUT, for the message. */
typedef int (*anne__writer)(const anne__src *s, const char *out, const char *prefix, const char *in,
                            const anne_codegen_test *test, size_t *written, anne_error *err);

/* The number format of a loaded model: an int8 graph (format 2.2) has int8 tensors, not layers. */
static const char *anne__dtype_name(const anne_model *m) {
    anne_dtype dt = m->tensor_quant != NULL ? ANNE_DTYPE_S8 : anne_model_dtype(m);
    return dt == ANNE_DTYPE_Q16 ? "q16" : dt == ANNE_DTYPE_S8 ? "int8" : "f32";
}

static int anne__write_json(const anne__src *s, const char *out, const char *prefix, const char *in,
                            const anne_codegen_test *test, size_t *written, anne_error *err) {
    char *text;
    int rc;
    (void)prefix;
    (void)in;
    (void)test;
    if (!s->has_ir) {
        return anne_error_set(err, "a quantized model (%s) cannot be written as ANNE JSON, which holds float weights: "
                                   "write .anne or .c, or convert the float model",
                              anne__dtype_name(&s->model));
    }
    if (anne_json_write(&s->ir, &text, err) != 0) return -1;
    *written = strlen(text);
    rc = anne_file_write(out, text, *written, err);
    free(text);
    return rc != 0 ? 1 : 0; /* 1: a file error, printed without IN */
}

static int anne__write_c(const anne__src *s, const char *out, const char *prefix, const char *in,
                         const anne_codegen_test *test, size_t *written, anne_error *err) {
    (void)written;
    return anne_codegen_write(s->bytes, s->size, out, prefix, in, test, err);
}

static int anne__write_anne(const anne__src *s, const char *out, const char *prefix, const char *in,
                            const anne_codegen_test *test, size_t *written, anne_error *err) {
    (void)prefix;
    (void)in;
    (void)test;
    *written = s->size;
    return anne_file_write(out, s->bytes, s->size, err) != 0 ? 1 : 0;
}

static const struct {
    const char *ext;            /* how OUT ends; "" matches anything (the default, last) */
    const char *what;
    int has_prefix;             /* writes generated names (the message names the prefix) */
    anne__writer write;         /* returns 0, -1 (an error about the model) or 1 (about OUT) */
} anne__outputs[] = {
    {".json", "ANNE JSON", 0, anne__write_json},
    {".c", "generated C, with its .h", 1, anne__write_c},
    {"", "binary model", 0, anne__write_anne},
};

/* The loaded model file of a quantized .anne IN, or 0 (*s untouched) for anything else. */
static int anne__open_quantized(anne__src *s, const char *in) {
    anne_error ignored;
    if (anne_file_read(in, &s->bytes, &s->size, &ignored) != 0) return 0; /* the importer reports it */
    if (anne_tflite_is(s->bytes, s->size)) { /* an int8 .tflite becomes int8 model bytes directly */
        unsigned char *tf = s->bytes;
        int rc = anne_tflite_convert(tf, s->size, in, &s->bytes, &s->size, &ignored);
        free(tf);
        if (rc != 0) s->bytes = NULL; /* the importer reports it */
    }
    if (s->size >= 4 && memcmp(s->bytes, "ANNE", 4) == 0 && anne_model_load(&s->model, s->bytes, s->size) == ANNE_OK &&
        (anne_model_dtype(&s->model) != ANNE_DTYPE_F32 || s->model.tensor_quant != NULL)) {
        return 1; /* int8 and Q16.16 chains, int8 graphs (format 2.2): the tools' IR is float32 */
    }
    free(s->bytes);
    s->bytes = NULL;
    s->size = 0;
    return 0;
}

/* Rewrites a loaded (quantized) model with another name (NULL: keep) and class names (NULL: keep; "":
 * none; else a --classes list): the same layers, records and sections. */
static int anne__rename(anne__src *s, const char *name, const char *class_list, anne_error *err) {
    const anne_model *m = &s->model;
    anne_model_desc d;
    anne_layer *layers = calloc(m->n_layers, sizeof *layers);
    const char **classes = calloc(m->n_classes + 1u, sizeof *classes);
    char **given = NULL;
    uint16_t n_given = 0;
    unsigned char *bytes = NULL;
    size_t size = 0;
    anne_status st;
    uint16_t k;
    if (m->op_table != NULL) { /* an int8 graph: its ops are not rewritten here */
        free(layers);
        free(classes);
        return anne_error_set(err, "--name and --classes are not supported for int8 graph models (format 2.2) yet");
    }
    if (layers == NULL || classes == NULL) {
        free(layers);
        free(classes);
        return anne_error_set(err, "out of memory");
    }
    if (class_list != NULL &&
        (anne_names_parse(class_list, &given, &n_given, err) != 0 ||
         (n_given != 0 && anne_names_check(n_given, m->n_outputs, err) != 0))) {
        anne_names_free(given, n_given);
        free(layers);
        free(classes);
        return -1;
    }
    for (k = 0; k < m->n_layers; k++) anne_model_layer(m, k, &layers[k]);
    for (k = 0; k < m->n_classes; k++) classes[k] = anne_model_class_name(m, k);
    memset(&d, 0, sizeof d);
    d.name = name != NULL ? name : m->name;
    d.n_inputs = m->n_inputs;
    d.n_layers = m->n_layers;
    d.layers = layers;
    d.scaling = m->scaling;
    d.n_classes = class_list != NULL ? n_given : m->n_classes;
    d.class_names = class_list != NULL ? (const char *const *)given : classes;
    st = anne_model_write(&d, NULL, 0, &size);
    if (st == ANNE_OK && (bytes = malloc(size)) != NULL) st = anne_model_write(&d, bytes, size, &size);
    free(layers);
    free(classes);
    anne_names_free(given, n_given);
    if (st == ANNE_OK && bytes == NULL) return anne_error_set(err, "out of memory");
    if (st == ANNE_OK) st = anne_model_load(&s->model, bytes, size);
    if (st != ANNE_OK) {
        free(bytes);
        return anne_error_set(err, "cannot rewrite the model: %s", anne_status_str(st));
    }
    free(s->bytes);
    s->bytes = bytes;
    s->size = size;
    return 0;
}

static int anne__ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static void anne__convert_usage(FILE *out) {
    fprintf(out,
            "usage: anne convert IN OUT [--name NAME] [--classes A,B,...] [--weights WEIGHTS.h5]\n"
            "       anne convert IN NAME.c --test DATA.csv [--rows N] [--label COL] [--no-header]\n"
            "       anne convert --check IN [--weights WEIGHTS.h5]\n"
            "\n"
            "Reads the model IN, recognized by content: an .anne model file, ANNE JSON, a Keras .h5 or .keras\n"
            "file, a Keras model.to_json() architecture (with --weights), a TensorFlow.js model.json\n"
            "(docs/keras-import.md) or a TensorFlow Lite .tflite file (docs/tflite-import.md). Writes OUT:\n"
            "  OUT ending in .json   ANNE JSON (docs/anne-json.md), kernels in Keras' inputs x units layout\n"
            "  OUT ending in .c      generated C: OUT and the header beside it (docs/codegen.md)\n"
            "  any other OUT         binary model file (.anne, docs/format.md)\n"
            "A quantized IN (a q16 or int8 model from anne quantize) is written as .anne or .c, not as JSON.\n"
            "OUT is written atomically: on any error it is left as it was.\n"
            "\n"
            "options:\n"
            "  --name NAME           set the model's name (an empty NAME removes it); for .c output also the\n"
            "                        prefix of the generated names (default: OUT's base name)\n"
            "  --classes A,B,...     set the class names, one per output (one sigmoid output: 2 names),\n"
            "                        separated by commas; an empty list removes them\n"
            "  --weights FILE        the HDF5 weights for a to_json() IN: Keras 2's or Keras 3's\n"
            "                        save_weights file (NAME.weights.h5) or a full .h5\n"
            "  --test DATA.csv       with OUT NAME.c: also write NAME_test.c and NAME_test.h, a self-test\n"
            "                        to run on the board: the first rows of DATA.csv with the outputs this\n"
            "                        host computes for them, and int NAME_self_test(void), which returns\n"
            "                        how many outputs differ by a bit (0: all equal; docs/codegen.md)\n"
            "  --rows N              rows of DATA.csv the self-test takes (default 10; 1 to 65535)\n"
            "  --label COL           a column of DATA.csv to leave out (e.g. the class), as predict's\n"
            "  --no-header           DATA.csv has no header row: columns are named by their index from 0;\n"
            "                        DATA.csv - reads standard input\n"
            "  --check               list every layer of IN as supported or not, write nothing;\n"
            "                        exit 0 when all are supported, 1 otherwise; the weights are read\n"
            "                        and, when all layers are supported, converted in memory: --check\n"
            "                        fails with convert's message wherever convert would\n"
            "  -h, --help            show this help\n");
}

static size_t anne__parameters(const anne_model *m) {
    size_t n = 0;
    uint16_t k;
    for (k = 0; k < m->n_ops; k++) { /* a graph model: its ops' kernels and biases (int8 graphs: int8 kernels) */
        anne_op op;
        anne_model_op(m, k, &op);
        n += m->tensor_quant != NULL ? op.kernel_size + op.bias_size / 4u : ((size_t)op.kernel_size + op.bias_size) / 4u;
    }
    for (k = 0; k < m->n_layers; k++) {
        anne_layer l;
        anne_model_layer(m, k, &l);
        n += (size_t)l.n_in * l.n_out + (l.bias != NULL ? l.n_out : 0u);
    }
    return n;
}

static void anne__src_free(anne__src *s) {
    if (s->has_ir) anne_ir_free(&s->ir);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

/* Reads IN into *s: a quantized .anne as its bytes, anything else through the importers and the writer.
 * Returns 0, or -1 with err ("IN: " in front when *in_prefix is set on return). */
static int anne__open(anne__src *s, const char *in, anne_import_options *opt, const char *name, const char *classes,
                      int *in_prefix, anne_error *err) {
    anne_status st;
    memset(s, 0, sizeof *s);
    *in_prefix = 0;
    if (anne__open_quantized(s, in)) {
        if ((name != NULL || classes != NULL) && anne__rename(s, name, classes, err) != 0) {
            anne__src_free(s);
            *in_prefix = 1;
            return -1;
        }
        return 0;
    }
    if (anne_import_ex(&s->ir, in, opt, err) != 0) return -1;
    s->has_ir = 1;
    *in_prefix = 1; /* errors about the model, written or not */
    if (anne_names_apply(&s->ir, name, classes, err) != 0) {
        anne__src_free(s);
        return -1;
    }
    if (anne_ir_serialize(&s->ir, &s->bytes, &s->size, err) != 0) {
        anne__src_free(s);
        return -1;
    }
    st = anne_model_load(&s->model, s->bytes, s->size); /* bytes from malloc: aligned */
    if (st != ANNE_OK) {
        anne__src_free(s);
        return anne_error_set(err, "internal error: the model just written does not load: %s", anne_status_str(st));
    }
    return 0;
}

/* --rows: a whole number 1..ANNE__TEST_MAX_ROWS (out: size_t *). */
#define ANNE__TEST_MAX_ROWS 65535u
static int anne__parse_rows(const char *text, void *out) {
    char *end;
    unsigned long v;
    if (*text < '0' || *text > '9') return -1; /* no sign, no spaces */
    v = strtoul(text, &end, 10);
    if (*end != '\0' || v < 1 || v > ANNE__TEST_MAX_ROWS) return -1;
    *(size_t *)out = (size_t)v;
    return 0;
}

/* --test's rows: the first `rows` of the CSV file as the model's raw inputs (*x malloc'd, *n of them). */
static int anne__test_rows(const anne_model *m, const char *path, unsigned csv_flags, const char *label, size_t rows,
                           float **x, size_t *n, anne_error *err) {
    anne_csv t;
    size_t label_col;
    int rc = anne_cli_read_features(&t, path, csv_flags, label, m->n_inputs, rows, &label_col, x, err);
    *n = t.n_rows < rows ? t.n_rows : rows;
    anne_csv_free(&t);
    return rc;
}

int anne_cmd_convert(int argc, char **argv) {
    const char *in, *out, *name = NULL, *classes = NULL, *pos[2] = {NULL, NULL};
    const char *test_csv = NULL, *label = NULL;
    anne_error err;
    anne_ir ir;
    anne__src src;
    anne_import_options opt;
    anne_codegen_test test;
    float *test_x = NULL;
    int check = 0, in_prefix, rc, n_pos, csv_flags = 0;
    size_t bytes = 0, k, n_layers, rows = 0;
    char prefix[128];
    const anne_cli_opt opts[] = {
        {"--check", NULL, &check, 1, NULL, NULL, NULL, NULL},
        {"--weights", NULL, NULL, 0, &opt.weights_path, NULL, NULL, "--weights needs a file"},
        {"--name", NULL, NULL, 0, &name, NULL, NULL, "--name needs a value"},
        {"--classes", NULL, NULL, 0, &classes, NULL, NULL, "--classes needs names, e.g. --classes cat,dog"},
        {"--test", NULL, NULL, 0, &test_csv, NULL, NULL, "--test needs a CSV file"},
        {"--rows", NULL, NULL, 0, NULL, anne__parse_rows, &rows,
         "--rows needs a whole number from 1 to 65535, got \"%s\""},
        {"--label", NULL, NULL, 0, &label, NULL, NULL, "--label needs a column name"},
        ANNE_CLI_OPT_NO_HEADER(&csv_flags),
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"convert", NULL, anne__convert_usage, opts, pos, 2, "too many arguments ('%s')"};
    memset(&opt, 0, sizeof opt);
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    in = pos[0];
    out = pos[1];
    if (check) {
        if (in == NULL || out != NULL) return anne_cli_spec_error(&spec, "--check takes IN only");
        if (test_csv != NULL || rows != 0 || label != NULL || csv_flags != 0) {
            return anne_cli_spec_error(&spec, "--check writes nothing: no --test (--rows, --label, --no-header) with it");
        }
        opt.check = 1;
        if (anne_import_ex(&ir, in, &opt, &err) != 0) {
            fprintf(stderr, "anne convert: %s\n", err.msg);
            return 1;
        }
        anne_ir_free(&ir);
        printf("%s\n%s%s\n", in, opt.report ? opt.report : "",
               opt.all_supported ? "all layers supported"
                                 : "some layers are NOT supported: the model cannot be converted");
        free(opt.report);
        if (anne_cli_flush("convert") != 0) return 1;
        return opt.all_supported ? 0 : 1;
    }
    if (in == NULL || out == NULL) return anne_cli_spec_error(&spec, "expected IN and OUT");
    if (test_csv == NULL && (rows != 0 || label != NULL || csv_flags != 0)) {
        return anne_cli_spec_error(&spec, "%s belongs to --test DATA.csv, which is missing",
                                   rows != 0 ? "--rows" : label != NULL ? "--label" : "--no-header");
    }
    if (test_csv != NULL && !anne__ends_with(out, ".c")) {
        return anne_cli_spec_error(&spec, "--test writes the self-test of generated C: OUT must end in .c, got '%s'",
                                   out);
    }
    for (k = 0; !anne__ends_with(out, anne__outputs[k].ext); k++) {
    }
    if (anne__open(&src, in, &opt, name, classes, &in_prefix, &err) != 0) {
        if (in_prefix) fprintf(stderr, "anne convert: %s: %s\n", in, err.msg);
        else fprintf(stderr, "anne convert: %s\n", err.msg);
        return 1;
    }
    memset(&test, 0, sizeof test);
    if (test_csv != NULL) {
        if (anne__test_rows(&src.model, test_csv, (unsigned)csv_flags, label, rows != 0 ? rows : 10u, &test_x, &test.n_rows, &err) != 0) {
            anne__src_free(&src);
            fprintf(stderr, "anne convert: %s\n", err.msg);
            return 1;
        }
        test.x = test_x;
        test.data = test_csv;
        test.label = label;
    }
    anne_codegen_prefix(name != NULL && name[0] != '\0' ? name : out, prefix, sizeof prefix);
    rc = anne__outputs[k].write(&src, out, prefix, in, test_csv != NULL ? &test : NULL, &bytes, &err);
    free(test_x);
    if (rc != 0) {
        anne__src_free(&src);
        if (rc < 0) fprintf(stderr, "anne convert: %s: %s\n", in, err.msg);
        else fprintf(stderr, "anne convert: %s\n", err.msg);
        return 1;
    }
    n_layers = src.model.op_table != NULL ? src.model.n_ops : src.model.n_layers;
    printf("wrote %s (%s%s%s", out, anne__outputs[k].what, src.has_ir ? "" : ", ",
           src.has_ir ? "" : anne__dtype_name(&src.model));
    if (anne__outputs[k].has_prefix) printf(", prefix %s", prefix);
    printf("): %zu %s%s, %zu parameters", n_layers, src.model.op_table != NULL ? "op" : "layer",
           n_layers == 1 ? "" : "s", anne__parameters(&src.model));
    if (!anne__outputs[k].has_prefix) printf(", %zu bytes", bytes);
    printf("\n");
    if (test_csv != NULL) {
        int stem = (int)(strlen(out) - 2u); /* OUT without ".c" */
        printf("wrote %.*s_test.c and %.*s_test.h (the self-test %s_self_test(): %zu row%s of %s)\n", stem, out, stem,
               out, prefix, test.n_rows, test.n_rows == 1 ? "" : "s", test_csv);
    }
    anne__src_free(&src);
    return anne_cli_flush("convert");
}
