/* The Pico example's application (ports/pico/anne_pico_app.c) on the emulated boards: everything
 * but the Pico SDK glue, so CI builds and runs it. No clock here: times print as 0.
 *   anne_app_pico [EPOCHS]   (default 30) */
#include "anne_pico_app.h"
#include "anne_port.h"

uint32_t anne_pico_time_us(void) {
    return 0u;
}

int anne_app_main(int argc, char **argv) {
    unsigned epochs = 30u;
    if (argc > 1) {
        const char *p = argv[1];
        epochs = 0u;
        while (*p >= '0' && *p <= '9') epochs = epochs * 10u + (unsigned)(*p++ - '0');
    }
    return anne_pico_run(epochs);
}
