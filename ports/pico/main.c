/* Pico SDK glue: serial output (USB or UART0), the microsecond timer, and the main loop: of the template
 * for your model (ANNE_PICO_MODEL_APP: one inference on a new sensor reading every ANNE_PICO_PERIOD_MS),
 * or of the IRIS demo (rerun whenever Enter is pressed in the terminal). */
#include "anne_pico_app.h"
#include "anne_port.h"
#include "pico/stdlib.h"
#ifdef ANNE_PICO_MODEL_APP
#include "anne_pico_model_app.h"
#endif

#define ANNE_PICO_EPOCHS 100u
#ifndef ANNE_PICO_PERIOD_MS
#define ANNE_PICO_PERIOD_MS 1000u
#endif

const char anne_port_target[] = "pico";

/* Straight to the SDK's stdio drivers (USB or UART; '\n' becomes "\r\n"), not through the C library's
 * stdout: newlib buffers that, so text written with fputs came out late, after anything printf (which
 * the SDK sends directly) wrote since (pico-sdk issue #1510). */
void anne_port_puts(const char *s) {
    stdio_put_string(s, -1, false, true);
}

uint32_t anne_pico_time_us(void) {
    return time_us_32();
}

int main(void) {
    stdio_init_all();
#if LIB_PICO_STDIO_USB
    while (!stdio_usb_connected()) sleep_ms(100); /* wait for the terminal */
#endif
    sleep_ms(500);
#ifdef ANNE_PICO_MODEL_APP
    if (anne_pico_model_info() != 0) {
        for (;;) sleep_ms(1000); /* a damaged model: said so, nothing to run */
    }
    anne_pico_model_self_test(); /* prints its result; the model runs either way */
    for (;;) {
        anne_pico_model_step();
        sleep_ms(ANNE_PICO_PERIOD_MS);
    }
#else
    for (;;) {
        int rc = anne_pico_run(ANNE_PICO_EPOCHS);
        anne_port_puts(rc == 0 ? "done; press Enter to run again\n"
                               : "the demo failed (see above); press Enter to retry\n");
        int c;
        do c = getchar_timeout_us(1000000); /* PICO_ERROR_TIMEOUT (< 0) while nothing is typed */
        while (c != '\r' && c != '\n');
    }
#endif
}
