/* `anne info --target T --measure`: builds and runs the model's firmware on the emulated core with
 * ports/measure-model.sh (from the source tree anne was built from, or $ANNE_SOURCE_DIR). */
#ifndef ANNE_INFO_MEASURE_H
#define ANNE_INFO_MEASURE_H

#include <stddef.h>

#include "anne_info_target.h"

/* Measures the model whose .anne bytes are given (bytes, size) on core into *out; when it cannot (no
 * cross tools, no source tree, a failed build or run) out->measured is 0 and out->note says why. */
void anne_info_measure(anne_target_measured *out, anne_core core, const unsigned char *bytes, size_t size);

#endif /* ANNE_INFO_MEASURE_H */
