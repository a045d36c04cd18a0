/* Inference-only firmware for footprint and cycle counts: the runtime, one embedded model and this
 * minimal main (no stdio). Counted regions (ports/plugin/anne_insn.c): 0 empty (the markers' own
 * cost), 1 anne_model_load, 2 anne_model_predict. Prints the stack high-water mark; exits 0 when the
 * output matches the host's (bit for bit for q16/int8, within 1e-5 abs + 1e-5 rel for float32), 4
 * when it does not, 5 when loading or running fails. */
#include <string.h>

#include "anne.h"
#include "anne_port.h"
#include "bench_model.h"

/* A float's bits (the comparisons below are on them: float comparisons would link libgcc's four
 * soft-float comparison functions, 750 bytes on the Cortex-M0+, into every float firmware). */
static uint32_t bench_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* got equals want bit for bit (zeros of either sign equal), or for float32 within 1e-5 absolute +
 * 1e-5 relative of a finite want: |got - want| and the tolerance are non-negative, so their bits
 * order as their values (a NaN difference is above every finite tolerance). */
static int bench_close(float got, float want) {
    uint32_t g = bench_bits(got), w = bench_bits(want) & 0x7FFFFFFFu;
    float tol;
    if (g == bench_bits(want) || ((g & 0x7FFFFFFFu) | w) == 0) return 1;
    if (anne_bench_exact || w >= 0x7F800000u) return 0;
    memcpy(&tol, &w, sizeof tol); /* |want| */
    tol = 1e-5f + 1e-5f * tol;
    return (bench_bits(got - want) & 0x7FFFFFFFu) <= bench_bits(tol);
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
        if (!bench_close(anne_bench_output[i], anne_bench_expected[i])) match = 0;
    }
    anne_port_puts("stack ");
    anne_port_put_u32(anne_port_stack_used());
    anne_port_puts("\n");
    return match ? 0 : 4;
}
