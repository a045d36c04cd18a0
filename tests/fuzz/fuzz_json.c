/* libFuzzer harness: ANNE JSON (tools/json/anne_json.c) through the importer's dispatcher. The input is
 * one file, served from memory as /anne-fuzz/model.json to anne_import_ex() with --check on, so it also
 * runs the dispatcher's recognition (ANNE JSON, .anne bytes, TFLite, JSON told apart by its keys)
 * and the --check report; a Keras to_json() architecture ends at the refused fork() (the Keras
 * harnesses cover it), a TF.js model.json finds no shards (fuzz_tfjs covers it). A model that
 * imports must pass anne_fuzz_check_ir: the JSON round trip, the writer, the loader and predict. */
#include <stdlib.h>
#include <string.h>

#include "anne_import.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    anne_import_options opt;
    anne_ir ir;
    anne_error err;
    int rc;
    if (anne_fuzz_excluded(data, size)) return -1;
    anne_fuzz_vfs_reset();
    anne_fuzz_vfs_add(ANNE_FUZZ_DIR "model.json", data, size);
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    rc = anne_import_ex(&ir, ANNE_FUZZ_DIR "model.json", &opt, &err);
    anne_fuzz_note("import --check", rc, &err);
    if (rc == 0) {
        if (opt.report == NULL) anne_fuzz_fail("--check succeeded without a report");
        anne_fuzz_check_ir(&ir);
    }
    free(opt.report);
    anne_ir_free(&ir);
    return 0;
}
