/* placeholder: the ANNE JSON importer lands next */
#include "anne_json.h"

int anne_json_read(anne_ir *ir, const char *text, size_t size, const char *path, anne_error *err) {
    (void)text;
    (void)size;
    anne_ir_init(ir);
    return anne_error_set(err, "%s: ANNE JSON import not implemented yet", path);
}
