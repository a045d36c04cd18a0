/* libFuzzer harness: Keras 3 .keras files (tools/import/anne_keras_zip.c, and through it tools/import/anne_h5.c and
 * the Keras config converter tools/import/anne_keras.c), given in-process to anne_keras_import_zip() with
 * --check and converting. Two kinds of input:
 *  - a zip ("PK..."): the bytes as they are, e.g. a real .keras file: the zip reading, its limits
 *    and its errors (mutations inside the entries mostly end at libzip's CRC check);
 *  - anything else: a description (fuzz_keras_layout.h) of config.json and of the weights, written
 *    with libhdf5 into model.weights.h5 (groups layers/<snake_case class>[_n]/vars/<i>) and zipped
 *    with libzip in memory, so mutations reach the config and the weight lookup by class and order.
 *    FLAGS: bits 0-1 metadata.json: keras_version "3.7.0", "2.15.0", absent, not JSON; bits 2-3 the
 *    weight group prefix (fuzz_keras_layout.h); bit 4 no model.weights.h5; bit 5 model.weights.h5
 *    holds the description's bytes instead of HDF5; bit 6 entries deflated (else stored); bit 7 no
 *    config.json.
 * A converted model must pass anne_fuzz_check_ir (the child hands its model over as ANNE JSON). */
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <zip.h>

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

static void anne__import(const unsigned char *bytes, size_t size) {
    anne_import_options opt;
    anne_ir ir;
    anne_error err;
    int rc;
    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    rc = anne_keras_import_zip(&ir, bytes, size, ANNE_FUZZ_DIR "model.keras", &opt, &err);
    anne_fuzz_note("keras --check", rc, &err);
    if (rc == 0 && opt.report == NULL) anne_fuzz_fail("--check succeeded without a report");
    free(opt.report);
    anne_ir_free(&ir);
    rc = anne_keras_import_zip(&ir, bytes, size, ANNE_FUZZ_DIR "model.keras", NULL, &err);
    anne_fuzz_note("keras", rc, &err);
    if (rc == 0) anne_fuzz_check_ir(&ir);
    anne_ir_free(&ir);
}

static void anne__add(zip_t *z, const char *name, const void *data, size_t n, int deflate) {
    zip_source_t *s = zip_source_buffer(z, data, n, 0);
    zip_int64_t at;
    if (s == NULL) return;
    at = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
    if (at < 0) {
        zip_source_free(s);
        return;
    }
    zip_set_file_compression(z, (zip_uint64_t)at, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
}

/* Zips the described entries in memory: *zipped malloc'd. */
static int anne__zip(const anne_fuzz_klayout *k, const uint8_t *data, size_t size, unsigned char **zipped,
                     size_t *zipped_n) {
    static const char *const meta[4] = {"{\"keras_version\": \"3.7.0\", \"date_saved\": \"2025-01-01@00:00:00\"}",
                                        "{\"keras_version\": \"2.15.0\"}", NULL, "{\"keras_version\": "};
    unsigned char *h5 = NULL;
    size_t h5_n = 0;
    zip_error_t ze;
    zip_source_t *src;
    zip_t *z;
    zip_int64_t len;
    int deflate = (k->flags & 0x40u) != 0, rc = -1;
    *zipped = NULL;
    *zipped_n = 0;
    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (src == NULL) return -1;
    zip_source_keep(src);
    zip_error_init(&ze);
    z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    zip_error_fini(&ze);
    if (z == NULL) {
        zip_source_free(src);
        return -1;
    }
    if (!(k->flags & 0x80u)) anne__add(z, "config.json", k->config, k->config_n, deflate);
    if (meta[k->flags & 3u] != NULL) {
        anne__add(z, "metadata.json", meta[k->flags & 3u], strlen(meta[k->flags & 3u]), deflate);
    }
    if (k->flags & 0x20u) {
        anne__add(z, "model.weights.h5", data, size, deflate);
    } else if (!(k->flags & 0x10u) && anne_fuzz_klayout_h5_keras3(k, &h5, &h5_n) == 0) {
        anne__add(z, "model.weights.h5", h5, h5_n, deflate);
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        goto done;
    }
    if (zip_source_open(src) != 0) goto done;
    if (zip_source_seek(src, 0, SEEK_END) == 0 && (len = zip_source_tell(src)) > 0 &&
        zip_source_seek(src, 0, SEEK_SET) == 0 && (*zipped = malloc((size_t)len)) != NULL &&
        zip_source_read(src, *zipped, (zip_uint64_t)len) == len) {
        *zipped_n = (size_t)len;
        rc = 0;
    }
    zip_source_close(src);
done:
    if (rc != 0) {
        free(*zipped);
        *zipped = NULL;
    }
    zip_source_free(src);
    free(h5);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    anne_fuzz_klayout k;
    unsigned char *zipped;
    size_t zipped_n;
    if (anne_fuzz_excluded(data, size)) return -1;
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        unsigned char *copy = malloc(size); /* exactly size bytes: ASan sees a read past the end */
        if (copy == NULL) return 0;
        memcpy(copy, data, size);
        anne__import(copy, size);
        free(copy);
        return 0;
    }
    anne_fuzz_klayout_decode(&k, data, size);
    if (anne__zip(&k, data, size, &zipped, &zipped_n) == 0) {
        anne__import(zipped, zipped_n);
        free(zipped);
    }
    anne_fuzz_klayout_free(&k);
    return 0;
}
