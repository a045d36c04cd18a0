/* Makes seeds for fuzz_keras_h5 and fuzz_keras_zip from real model files: the model's config and the
 * weight arrays the importer would read, in the layout fuzz_keras_layout.h describes. The importers
 * run as they are (this program is linked with -Wl,--wrap=anne_import_keras_source, and the wrapper
 * records what the weight source returns for each layer instead of converting).
 * Usage: fuzz_keras_seed h5|zip OUT_DIR MODEL[+WEIGHTS.h5]...
 *   MODEL: a Keras .h5, a .keras zip, a TF.js model.json (shards beside it) or a to_json()
 *   architecture (+ its weights). Each seed is OUT_DIR/<MODEL's folder>_<MODEL's name>[_json]; a MODEL that
 *   gives none is reported and skipped (exit status 1 when none gave one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_h5.h"
#include "anne_import.h"
#include "fuzz_keras_layout.h"

static const char *anne__target;
static char anne__out[4096];
static int anne__written;

int __wrap_anne_import_keras_source(anne_ir *ir, const anne_keras_source *src, anne_import_options *opt,
                                    anne_error *err);

int __wrap_anne_import_keras_source(anne_ir *ir, const anne_keras_source *src, anne_import_options *opt,
                                    anne_error *err) {
    const char *names[ANNE_FUZZ_KMAX_LAYERS], *classes[ANNE_FUZZ_KMAX_LAYERS];
    anne_fuzz_kbuf b = {NULL, 0, 0};
    char *text = cJSON_PrintUnformatted(src->model);
    size_t n, i, j, k;
    FILE *f;
    (void)opt;
    anne_ir_init(ir);
    if (text == NULL) return anne_error_set(err, "cannot print the config");
    anne_fuzz_kbuf_put(&b, text, strlen(text) + 1u);
    free(text);
    if (strcmp(anne__target, "h5") == 0) anne_fuzz_kbuf_u8(&b, (src->keras_major == 3 ? 1u : 0u) | 0x20u);
    else anne_fuzz_kbuf_u8(&b, src->keras_major == 3 ? 0u : 1u);
    anne_fuzz_klayout_layers(src->model, names, classes, ANNE_FUZZ_KMAX_LAYERS, &n);
    for (i = 0; i < n; i++) {
        anne_keras_layer_ref ref;
        anne_keras_array *a = NULL;
        size_t count = 0;
        anne_error ignored;
        ref.index = i;
        ref.name = names[i];
        ref.class_name = classes[i];
        ref.class_index = 0;
        for (j = 0; j < i; j++) ref.class_index += strcmp(classes[j], classes[i]) == 0;
        if (src->weights(src->ctx, &ref, &a, &count, &ignored) != 0) count = 0;
        if (count > ANNE_FUZZ_KMAX_ARRAYS) count = ANNE_FUZZ_KMAX_ARRAYS;
        anne_fuzz_kbuf_u8(&b, (unsigned)count);
        for (j = 0; j < count; j++) {
            int rank = a[j].rank > ANNE_FUZZ_KMAX_RANK ? ANNE_FUZZ_KMAX_RANK : a[j].rank, d;
            anne_fuzz_kbuf_u8(&b, (unsigned)rank);
            for (d = 0; d < rank; d++) anne_fuzz_kbuf_varint(&b, a[j].dims[d]);
            for (k = 0; k < a[j].n && k < ANNE_FUZZ_KMAX_STREAMED; k++) {
                uint32_t u;
                unsigned char le[4];
                memcpy(&u, &a[j].data[k], sizeof u);
                le[0] = (unsigned char)u;
                le[1] = (unsigned char)(u >> 8);
                le[2] = (unsigned char)(u >> 16);
                le[3] = (unsigned char)(u >> 24);
                anne_fuzz_kbuf_put(&b, le, 4);
            }
        }
        anne_keras_arrays_free(a, count > 0 ? count : 0);
    }
    f = fopen(anne__out, "wb");
    if (f == NULL || fwrite(b.p, 1, b.n, f) != b.n || fclose(f) != 0) {
        free(b.p);
        return anne_error_set(err, "%s: cannot write", anne__out);
    }
    free(b.p);
    anne__written = 1;
    return anne_error_set(err, "recorded");
}

/* One MODEL[+WEIGHTS] argument: 0 when its seed was written. */
static int anne__seed(const char *out_dir, const char *arg) {
    char model[4096], *plus, *slash, *dot, folder[256] = "", name[256];
    unsigned char *bytes;
    size_t size;
    anne_error err;
    anne_ir ir;
    anne_import_options opt;
    snprintf(model, sizeof model, "%s", arg);
    memset(&opt, 0, sizeof opt);
    plus = strchr(model, '+');
    if (plus != NULL) {
        *plus = '\0';
        opt.weights_path = plus + 1;
    }
    /* the seed's name: the model's folder and file name, without the extension */
    slash = strrchr(model, '/');
    snprintf(name, sizeof name, "%s", slash != NULL ? slash + 1 : model);
    if ((dot = strrchr(name, '.')) != NULL) *dot = '\0';
    if (slash != NULL) {
        *slash = '\0';
        snprintf(folder, sizeof folder, "%s_", strrchr(model, '/') != NULL ? strrchr(model, '/') + 1 : model);
        *slash = '/';
    }
    snprintf(anne__out, sizeof anne__out, "%s/%s%s%s", out_dir, folder, name, plus != NULL ? "_json" : "");
    anne__written = 0;
    if (anne_file_read(model, &bytes, &size, &err) != 0) {
        fprintf(stderr, "fuzz_keras_seed: %s\n", err.msg);
        return -1;
    }
    if (anne_h5_is_hdf5(bytes, size)) {
        anne_keras_import_h5(&ir, bytes, size, model, &opt, &err);
    } else if (size >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0) {
        anne_keras_import_zip(&ir, bytes, size, model, &opt, &err);
    } else {
        cJSON *root = cJSON_ParseWithLength((const char *)bytes, size);
        if (cJSON_HasObjectItem(root, "modelTopology")) anne_tfjs_import(&ir, root, model, &opt, &err);
        else if (root != NULL) anne_keras_import_json(&ir, root, model, &opt, &err);
        else anne_error_set(&err, "%s: not a Keras model", model);
        cJSON_Delete(root);
    }
    free(bytes);
    anne_ir_free(&ir);
    if (!anne__written) {
        fprintf(stderr, "fuzz_keras_seed: %s: no Keras model config reached the converter: %s\n", model, err.msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int i, n = 0;
    if (argc < 4 || (strcmp(argv[1], "h5") != 0 && strcmp(argv[1], "zip") != 0)) {
        fprintf(stderr, "usage: fuzz_keras_seed h5|zip OUT_DIR MODEL[+WEIGHTS.h5]...\n");
        return 2;
    }
    anne__target = argv[1];
    for (i = 3; i < argc; i++) n += anne__seed(argv[2], argv[i]) == 0;
    return n > 0 ? 0 : 1;
}
