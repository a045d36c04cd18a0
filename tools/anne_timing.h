/* Host timing of batch-1 inference, shared by `make demo` and bench/: the method is stated once. */
#ifndef ANNE_TIMING_H
#define ANNE_TIMING_H

#include <stddef.h>

#include "anne.h"

/* Median over `repeats` runs of the mean wall-clock time (CLOCK_MONOTONIC) of one
 * anne_model_predict() call, in nanoseconds. Each run calls it `calls` times, cycling through the
 * n_rows inputs x (n_rows, n_inputs); the outputs feed a checksum so nothing is optimized away.
 * One warm-up run is not counted. arena: anne_model_arena_size() bytes. Returns a negative value
 * if a call fails. */
double anne_time_predict_ns(const anne_model *model, const float *x, size_t n_rows, void *arena, size_t arena_size,
                            size_t calls, int repeats);

/* "CPU model name, OS machine" of this host (from /proc/cpuinfo and uname), for benchmark reports. */
void anne_host_describe(char *buf, size_t cap);

#endif /* ANNE_TIMING_H */
