/* Host timing of batch-1 inference, shared by `make demo` and bench/: the method is stated once. */
#ifndef ANNE_TIMING_H
#define ANNE_TIMING_H

#include <stddef.h>

#include "anne.h"

/* Times `repeats` runs of `calls` anne_model_predict() calls each (after one uncounted warm-up run),
 * cycling through the n_rows inputs x (n_rows, n_inputs); the outputs feed a checksum so nothing is
 * optimized away. Each run's mean wall-clock time (CLOCK_MONOTONIC) per call, in nanoseconds, goes
 * into the result: the median and the minimum over the runs (on a shared machine the minimum is the
 * run least disturbed by neighbours). arena: anne_model_arena_size() bytes. Returns -1 if a call
 * fails. */
typedef struct anne_timing {
    double median_ns;
    double min_ns;
} anne_timing;

int anne_time_predict(anne_timing *t, const anne_model *model, const float *x, size_t n_rows, void *arena,
                      size_t arena_size, size_t calls, int repeats);

/* "CPU model name, OS machine" of this host (from /proc/cpuinfo and uname), for benchmark reports. */
void anne_host_describe(char *buf, size_t cap);

#endif /* ANNE_TIMING_H */
