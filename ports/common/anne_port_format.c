/* Number formatting for the port console without printf (which would pull stdio into the firmware):
 * decimal, hex and a rough scientific notation for diagnostics. Shared by the boards and the host. */
#include "anne_port.h"

void anne_port_put_u32(uint32_t v) {
    char buf[12];
    int i = (int)sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    anne_port_puts(buf + i);
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
