/* Pico SDK glue for the IRIS demo: serial output (USB or UART0), the microsecond timer, and a loop that reruns
 * the demo whenever Enter is pressed in the terminal. */
#include "anne_pico_app.h"
#include "anne_port.h"
#include "pico/stdlib.h"

#define ANNE_PICO_EPOCHS 100u

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
    for (;;) {
        int rc = anne_pico_run(ANNE_PICO_EPOCHS);
        anne_port_puts(rc == 0 ? "done; press Enter to run again\n"
                               : "the demo failed (see above); press Enter to retry\n");
        int c;
        do c = getchar_timeout_us(1000000); /* PICO_ERROR_TIMEOUT (< 0) while nothing is typed */
        while (c != '\r' && c != '\n');
    }
}
