/* The int8 record's folded bias (zp_bias = bias - in_zp * sum of the unit's weights, docs/format.md):
 * the quantizer writes exactly that value (recomputed here in int64); a record whose zp_bias is off by
 * one is refused at load (CRC repaired, so the check itself is reached); and a layer run with the
 * folded bias gives the same int8 outputs as the kernel with the zero point and the plain bias. */
#include "test_support.h"
#include "test_s8_iris.h"

#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"

static void test_zp_bias_written(void **state) {
    unsigned char *bytes;
    size_t size;
    anne_model m;
    uint16_t li;
    (void)state;
    quantize_iris(&bytes, &size);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    for (li = 0; li < m.n_layers; li++) {
        anne_layer l;
        anne_s8_layer q;
        uint32_t i, j;
        assert_int_equal(anne_model_layer(&m, li, &l), ANNE_OK);
        assert_int_equal(anne_layer_s8(&l, &q), ANNE_OK);
        assert_non_null(q.zp_bias);
        for (j = 0; j < l.n_out; j++) {
            int64_t want = l.bias != NULL ? ((const int32_t *)l.bias)[j] : 0;
            for (i = 0; i < l.n_in; i++) want -= (int64_t)q.in_zp * ((const int8_t *)l.kernel)[j * l.n_in + i];
            assert_int_equal(q.zp_bias[j], want);
        }
    }
    free(bytes);
}

static void test_zp_bias_checked(void **state) {
    unsigned char *bytes;
    size_t size, off;
    anne_model m;
    anne_layer l;
    anne_s8_layer q;
    uint32_t size_field;
    (void)state;
    quantize_iris(&bytes, &size);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    assert_int_equal(anne_model_layer(&m, 1, &l), ANNE_OK);
    assert_int_equal(anne_layer_s8(&l, &q), ANNE_OK);
    off = (size_t)((const unsigned char *)q.zp_bias - bytes) + 4u; /* layer 2, unit 2 */
    wr32(bytes + off, rd32(bytes + off) + 1u);
    /* the CRC rule of docs/format.md: bytes [0, 12) then [16, file_size) */
    size_field = rd32(bytes + 8);
    wr32(bytes + 12, anne_crc32(anne_crc32(0, bytes, 12), bytes + 16, size_field - 16u));
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_ERR_BAD_VALUE);
    free(bytes);
}

static void test_zp_bias_same_outputs(void **state) {
    unsigned char *bytes;
    size_t size;
    anne_model m;
    uint16_t li;
    uint64_t rng = 77;
    (void)state;
    quantize_iris(&bytes, &size);
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    for (li = 0; li < m.n_layers; li++) {
        anne_layer l;
        anne_s8_layer q, plain;
        int8_t in[16], a[16], b[16];
        uint32_t t, i;
        assert_int_equal(anne_model_layer(&m, li, &l), ANNE_OK);
        assert_int_equal(anne_layer_s8(&l, &q), ANNE_OK);
        plain = q;
        plain.zp_bias = NULL; /* the kernel with the zero point and the stored bias */
        plain.dense.in_zp = q.in_zp;
        assert_int_equal(q.dense.in_zp, 0);
        for (t = 0; t < 2000u; t++) {
            for (i = 0; i < l.n_in; i++) {
                rng = rng * 6364136223846793005u + 1442695040888963407u;
                in[i] = (int8_t)((int32_t)(rng >> 56) - 128);
            }
            anne_layer_forward_s8(a, NULL, in, &l, &q);
            anne_layer_forward_s8(b, NULL, in, &l, &plain);
            assert_memory_equal(a, b, l.n_out);
        }
    }
    free(bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zp_bias_written),
        cmocka_unit_test(test_zp_bias_checked),
        cmocka_unit_test(test_zp_bias_same_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
