/* Inference-only firmware for footprint and cycle counts: the runtime, one embedded model and this
 * minimal main (no stdio). Counted regions (ports/plugin/anne_insn.c): 0 empty (the markers' own
 * cost), 1 anne_model_load, 2 anne_model_predict. Prints the stack high-water mark; exits 0 when the
 * output matches the host's (bit for bit for q16/int8, within 1e-5 abs + 1e-5 rel for float32), 4
 * when it does not, 5 when loading or running fails. */
#include "anne.h"
#include "anne_port.h"
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
    st = anne_model_predict(&m, anne_bench_output, anne_bench_input, anne_bench_arena, anne_bench_arena_bytes);
    anne_port_bench_end();
    if (st != ANNE_OK) return 5;
    for (i = 0; i < anne_bench_n_outputs; i++) {
        float got = anne_bench_output[i], want = anne_bench_expected[i];
        float d = got > want ? got - want : want - got, w = want < 0.0f ? -want : want;
        if (anne_bench_exact ? got != want : !(d <= 1e-5f + 1e-5f * w)) match = 0;
    }
    anne_port_puts("stack ");
    anne_port_put_u32(anne_port_stack_used());
    anne_port_puts("\n");
    return match ? 0 : 4;
}
