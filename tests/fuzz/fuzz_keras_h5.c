/* libFuzzer harness: Keras .h5 files (tools/import/anne_keras_h5.c, tools/import/anne_h5.c, and through them the
 * Keras config converter tools/import/anne_keras.c). libhdf5 is not robust against hostile files (the tool
 * reads HDF5 in a forked child for that), so this harness fuzzes ANNE's code around it, not libhdf5:
 * the input describes a Keras file (fuzz_keras_layout.h: the model_config text, then its layers'
 * weight arrays with fuzzed shapes, types and values, and choices such as fixed- or variable-length
 * string attributes, a missing group, weight_names absent or an empty numeric array, the Keras version,
 * a weights-only file), libhdf5 writes that into a file image in memory, and the image goes in-process
 * to anne_keras_import_h5() with --check and converting. With FLAGS bit 5 the same image also serves as
 * the --weights file of a to_json() architecture (the config text) through anne_keras_import_json().
 * A converted model must pass anne_fuzz_check_ir (the child hands its model to the parent as ANNE
 * JSON: that round trip is checked here). */
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "anne_import.h"
#include "fuzz_keras_layout.h"
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    H5open();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* HDF5's free lists keep what they free without a limit, so that every file opened does not
     * allocate (and zero) its ~600 KB metadata cache afresh: 3-4x the executions per second */
    H5set_free_list_limits(-1, -1, -1, -1, -1, -1);
    return 0;
}

static void anne__import(const anne_fuzz_klayout *k, const unsigned char *image, size_t size) {
    anne_import_options opt;
    anne_ir ir;
    anne_error err;
    int rc;
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    rc = anne_keras_import_h5(&ir, image, size, ANNE_FUZZ_DIR "model.h5", &opt, &err);
    anne_fuzz_note("h5 --check", rc, &err);
    if (rc == 0 && opt.report == NULL) anne_fuzz_fail("--check succeeded without a report");
    free(opt.report);
    anne_ir_free(&ir);
    rc = anne_keras_import_h5(&ir, image, size, ANNE_FUZZ_DIR "model.h5", NULL, &err);
    anne_fuzz_note("h5", rc, &err);
    if (rc == 0) anne_fuzz_check_ir(&ir);
    anne_ir_free(&ir);

    if ((k->flags & 0x20u) && cJSON_IsObject(k->root)) {
        /* to_json() + --weights: the config as the architecture, the image as the weights file */
        anne_fuzz_vfs_reset();
        anne_fuzz_vfs_add(ANNE_FUZZ_DIR "weights.h5", image, size);
        memset(&opt, 0, sizeof opt);
        opt.weights_path = ANNE_FUZZ_DIR "weights.h5";
        rc = anne_keras_import_json(&ir, k->root, ANNE_FUZZ_DIR "model.json", &opt, &err);
        anne_fuzz_note("to_json + weights", rc, &err);
        if (rc == 0) anne_fuzz_check_ir(&ir);
        anne_ir_free(&ir);
        memset(&opt, 0, sizeof opt);
        opt.check = 1;
        rc = anne_keras_import_json(&ir, k->root, ANNE_FUZZ_DIR "model.json", &opt, &err);
        anne_fuzz_note("to_json --check", rc, &err);
        if (rc == 0 && opt.report == NULL) anne_fuzz_fail("--check succeeded without a report");
        free(opt.report);
        anne_ir_free(&ir);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    anne_fuzz_klayout k;
    unsigned char *image;
    size_t image_n;
    if (anne_fuzz_excluded(data, size)) return -1;
    anne_fuzz_klayout_decode(&k, data, size);
    if (anne_fuzz_klayout_h5_model(&k, &image, &image_n) == 0) {
        anne__import(&k, image, image_n);
        free(image);
    }
    anne_fuzz_klayout_free(&k);
    return 0;
}
