/* Number formatting for the port console without printf (which would pull stdio into the firmware):
 * decimal, hex and a rough scientific notation for diagnostics. Shared by the boards and the host. */
#include "anne_port.h"

/* By subtracting powers of ten, not dividing: a firmware that prints a number then needs no
 * __udivsi3 (266 bytes of libgcc on a Cortex-M0+, which has no divide instruction). */
void anne_port_put_u32(uint32_t v) {
    static const uint32_t pow10[9] = {1000000000u, 100000000u, 10000000u, 1000000u, 100000u, 10000u, 1000u, 100u, 10u};
    char buf[11];
    int n = 0, k;
    for (k = 0; k < 9; k++) {
        char d = '0';
        while (v >= pow10[k]) {
            v -= pow10[k];
            d++;
        }
        if (d != '0' || n != 0) buf[n++] = d; /* no leading zeros */
    }
    buf[n++] = (char)('0' + v);
    buf[n] = '\0';
    anne_port_puts(buf);
}

void anne_port_put_i32(int32_t v) {
    if (v < 0) {
        anne_port_puts("-");
        anne_port_put_u32(0u - (uint32_t)v);
    } else {
        anne_port_put_u32((uint32_t)v);
    }
}

void anne_port_put_hex32(uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    char buf[9];
    int i;
    for (i = 7; i >= 0; i--) {
        buf[i] = digits[v & 15u];
        v >>= 4;
    }
    buf[8] = '\0';
    anne_port_puts(buf);
}

/* Mantissa with three decimals and a decimal exponent, by repeated scaling in float: good to a few
 * units in the last printed digit, enough to read an error size. */
void anne_port_put_f32(float x) {
    int exp10 = 0;
    uint32_t m;
    char buf[8];
    if (x != x) {
        anne_port_puts("nan");
        return;
    }
    if (x < 0.0f) {
        anne_port_puts("-");
        x = -x;
    }
    if (x > 3.4e38f) {
        anne_port_puts("inf");
        return;
    }
    if (x != 0.0f) {
        while (x >= 10.0f) {
            x /= 10.0f;
            exp10++;
        }
        while (x < 1.0f) {
            x *= 10.0f;
            exp10--;
        }
    }
    m = (uint32_t)(x * 1000.0f + 0.5f);
    if (m >= 10000u) {
        m /= 10u;
        exp10++;
    }
    buf[0] = (char)('0' + m / 1000u);
    buf[1] = '.';
    buf[2] = (char)('0' + m / 100u % 10u);
    buf[3] = (char)('0' + m / 10u % 10u);
    buf[4] = (char)('0' + m % 10u);
    buf[5] = 'e';
    buf[6] = '\0';
    anne_port_puts(buf);
    anne_port_put_i32(exp10);
}
