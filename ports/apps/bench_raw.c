/* Inference-only firmware for the raw integer API of a q16 or int8 model: as bench_main.c, but the
 * measured call is anne_model_predict_q16 (or _s8 with ANNE_BENCH_RAW_S8) on the already scaled and
 * quantized input, so no float conversion is counted or linked. Regions: 0 empty, 1 anne_model_load,
 * 2 the raw predict. Exits 0 when the output equals the host's bit for bit, 4 when not, 5 on error. */
#include "anne.h"
#include "anne_port.h"
#include "anne_quant.h"
#include "bench_model.h"

int main(void) {
    static anne_model m; /* the application's model lives with its data, not on the measured stack */
    anne_status st;
    uint16_t i;
    int match = 1;
    anne_port_bench_begin();
    anne_port_bench_end();
    anne_port_bench_begin();
    st = anne_model_load(&m, anne_bench_model, anne_bench_model_size);
    anne_port_bench_end();
    if (st != ANNE_OK) return 5;
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
