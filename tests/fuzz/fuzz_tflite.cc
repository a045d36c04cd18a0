/* libFuzzer harness: the .tflite importer (tools/import/anne_tflite*.cc). The input is the flatbuffer, given
 * to anne_tflite_convert() and anne_tflite_check(), which must agree; a model it converts must load (the converter writes what the loader
 * accepts), pass the loaded-model checks (predict in exactly the arena size runs the int8 kernels on
 * the file's own scales, zero points and requantization records), and, when it is a float model,
 * convert back to an IR that passes anne_fuzz_check_ir. Those inputs then also go through the
 * dispatcher (anne_import_ex, from memory) with --check: its TFLite branch and the layer report. */
#include <cstdlib>
#include <cstring>

extern "C" {
#include "anne_import.h"
}
#include "anne_tflite.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *out = nullptr;
    size_t out_size = 0;
    anne_error err;
    if (anne_fuzz_excluded(data, size)) return -1;
    /* a heap copy of exactly size bytes, so ASan catches a read past the end; malloc aligns it as the
     * tools' file reader does */
    unsigned char *copy = static_cast<unsigned char *>(std::malloc(size ? size : 1));
    if (copy == nullptr) return 0;
    if (size) std::memcpy(copy, data, size);
    int rc = anne_tflite_convert(copy, size, ANNE_FUZZ_DIR "model.tflite", &out, &out_size, &err);
    anne_fuzz_note("tflite", rc, &err);
    /* --check must say "all supported" exactly when convert succeeds */
    char *report = nullptr;
    int all = 0;
    if (anne_tflite_check(copy, size, ANNE_FUZZ_DIR "model.tflite", &report, &all, &err) == 0) {
        if (report == nullptr) anne_fuzz_fail("--check succeeded without a report");
        if (all != (rc == 0)) anne_fuzz_fail("--check says %s but convert %s:\n%s", all ? "all supported" : "not",
                                             rc == 0 ? "converts" : "refuses", report);
    } else if (rc == 0) {
        anne_fuzz_fail("--check cannot read a file that converts: %s", err.msg);
    }
    std::free(report);
    if (rc == 0) {
        anne_model m;
        anne_status st = anne_model_load(&m, out, out_size);
        if (st != ANNE_OK) anne_fuzz_fail("a converted .tflite does not load: %s", anne_status_str(st));
        anne_fuzz_check_model(&m);
        bool all_float = m.tensor_quant == nullptr; /* an int8 graph (format 2.2) has no IR */
        for (uint16_t i = 0; i < m.n_layers; i++) {
            anne_layer l;
            anne_model_layer(&m, i, &l);
            if (l.dtype != ANNE_DTYPE_F32) all_float = false;
        }
        anne_ir ir;
        if (all_float) {
            if (anne_ir_from_model(&ir, &m, &err) != 0) anne_fuzz_fail("a float model has no IR: %s", err.msg);
            anne_fuzz_check_ir(&ir);
            anne_ir_free(&ir);
        }
        anne_import_options opt;
        std::memset(&opt, 0, sizeof opt);
        opt.check = 1;
        anne_fuzz_vfs_reset();
        anne_fuzz_vfs_add(ANNE_FUZZ_DIR "model.tflite", data, size);
        rc = anne_import_ex(&ir, ANNE_FUZZ_DIR "model.tflite", &opt, &err);
        anne_fuzz_note("import --check", rc, &err);
        if (rc != 0) anne_fuzz_fail("the dispatcher's --check fails on a .tflite that converts: %s", err.msg);
        if (opt.report == nullptr || !opt.all_supported) {
            anne_fuzz_fail("the dispatcher's --check does not call a .tflite that converts supported");
        }
        std::free(opt.report);
        anne_ir_free(&ir);
        std::free(out);
    }
    std::free(copy);
    return 0;
}
