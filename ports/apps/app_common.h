/* Helpers shared by the test programs that run both on the host (writing reference results) and on
 * the emulated boards (checking against them): buffers, file loading with messages, comparisons. */
#ifndef ANNE_APP_COMMON_H
#define ANNE_APP_COMMON_H

#include <string.h>

#include "anne.h"
#include "anne_port.h"

/* Reads `path` into buf (cap bytes) or says why not; returns the size or -1. */
static inline long anne_app_load(const char *path, void *buf, size_t cap) {
    long n = anne_port_read_file(path, buf, cap);
    if (n < 0) {
        anne_port_puts("cannot read ");
        anne_port_puts(path);
        anne_port_puts(" (missing, or larger than ");
        anne_port_put_u32((uint32_t)cap);
        anne_port_puts(" bytes)\n");
    }
    return n;
}

static inline int anne_app_store(const char *path, const void *buf, size_t n) {
    if (anne_port_write_file(path, buf, n) != 0) {
        anne_port_puts("cannot write ");
        anne_port_puts(path);
        anne_port_puts("\n");
        return -1;
    }
    return 0;
}

static inline uint32_t anne_app_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Compares n floats against reference values: *identical receives how many are bit-identical, and
 * the largest |got - want| and its index go to *max_diff and *at. Returns 1 when every value is
 * within abs_tol + rel_tol * |want| (NaN only matches NaN). */
static inline int anne_app_compare(const float *got, const float *want, uint32_t n, float abs_tol, float rel_tol,
                            uint32_t *identical, float *max_diff, uint32_t *at) {
    uint32_t i;
    int ok = 1;
    *identical = 0;
    *max_diff = 0.0f;
    *at = 0;
    for (i = 0; i < n; i++) {
        float d = got[i] - want[i], w = want[i] < 0.0f ? -want[i] : want[i];
        if (d < 0.0f) d = -d;
        if (anne_app_bits(got[i]) == anne_app_bits(want[i])) {
            (*identical)++;
            continue;
        }
        if (d != d || !(d <= abs_tol + rel_tol * w)) ok = 0;
        if (d != d || d > *max_diff) {
            *max_diff = d;
            *at = i;
        }
    }
    return ok;
}

static inline void anne_app_report(const char *what, uint32_t n, uint32_t identical, float max_diff, uint32_t at) {
    anne_port_puts(what);
    anne_port_puts(": ");
    anne_port_put_u32(identical);
    anne_port_puts(" of ");
    anne_port_put_u32(n);
    anne_port_puts(" values bit-identical to the host, largest difference ");
    anne_port_put_f32(max_diff);
    anne_port_puts(" (value ");
    anne_port_put_u32(at);
    anne_port_puts(")\n");
}

#endif /* ANNE_APP_COMMON_H */
