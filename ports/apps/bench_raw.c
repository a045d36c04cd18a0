/* Inference-only firmware for the raw integer API of a q16 or int8 model: as bench_main.c, but the
 * measured call is anne_model_predict_q16 (or _s8 with ANNE_BENCH_RAW_S8) on the already scaled and
 * quantized input, so no float conversion is counted or linked. With ANNE_BENCH_RAW_WIDE (int8) the
 * model's weights are first widened to int16 in RAM (anne_model_s8_widen; the bytes it takes are
 * printed, "wide N"). Regions: 0 empty, 1 anne_model_load (and the widening), 2 the raw predict. Exits
 * 0 when the output equals the host's bit for bit, 4 when not, 5 on error. */
#include "anne.h"
#include "anne_port.h"
#include "anne_quant.h"
#include "bench_model.h"

#if defined(ANNE_BENCH_RAW_WIDE)
static uint32_t anne_bench_wide[18u * 1024u / 4u]; /* (the benchmark models need at most 17 408 bytes) */
#endif

int main(void) {
    static anne_model m; /* the application's model lives with its data, not on the measured stack */
    anne_status st;
    uint16_t i;
    int match = 1;
    anne_port_bench_begin();
    anne_port_bench_end();
    anne_port_bench_begin();
    st = anne_model_load(&m, anne_bench_model, anne_bench_model_size);
#if defined(ANNE_BENCH_RAW_WIDE)
    if (st == ANNE_OK) st = anne_model_s8_widen(&m, anne_bench_wide, sizeof anne_bench_wide);
#endif
    anne_port_bench_end();
    if (st != ANNE_OK) return 5;
#if defined(ANNE_BENCH_RAW_WIDE)
    anne_port_puts("wide ");
    anne_port_put_u32((uint32_t)anne_model_s8_wide_size(&m));
    anne_port_puts("\n");
#endif
    anne_port_bench_begin();
#if defined(ANNE_BENCH_RAW_S8)
    st = anne_model_predict_s8(&m, anne_bench_raw_output, anne_bench_raw_input, anne_bench_arena,
                               anne_bench_arena_bytes);
#else
    st = anne_model_predict_q16(&m, anne_bench_raw_output, anne_bench_raw_input, anne_bench_arena,
                                anne_bench_arena_bytes);
#endif
    anne_port_bench_end();
    if (st != ANNE_OK) return 5;
    for (i = 0; i < anne_bench_n_outputs; i++) {
        if (anne_bench_raw_output[i] != anne_bench_raw_expected[i]) match = 0;
    }
    anne_port_puts("stack ");
    anne_port_put_u32(anne_port_stack_used());
    anne_port_puts("\n");
    return match ? 0 : 4;
}
