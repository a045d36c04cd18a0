/* anne convert: reads any model source (ANNE JSON, .anne, Keras .h5 / .keras / to_json() + weights,
 * TensorFlow.js) and writes it in the format OUT's extension names (a table: one writer, one row), or
 * with --check lists which layers it can convert. */
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

/* Produces the bytes of OUT from ir (malloc'd; free with free()). Errors are about the model. */
typedef int (*anne__writer)(const anne_ir *ir, unsigned char **data, size_t *size, anne_error *err);

/* Writes OUT (and whatever goes with it) itself; for outputs of more than one file. */
typedef int (*anne__emitter)(const anne_ir *ir, const char *out, const char *prefix, const char *in, anne_error *err);

static int anne__json_bytes(const anne_ir *ir, unsigned char **data, size_t *size, anne_error *err) {
    char *text;
    /* the same validation as a binary model, so the JSON we write always converts again */
    if (anne_ir_serialize(ir, data, size, err) != 0) return -1;
    free(*data);
    *data = NULL;
    if (anne_json_write(ir, &text, err) != 0) return -1;
    *data = (unsigned char *)text;
    *size = strlen(text);
    return 0;
}

static const struct {
    const char *ext;            /* how OUT ends; "" matches anything (the default, last) */
    const char *what;
    anne__writer write;         /* one file of bytes, or */
    anne__emitter emit;         /* files written by the row itself */
} anne__outputs[] = {
    {".json", "ANNE JSON", anne__json_bytes, NULL},
    {".c", "generated C, with its .h", NULL, anne_codegen_write},
    {"", "binary model", anne_ir_serialize, NULL},
};

static int anne__ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static void anne__convert_usage(FILE *out) {
    fprintf(out,
            "usage: anne convert IN OUT [--name NAME] [--weights WEIGHTS.h5]\n"
            "       anne convert --check IN [--weights WEIGHTS.h5]\n"
            "\n"
            "Reads the model IN, recognized by content: an .anne model file, ANNE JSON, a Keras .h5 or .keras\n"
            "file, a Keras model.to_json() architecture (with --weights), or a TensorFlow.js model.json\n"
            "(docs/keras-import.md). Writes OUT:\n"
            "  OUT ending in .json   ANNE JSON (docs/anne-json.md), kernels in Keras' inputs x units layout\n"
            "  OUT ending in .c      generated C: OUT and the header beside it (docs/codegen.md)\n"
            "  any other OUT         binary model file (.anne, docs/format.md)\n"
            "OUT is written atomically: on any error it is left as it was.\n"
            "\n"
            "options:\n"
            "  --name NAME           set the model's name (an empty NAME removes it); for .c output also the\n"
            "                        prefix of the generated names (default: OUT's base name)\n"
            "  --weights FILE        the HDF5 weights (save_weights or a full .h5) for a to_json() IN\n"
            "  --check               list every layer of IN as supported or not, convert nothing;\n"
            "                        exit 0 when all are supported, 1 otherwise\n"
            "  -h, --help            show this help\n");
}

static size_t anne__parameters(const anne_ir *ir) {
    size_t i, n = 0;
    for (i = 0; i < ir->n_layers; i++) {
        const anne_ir_layer *l = &ir->layers[i];
        n += (size_t)l->n_in * l->n_out + (l->bias != NULL ? l->n_out : 0u);
    }
    return n;
}

int anne_cmd_convert(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *name = NULL, *v;
    anne_error err;
    anne_ir ir;
    anne_import_options opt;
    int check = 0;
    unsigned char *data = NULL;
    size_t bytes = 0, k;
    int i;
    memset(&opt, 0, sizeof opt);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            anne__convert_usage(stdout);
            return 0;
        } else if (strcmp(a, "--check") == 0) {
            check = 1;
        } else if (anne_cli_option(argc, argv, &i, "--weights", &v) != 0) {
            if (v == NULL) {
                fprintf(stderr, "anne convert: --weights needs a file\n");
                return 2;
            }
            opt.weights_path = v;
        } else if (strcmp(a, "--name") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "anne convert: --name needs a value\n");
                return 2;
            }
            name = argv[++i];
        } else if (strncmp(a, "--name=", 7) == 0) {
            name = a + 7;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "anne convert: unknown option '%s'\n\n", a);
            anne__convert_usage(stderr);
            return 2;
        } else if (in == NULL) {
            in = a;
        } else if (out == NULL) {
            out = a;
        } else {
            fprintf(stderr, "anne convert: too many arguments ('%s')\n\n", a);
            anne__convert_usage(stderr);
            return 2;
        }
    }
    if (check) {
        if (in == NULL || out != NULL) {
            fprintf(stderr, "anne convert: --check takes IN only\n\n");
            anne__convert_usage(stderr);
            return 2;
        }
        opt.check = 1;
        if (anne_import_ex(&ir, in, &opt, &err) != 0) {
            fprintf(stderr, "anne convert: %s\n", err.msg);
            return 1;
        }
        anne_ir_free(&ir);
        printf("%s\n%s%s\n", in, opt.report ? opt.report : "",
               opt.all_supported ? "all layers supported" : "some layers are NOT supported: the model cannot be converted");
        free(opt.report);
        if (anne_cli_flush("convert") != 0) return 1;
        return opt.all_supported ? 0 : 1;
    }
    if (in == NULL || out == NULL) {
        fprintf(stderr, "anne convert: expected IN and OUT\n\n");
        anne__convert_usage(stderr);
        return 2;
    }
    if (anne_import_ex(&ir, in, &opt, &err) != 0) {
        fprintf(stderr, "anne convert: %s\n", err.msg);
        return 1;
    }
    if (name != NULL) {
        char *copy = NULL;
        if (name[0] != '\0') {
            copy = malloc(strlen(name) + 1u);
            if (copy == NULL) {
                anne_ir_free(&ir);
                fprintf(stderr, "anne convert: out of memory\n");
                return 1;
            }
            memcpy(copy, name, strlen(name) + 1u);
        }
        free(ir.name);
        ir.name = copy;
    }
    for (k = 0; !anne__ends_with(out, anne__outputs[k].ext); k++) {
    }
    if (anne__outputs[k].emit != NULL) {
        char prefix[128];
        anne_codegen_prefix(name != NULL && name[0] != '\0' ? name : out, prefix, sizeof prefix);
        if (anne__outputs[k].emit(&ir, out, prefix, in, &err) != 0) {
            anne_ir_free(&ir);
            fprintf(stderr, "anne convert: %s: %s\n", in, err.msg);
            return 1;
        }
        printf("wrote %s (%s, prefix %s): %zu layer%s, %zu parameters\n", out, anne__outputs[k].what, prefix,
               ir.n_layers, ir.n_layers == 1 ? "" : "s", anne__parameters(&ir));
        anne_ir_free(&ir);
        return anne_cli_flush("convert");
    }
    if (anne__outputs[k].write(&ir, &data, &bytes, &err) != 0) {
        anne_ir_free(&ir);
        fprintf(stderr, "anne convert: %s: %s\n", in, err.msg);
        return 1;
    }
    if (anne_file_write(out, data, bytes, &err) != 0) {
        free(data);
        anne_ir_free(&ir);
        fprintf(stderr, "anne convert: %s\n", err.msg);
        return 1;
    }
    free(data);
    printf("wrote %s (%s): %zu layer%s, %zu parameters, %zu bytes\n", out, anne__outputs[k].what, ir.n_layers,
           ir.n_layers == 1 ? "" : "s", anne__parameters(&ir), bytes);
    anne_ir_free(&ir);
    return anne_cli_flush("convert");
}
