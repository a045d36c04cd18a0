/* The importer dispatcher: recognizes a model source by its content (never its extension) and
 * hands it to the importer for that format. */
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_ir.h"
#include "anne_json.h"

/* The first byte that is not white space (JSON documents start with '{'). */
static unsigned char anne__first_char(const unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return p[i];
    }
    return 0;
}

int anne_import(anne_ir *ir, const char *path, anne_error *err) {
    unsigned char *bytes;
    size_t size;
    int rc;
    anne_ir_init(ir);
    if (anne_file_read(path, &bytes, &size, err) != 0) return -1;
    if (size >= 4 && memcmp(bytes, "ANNE", 4) == 0) {
        anne_model m;
        anne_status st = anne_model_load(&m, bytes, size);
        rc = st == ANNE_OK ? anne_ir_from_model(ir, &m, err)
                           : anne_error_set(err, "%s: invalid model: %s", path, anne_status_str(st));
    } else if (anne__first_char(bytes, size) == '{') {
        rc = anne_json_read(ir, (const char *)bytes, size, path, err);
    } else {
        rc = anne_error_set(err, "%s: unrecognized model format (expected an .anne model file or ANNE JSON)", path);
    }
    free(bytes);
    return rc;
}
