/* The model a benchmark firmware embeds (a generated <name>.c, see ports/host/anne_mcu_host.c). */
#ifndef ANNE_BENCH_MODEL_H
#define ANNE_BENCH_MODEL_H

#include <stdint.h>

extern const char anne_bench_name[];
extern const uint32_t anne_bench_model_size;
extern const uint32_t anne_bench_arena_bytes;
extern const uint8_t anne_bench_model[];        /* the model file, 4-aligned, in flash */
extern const float anne_bench_input[];          /* (n_inputs) raw input */
extern const float anne_bench_expected[];       /* (n_outputs) the host's output for it */
extern const uint16_t anne_bench_n_outputs;
extern float anne_bench_output[];               /* (n_outputs) */
extern uint32_t anne_bench_arena[];             /* arena_bytes, 4-aligned */

/* q16 and int8 models only (ports/apps/bench_raw.c, built with ANNE_BENCH_RAW_S8 for int8): the
 * input scaled and quantized, and the host's anne_model_predict_q16/_s8 output for it. */
#if defined(ANNE_BENCH_RAW_S8)
typedef int8_t anne_bench_raw_t;
#else
typedef int32_t anne_bench_raw_t;
#endif
extern const anne_bench_raw_t anne_bench_raw_input[];
extern const anne_bench_raw_t anne_bench_raw_expected[];
extern anne_bench_raw_t anne_bench_raw_output[];

#endif /* ANNE_BENCH_MODEL_H */
