/* The ANNE JSON importer: the human-editable model description (docs/anne-json.md). */
#ifndef ANNE_JSON_H
#define ANNE_JSON_H

#include <stddef.h>

#include "anne_ir.h"

/* Parses ANNE JSON text (size bytes, NUL-terminated) into ir (initialized here, freed on error): a
 * dense chain ("layers") or a graph ("ops", docs/anne-json.md "Graph models"), whose output shapes
 * the reader derives from each op's settings. Errors start with path and name the layer or op, the
 * key and what was expected, e.g. "model.json: layer 2: kernel has 3 rows, expected 2 (the units of
 * layer 1)" or "model.json: op 3 ("pool"): the window spans 5 rows but the input has 4 ...". A
 * text beyond anne_json_limits_anne (anne_json_limits.h: more numbers than a model of
 * ANNE_IMPORT_MAX_WEIGHTS weights has, a list of over 1 Mi elements) is refused before it is parsed. */
int anne_json_read(anne_ir *ir, const char *text, size_t size, const char *path, anne_error *err);

#endif /* ANNE_JSON_H */
