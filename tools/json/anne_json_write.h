/* The ANNE JSON writer: turns an IR back into the human-editable description (docs/anne-json.md),
 * so any model the tools read can be looked at, edited and converted again. */
#ifndef ANNE_JSON_WRITE_H
#define ANNE_JSON_WRITE_H

#include "anne_ir.h"

/* Writes ir, a dense chain ("layers") or a graph ("ops"), as ANNE JSON into a malloc'd, NUL-terminated
 * string (*text; free with free()). Kernels go back to Keras' layout (a Dense's inputs × units, a
 * Conv2D's (rows, columns, input channels, filters), ...); each float is written with the fewest
 * digits ("%.1g" up to "%.9g") that read back to the same bits, so reading the text back is exact.
 * Activation parameters are written when they differ from the defaults, except that leaky_relu, elu
 * and thresholded_relu always state theirs. A graph's ops get unique names (an op without one, as in
 * .anne files, "<op>_<number>"). */
int anne_json_write(const anne_ir *ir, char **text, anne_error *err);

/* Formats a finite float with the fewest digits that read back to the same bits ("6.262", not
 * "6.26200008"); at most "%.9g", which always does. buf holds at least 32 bytes. */
void anne_json_format_float(char buf[32], float x);

#endif /* ANNE_JSON_WRITE_H */
