/* The optimized int8 convolutions (runtime/src/anne_conv2d_s8_fast.c, the public kernels) against the
 * reference kernels (anne_conv2d_s8.c) bit for bit on the host, on the random layers of
 * ports/apps/conv_s8_check.c: the same check the emulated boards run (ports/apps/app_conv_s8.c, driven
 * by tests/cli/mcu_s8_graph.sh), so that the portable code of the optimized kernels is also checked
 * here, under the sanitizers of the sanitized build. (The public kernels are also checked against an
 * independent int64 reference in test_conv_s8.c.) */
#include "test_support.h"

#include "conv_s8_check.h"

static void test_fast_equals_reference(void **state) {
    uint32_t outputs = 0, bad;
    (void)state;
    bad = anne_conv_s8_check(20261208u, 4000u, &outputs);
    if (bad != 0) fail_msg("%u of 4000 random layers differ from the reference kernels", (unsigned)bad);
    assert_true(outputs > 500000u); /* the layers are not degenerate */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
