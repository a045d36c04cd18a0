/* The Pico template (ports/pico/anne_pico_model_app.c) on the emulated boards: everything but the Pico
 * SDK glue, so CI builds and runs it (tests/cli/pico_template.sh): the model's description and one step
 * on the stub sensor's sample, after the self-test when the model has one. No clock here: the time prints as 0.
 *   anne_app_pico_model */
#include "anne_pico_app.h"
#include "anne_pico_model_app.h"
#include "anne_port.h"

uint32_t anne_pico_time_us(void) {
    return 0u;
}

int anne_app_main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    if (anne_pico_model_info() != 0) return 1;
    if (anne_pico_model_self_test() != 0) return 1;
    return anne_pico_model_step();
}
