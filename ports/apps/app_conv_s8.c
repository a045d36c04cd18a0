/* The optimized int8 convolutions against the reference kernels, bit for bit, on the board that runs
 * them (conv_s8_check.c: random shapes, strides, paddings, zero points, multipliers).
 *   anne_app_conv_s8 [CASES]      exit 0 when every output is the reference's, 1 otherwise */
#include <stdlib.h>

#include "app_common.h"
#include "conv_s8_check.h"

int anne_app_main(int argc, char **argv) {
    uint32_t cases = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 300u, outputs = 0, bad;
    bad = anne_conv_s8_check(20261208u, cases, &outputs);
    anne_port_puts("conv_s8: ");
    anne_port_put_u32(cases);
    anne_port_puts(" layers, ");
    anne_port_put_u32(outputs);
    anne_port_puts(" outputs, ");
    anne_port_put_u32(bad);
    anne_port_puts(" layers differ from the reference kernels\n");
    return bad == 0 ? 0 : 1;
}
