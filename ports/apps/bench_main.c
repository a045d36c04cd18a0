/* Inference-only firmware for footprint and cycle counts: the runtime, one embedded model and this
 * minimal main (no stdio). Counted regions (ports/plugin/anne_insn.c): 0 empty (the markers' own
 * cost), 1 anne_model_load, 2 anne_model_predict. Prints the stack high-water mark; exits 0 when the
 * output matches the host's bit for bit in every format (float32 too: the runtime has its own expf
 * and is compiled as ISO C, so host and boards round alike; docs/mcu.md), 4 when it does not, 5 when
 * loading or running fails. */
#include <string.h>

#include "anne.h"
#include "anne_port.h"
#include "bench_model.h"

/* A float's bits (the comparison below is on them: a float comparison or subtraction would link
 * libgcc's soft-float functions, about 1.5 KB on the Cortex-M0+, into every float firmware). */
static uint32_t bench_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* got equals want bit for bit (zeros of either sign equal). */
static int bench_same(float got, float want) {
    uint32_t g = bench_bits(got), w = bench_bits(want);
    return g == w || ((g | w) & 0x7FFFFFFFu) == 0;
}

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
        if (!bench_same(anne_bench_output[i], anne_bench_expected[i])) match = 0;
    }
    anne_port_puts("stack ");
    anne_port_put_u32(anne_port_stack_used());
    anne_port_puts("\n");
    return match ? 0 : 4;
}
