/* Shared by the int8 model tests: an int8 network computed by hand from its decoded layer records
 * (anne_model_layer, anne_layer_s8), in int64 with the reference requantization of test_quant_ref.h:
 * sum of w (x - in_zp) plus the plain bias (so it checks a folded zp_bias too), zero point, clamp, then
 * the LUT or TFLite's int8 softmax. Layers of at most 64 units. */
#ifndef TEST_S8_MODEL_REF_H
#define TEST_S8_MODEL_REF_H

#include "test_support.h"
#include "test_quant_ref.h"

#include <string.h>

#include "anne_quant.h"

static inline void ref_s8_model(const anne_model *m, const int8_t *in, int8_t *out) {
    int8_t a[64], b[64];
    uint16_t i, j, k;
    assert_true(m->n_inputs <= 64);
    memcpy(a, in, m->n_inputs);
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        anne_s8_layer q;
        assert_int_equal(anne_model_layer(m, i, &l), ANNE_OK);
        assert_int_equal(anne_layer_s8(&l, &q), ANNE_OK);
        assert_true(l.n_out <= 64);
        for (j = 0; j < l.n_out; j++) {
            int64_t acc = l.bias ? ((const int32_t *)l.bias)[j] : 0, y;
            for (k = 0; k < l.n_in; k++) acc += (int64_t)((const int8_t *)l.kernel)[j * l.n_in + k] * (a[k] - q.in_zp);
            assert_true(acc >= INT32_MIN && acc <= INT32_MAX); /* the runtime's int32 sum cannot wrap */
            y = (int64_t)ref_requantize((int32_t)acc, q.dense.multiplier[j], q.dense.shift[j]) + q.z_zp;
            y = y < q.dense.act_min ? q.dense.act_min : (y > q.dense.act_max ? q.dense.act_max : y);
            b[j] = (int8_t)y;
        }
        if (q.act_kind == ANNE_S8_ACT_LUT) {
            for (j = 0; j < l.n_out; j++) b[j] = q.lut[b[j] + 128];
        } else if (q.act_kind == ANNE_S8_ACT_SOFTMAX) {
            int32_t mx = -128;
            uint64_t sum = 0;
            for (j = 0; j < l.n_out; j++) mx = b[j] > mx ? b[j] : mx;
            for (j = 0; j < l.n_out; j++) sum += q.exp_table[mx - b[j]];
            for (j = 0; j < l.n_out; j++) {
                int64_t v = (int64_t)((512u * (uint64_t)q.exp_table[mx - b[j]] + sum) / (2u * sum)) - 128;
                b[j] = (int8_t)(v > 127 ? 127 : v);
            }
        }
        memcpy(a, b, l.n_out);
    }
    memcpy(out, a, m->n_outputs);
}

#endif /* TEST_S8_MODEL_REF_H */
