/* Inference-only firmware as a user ships a fixed model: the runtime, the generated C of `anne convert
 * MODEL.anne NAME.c` (docs/codegen.md: a const anne_model, no loader linked) and this minimal main (no
 * stdio). Built by ports/CMakeLists.txt with -DANNE_FOOTPRINT_PREFIX=NAME -DANNE_FOOTPRINT_HEADER="NAME.h";
 * the test input and the host's output come from anne_mcu_host embed's <name>.c (bench_model.h; the
 * model bytes there are not referenced, so not linked). Calls NAME_predict once for float32 models and
 * the raw integer entry point (NAME_predict_q16 / NAME_predict_s8) for quantized ones, so no float code
 * is linked for them; NAME_predict for int8 graph models too (built with ANNE_FOOTPRINT_FLOAT_API: they
 * have no raw entry point, anne_model_predict quantizes their input and dequantizes their output).
 * Counted regions (ports/plugin/anne_insn.c): 0 empty, 1 the call. Prints the stack
 * high-water mark; exits 0 when the output equals the host's bit for bit, 4 when not, 5 on an error.
 * With ANNE_FOOTPRINT_CHECK (a second firmware; it links the loader): region 2 runs the same code of
 * main on the model anne_model_load makes of the same bytes, so that its count equals region 1's exactly
 * when the generated const model is the loaded one (bench/mcu-bench compares them). */
#include <stddef.h>

#include "anne.h"
#include "anne_port.h"

#define ANNE_FP_CAT2(a, b) a##b
#define ANNE_FP_CAT(a, b) ANNE_FP_CAT2(a, b)
#define ANNE_FP(suffix) ANNE_FP_CAT(ANNE_FOOTPRINT_PREFIX, suffix) /* NAME##suffix */
#include ANNE_FOOTPRINT_HEADER

#if ANNE_FP(_DTYPE) == 2 && !defined(ANNE_FOOTPRINT_FLOAT_API)
#ifndef ANNE_BENCH_RAW_S8
#define ANNE_BENCH_RAW_S8 /* bench_model.h: the raw arrays are int8 */
#endif
#endif
#include "bench_model.h"

#if ANNE_FP(_DTYPE) == 0 || defined(ANNE_FOOTPRINT_FLOAT_API)
typedef float anne_fp_value;
#define ANNE_FP_ENTRY ANNE_FP(_predict)
#define ANNE_FP_RUNTIME anne_model_predict
#define ANNE_FP_INPUT anne_bench_input
#define ANNE_FP_EXPECTED anne_bench_expected
#define ANNE_FP_OUTPUT anne_bench_output
#elif ANNE_FP(_DTYPE) == 1
typedef int32_t anne_fp_value;
#define ANNE_FP_ENTRY ANNE_FP(_predict_q16)
#define ANNE_FP_RUNTIME anne_model_predict_q16
#else
typedef int8_t anne_fp_value;
#define ANNE_FP_ENTRY ANNE_FP(_predict_s8)
#define ANNE_FP_RUNTIME anne_model_predict_s8
#endif
#ifndef ANNE_FP_INPUT
#define ANNE_FP_INPUT anne_bench_raw_input
#define ANNE_FP_EXPECTED anne_bench_raw_expected
#define ANNE_FP_OUTPUT anne_bench_raw_output
#endif

typedef anne_status (*anne_fp_entry)(const anne_fp_value *input, anne_fp_value *output, void *arena);

static uint32_t anne_fp_arena[ANNE_FP(_ARENA_BYTES) / 4u + 1u];

/* The entry point main calls, read through a volatile pointer: the call is never inlined or
 * specialized, so each counted call (both of the check firmware's, in one loop) is the same code, and
 * the counts differ only by the callee. main calls it directly, as an application would: a measuring
 * wrapper of its own would add a frame to the stack figure. */
static anne_fp_entry volatile anne_fp_call = ANNE_FP_ENTRY;

/* The output equals the host's byte for byte (float32 too: host and boards round alike, docs/mcu.md;
 * bytes, not float compares, which would link soft-float code into the M0+ firmware). */
static int anne_fp_matches(void) {
    const unsigned char *got = (const unsigned char *)ANNE_FP_OUTPUT;
    const unsigned char *want = (const unsigned char *)ANNE_FP_EXPECTED;
    size_t i;
    int same = 1;
    for (i = 0; i < (size_t)ANNE_FP(_OUTPUTS) * sizeof(anne_fp_value); i++) same &= got[i] == want[i];
    return same;
}

#if defined(ANNE_FOOTPRINT_CHECK)
static anne_model anne_fp_loaded;

anne_status anne_fp_predict_loaded(const anne_fp_value *input, anne_fp_value *output, void *arena);
/* The generated entry point's twin (docs/codegen.md), on the loaded model instead of the const one. */
__attribute__((noipa)) anne_status anne_fp_predict_loaded(const anne_fp_value *input, anne_fp_value *output,
                                                          void *arena) {
    return ANNE_FP_RUNTIME(&anne_fp_loaded, output, input, arena, ANNE_FP(_ARENA_BYTES));
}
#define ANNE_FP_RUNS 2
#else
#define ANNE_FP_RUNS 1
#endif

int main(void) {
    int run, match = 1;
    anne_port_bench_begin();
    anne_port_bench_end();
    for (run = 0; run < ANNE_FP_RUNS; run++) {
        anne_status st;
#if defined(ANNE_FOOTPRINT_CHECK)
        if (run == 1) { /* the same call on the loaded model, into a cleared output */
            size_t i;
            if (anne_model_load(&anne_fp_loaded, anne_bench_model, anne_bench_model_size) != ANNE_OK) return 5;
            for (i = 0; i < (size_t)ANNE_FP(_OUTPUTS); i++) ANNE_FP_OUTPUT[i] = 0;
            anne_fp_call = anne_fp_predict_loaded;
        }
#endif
        anne_port_bench_begin();
        st = anne_fp_call(ANNE_FP_INPUT, ANNE_FP_OUTPUT, anne_fp_arena);
        anne_port_bench_end();
        if (st != ANNE_OK) return 5;
        match &= anne_fp_matches();
    }
    anne_port_puts("stack ");
    anne_port_put_u32(anne_port_stack_used());
    anne_port_puts("\n");
    return match ? 0 : 4;
}
