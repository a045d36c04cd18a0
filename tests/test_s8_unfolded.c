/* int8 models run through anne_model_predict_s8 against an independent int64 reference of TFLite's
 * scheme (tests/test_s8_model_ref.h), bit for bit: as the quantizer writes them (input zero point folded
 * into the bias, ANNE__S8_FLAG_ZP_BIAS) and rewritten without the folded bias (flag clear, zp_bias
 * removed, CRC repaired: a valid file per docs/format.md), so that the run loop's path with the zero
 * point and the plain bias is checked too. */
#include "test_support.h"
#include "test_s8_iris.h"
#include "test_s8_model_ref.h"

#include <stdlib.h>
#include <string.h>

#include "../runtime/src/anne_format.h"
#include "../runtime/src/anne_quant_format.h"
#include "anne_quant.h"

/* Every layer's aux record without zp_bias: the activation table moved down over it, the flag and the
 * record's size adjusted, the CRC repaired (bytes [0, 12) then [16, file_size)). */
static void unfold(unsigned char *bytes, const anne_model *m) {
    uint16_t li;
    uint32_t size_field = rd32(bytes + 8);
    for (li = 0; li < m->n_layers; li++) {
        unsigned char *rec = bytes + (m->layer_table - (const uint8_t *)bytes) + (size_t)li * ANNE__LAYER_SIZE;
        unsigned char *aux = bytes + (m->weights - (const uint8_t *)bytes) + rd32(rec + ANNE__L_AUX_OFF);
        uint32_t n_out = rd32(rec + ANNE__L_N_IN) >> 16, a_size = rd32(rec + ANNE__L_AUX_SIZE);
        uint32_t table = ANNE__S8_HDR_SIZE + 16u * n_out;
        assert_int_equal(rd32(aux + ANNE__S8_FLAGS), ANNE__S8_FLAG_ZP_BIAS);
        memmove(aux + table - 4u * n_out, aux + table, a_size - table);
        wr32(aux + ANNE__S8_FLAGS, 0);
        wr32(rec + ANNE__L_AUX_SIZE, a_size - 4u * n_out);
    }
    wr32(bytes + 12, anne_crc32(anne_crc32(0, bytes, 12), bytes + 16, size_field - 16u));
}

static void test_folded_and_unfolded(void **state) {
    unsigned char *folded, *unfolded;
    size_t size;
    anne_model mf, mu;
    uint32_t arena[256], t, i;
    uint64_t rng = 2024;
    int8_t x[64], want[64], got_f[64], got_u[64];
    (void)state;
    quantize_iris(&folded, &size);
    unfolded = malloc(size);
    assert_non_null(unfolded);
    memcpy(unfolded, folded, size);
    assert_int_equal(anne_model_load(&mf, folded, size), ANNE_OK);
    unfold(unfolded, &mf);
    assert_int_equal(anne_model_load(&mu, unfolded, size), ANNE_OK);
    assert_true(anne_model_arena_size(&mf) <= sizeof arena);
    for (t = 0; t < 5000u; t++) {
        for (i = 0; i < mf.n_inputs; i++) x[i] = (int8_t)((int32_t)(ref_rand(&rng) >> 56) - 128);
        ref_s8_model(&mu, x, want);
        assert_int_equal(anne_model_predict_s8(&mf, got_f, x, arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_model_predict_s8(&mu, got_u, x, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(got_f, want, mf.n_outputs);
        assert_memory_equal(got_u, want, mf.n_outputs);
    }
    free(unfolded);
    free(folded);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folded_and_unfolded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
