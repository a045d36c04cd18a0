/* The .tflite importer on per-channel int8 weights (one scale per output unit along quantized
 * dimension 0; the hello_world fixture has one scale per tensor): a two-layer model built here with
 * the flatbuffers schema header, each unit with a weight scale of its own (requantization factors
 * from 0.0035 to 1.25: right shifts of up to 8 and a left shift), converts to an ANNE model whose int8
 * outputs equal, bit for bit, TFLite's reference per-channel FullyConnected computed here from the
 * scales and integers this test wrote into the file (int64 sums, QuantizeMultiplier per unit,
 * MultiplyByQuantizedMultiplier: tests/test_quant_ref.h). C++ for the generated flatbuffers code. */
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" {
#include "anne_quant.h"
#include "anne_tflite.h"
#include "test_quant_ref.h"
#include "test_support.h"
}

#include "tflite_subset_generated.h"

namespace {

using namespace anne_tflite;

/* One FULLY_CONNECTED layer as the file holds it. */
struct fc {
    int n_in, n_out;
    std::vector<float> w_scale;  // (n_out): per channel
    std::vector<int> w_max;      // (n_out): the channel's weights are in [-w_max, w_max]
    float out_scale;
    int32_t out_zp;
    bool relu;
    std::vector<int8_t> w;       // (n_out, n_in)
    std::vector<int32_t> bias;   // (n_out)
};

const float kInScale = 0.05f;
const int32_t kInZp = -10;

/* Layer 1: 4 -> 6, fused RELU; layer 2: 6 -> 3, none. A channel with a larger scale has smaller
 * integer weights, so that the outputs stay mostly inside int8 while the requantization factors
 * in_scale * w_scale / out_scale range from 0.0035 (a right shift of 8) to 1.25 (a left shift of 1).
 * Weights and biases (within 20 w_max) from a fixed seed. */
std::vector<fc> layers() {
    uint64_t st = 0x7f1e;
    std::vector<fc> l(2);
    l[0] = fc{4, 6, {0.0059f, 0.0118f, 0.047f, 0.19f, 0.75f, 2.0f}, {127, 64, 16, 4, 1, 1}, 0.08f, -20, true, {},
              {}};
    l[1] = fc{6, 3, {0.0044f, 0.069f, 0.55f}, {127, 8, 1}, 0.1f, 7, false, {}, {}};
    for (fc &f : l) {
        for (int j = 0; j < f.n_out; j++) {
            uint32_t m = static_cast<uint32_t>(f.w_max[static_cast<size_t>(j)]);
            for (int i = 0; i < f.n_in; i++) {
                f.w.push_back(static_cast<int8_t>(static_cast<int64_t>(ref_rand(&st) % (2u * m + 1u)) - m));
            }
            f.bias.push_back(static_cast<int32_t>(static_cast<int64_t>(ref_rand(&st) % (40u * m + 1u)) - 20 * m));
        }
    }
    return l;
}

/* The .tflite bytes of the model: int8 input [1, 4] -> FC -> int8 [1, 6] -> FC -> int8 [1, 3]. With
 * flatten, the input is [1, 2, 2] and a RESHAPE to [1, 4] comes first (how TFLite stores Keras' Flatten). */
std::vector<uint8_t> build(const std::vector<fc> &l, bool flatten = false) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<Buffer>> buffers{CreateBuffer(b)}; /* buffer 0: no data */
    std::vector<flatbuffers::Offset<Tensor>> tensors;
    std::vector<flatbuffers::Offset<Operator>> ops;
    auto act = [&](int n, float scale, int32_t zp, const char *name, std::vector<int32_t> shape = {}) {
        if (shape.empty()) shape = {1, n};
        std::vector<float> s{scale};
        std::vector<int64_t> z{zp};
        tensors.push_back(CreateTensorDirect(b, &shape, TensorType_INT8, 0, name,
                                             CreateQuantizationParametersDirect(b, nullptr, nullptr, &s, &z)));
        return static_cast<int32_t>(tensors.size() - 1);
    };
    int32_t cur = act(l[0].n_in, kInScale, kInZp, "input");
    int32_t model_input = cur;
    if (flatten) {
        /* the input as [1, 2, 2], then RESHAPE (operator code 1) to the [1, 4] tensor, same quantization */
        model_input = act(l[0].n_in, kInScale, kInZp, "grid", {1, 2, 2});
        std::vector<int32_t> in{model_input}, outs{cur};
        ops.push_back(CreateOperatorDirect(b, 1, &in, &outs));
    }
    float in_scale = kInScale;
    for (size_t i = 0; i < l.size(); i++) {
        const fc &f = l[i];
        std::vector<uint8_t> wb(f.w.size()), bb(4 * f.bias.size());
        std::memcpy(wb.data(), f.w.data(), wb.size());
        std::memcpy(bb.data(), f.bias.data(), bb.size()); /* little-endian, as the host */
        buffers.push_back(CreateBufferDirect(b, &wb));
        buffers.push_back(CreateBufferDirect(b, &bb));
        std::vector<int32_t> wshape{f.n_out, f.n_in}, bshape{f.n_out};
        std::vector<int64_t> zeros(static_cast<size_t>(f.n_out), 0);
        std::vector<float> bscale;
        for (float s : f.w_scale) bscale.push_back(in_scale * s);
        tensors.push_back(CreateTensorDirect(
            b, &wshape, TensorType_INT8, static_cast<uint32_t>(buffers.size() - 2), "weights",
            CreateQuantizationParametersDirect(b, nullptr, nullptr, &f.w_scale, &zeros, 0)));
        int32_t w = static_cast<int32_t>(tensors.size() - 1);
        tensors.push_back(CreateTensorDirect(
            b, &bshape, TensorType_INT32, static_cast<uint32_t>(buffers.size() - 1), "bias",
            CreateQuantizationParametersDirect(b, nullptr, nullptr, &bscale, &zeros, 0)));
        int32_t bias = static_cast<int32_t>(tensors.size() - 1);
        int32_t out = act(f.n_out, f.out_scale, f.out_zp, i == 0 ? "hidden" : "output");
        std::vector<int32_t> in{cur, w, bias}, outs{out};
        auto opt = CreateFullyConnectedOptions(b, f.relu ? ActivationFunctionType_RELU : ActivationFunctionType_NONE);
        ops.push_back(CreateOperatorDirect(b, 0, &in, &outs, BuiltinOptions_FullyConnectedOptions, opt.Union()));
        cur = out;
        in_scale = f.out_scale;
    }
    std::vector<int32_t> sg_in{model_input}, sg_out{cur};
    std::vector<flatbuffers::Offset<SubGraph>> sgs{CreateSubGraphDirect(b, &tensors, &sg_in, &sg_out, &ops, "main")};
    const auto code = BuiltinOperator_FULLY_CONNECTED;
    const auto reshape = BuiltinOperator_RESHAPE;
    std::vector<flatbuffers::Offset<OperatorCode>> codes{CreateOperatorCode(b, static_cast<int8_t>(code), 0, 1, code),
                                                         CreateOperatorCode(b, static_cast<int8_t>(reshape), 0, 1,
                                                                            reshape)};
    FinishModelBuffer(b, CreateModelDirect(b, 3, &codes, &sgs, "per-channel test", &buffers));
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

/* TFLite's QuantizeMultiplier: real = q * 2^(shift - 31), q in [2^30, 2^31), rounded half away from 0. */
void quantize_multiplier(double real, int32_t *q, int32_t *shift) {
    int e;
    double f = std::frexp(real, &e);
    int64_t m = static_cast<int64_t>(std::round(f * 2147483648.0));
    if (m == (static_cast<int64_t>(1) << 31)) {
        m /= 2;
        e++;
    }
    *q = static_cast<int32_t>(m);
    *shift = e;
}

/* reference_integer_ops::FullyConnectedPerChannel, one layer: int64 sum, then per unit
 * MultiplyByQuantizedMultiplier(acc, M_j, s_j) + out_zp, clamped to the activation's range. */
std::vector<int8_t> ref_layer(const fc &f, float in_scale, int32_t in_zp, const std::vector<int8_t> &x) {
    std::vector<int8_t> y(static_cast<size_t>(f.n_out));
    int32_t lo = f.relu ? (f.out_zp > -128 ? f.out_zp : -128) : -128;
    for (int j = 0; j < f.n_out; j++) {
        int64_t acc = f.bias[static_cast<size_t>(j)];
        for (int k = 0; k < f.n_in; k++) {
            acc += static_cast<int64_t>(f.w[static_cast<size_t>(j * f.n_in + k)]) *
                   (static_cast<int64_t>(x[static_cast<size_t>(k)]) - in_zp);
        }
        int32_t m, s;
        quantize_multiplier(static_cast<double>(in_scale) * static_cast<double>(f.w_scale[static_cast<size_t>(j)]) /
                                static_cast<double>(f.out_scale),
                            &m, &s);
        int64_t shifted = acc * (static_cast<int64_t>(1) << (s > 0 ? s : 0));
        assert_true(shifted >= INT32_MIN && shifted <= INT32_MAX); /* no int32 overflow in TFLite either */
        int64_t v = ref_rdbpot(ref_srdhm_tflite(static_cast<int32_t>(shifted), m), s < 0 ? -s : 0) + f.out_zp;
        y[static_cast<size_t>(j)] = static_cast<int8_t>(v < lo ? lo : (v > 127 ? 127 : v));
    }
    return y;
}

struct converted {
    unsigned char *bytes = nullptr;
    size_t size = 0;
    anne_model m;
};

void convert(const std::vector<uint8_t> &file, converted *c) {
    anne_error err;
    if (anne_tflite_convert(file.data(), file.size(), "per_channel.tflite", &c->bytes, &c->size, &err) != 0) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(anne_model_load(&c->m, c->bytes, c->size), ANNE_OK);
}

/* The file's per-unit scales reach the model's layers (each different: the check is not blind). */
void test_scales_kept(void **state) {
    (void)state;
    std::vector<fc> l = layers();
    converted c;
    convert(build(l), &c);
    assert_int_equal(c.m.n_layers, 2);
    for (uint16_t i = 0; i < 2; i++) {
        anne_layer layer;
        anne_s8_layer q;
        assert_int_equal(anne_model_layer(&c.m, i, &layer), ANNE_OK);
        assert_int_equal(anne_layer_s8(&layer, &q), ANNE_OK);
        assert_int_equal(layer.n_out, l[i].n_out);
        for (int j = 0; j < l[i].n_out; j++) {
            assert_true(q.w_scale[j] == l[i].w_scale[static_cast<size_t>(j)]);
            if (j > 0) assert_true(l[i].w_scale[static_cast<size_t>(j)] != l[i].w_scale[static_cast<size_t>(j - 1)]);
        }
    }
    std::free(c.bytes);
}

/* Bit for bit with TFLite's reference on 4000 random inputs and the extremes; with flatten, the same
 * model behind a RESHAPE [1, 2, 2] -> [1, 4] (int8 RESHAPE copies bytes). */
void bit_exact_with_tflite_reference(bool flatten) {
    std::vector<fc> l = layers();
    converted c;
    convert(build(l, flatten), &c);
    uint64_t st = 99;
    int mismatches = 0, saturated = 0, zero_or_relu = 0;
    float arena[256];
    assert_true(anne_model_arena_size(&c.m) <= sizeof arena);
    for (int r = 0; r < 4002; r++) {
        std::vector<int8_t> x(4);
        for (int k = 0; k < 4; k++) {
            x[static_cast<size_t>(k)] =
                r == 0 ? -128 : r == 1 ? 127 : static_cast<int8_t>(static_cast<int>(ref_rand(&st) >> 56) - 128);
        }
        std::vector<int8_t> h = ref_layer(l[0], kInScale, kInZp, x);
        std::vector<int8_t> want = ref_layer(l[1], l[0].out_scale, l[0].out_zp, h);
        int8_t got[3];
        assert_int_equal(anne_model_predict_s8(&c.m, got, x.data(), arena, sizeof arena), ANNE_OK);
        for (int j = 0; j < 3; j++) {
            if (got[j] != want[static_cast<size_t>(j)]) {
                if (mismatches++ < 5) {
                    print_message("input %d %d %d %d, unit %d: ANNE %d, TFLite reference %d\n", x[0], x[1], x[2], x[3],
                                  j, got[j], want[static_cast<size_t>(j)]);
                }
            }
            saturated += want[static_cast<size_t>(j)] == 127 || want[static_cast<size_t>(j)] == -128;
        }
        for (int j = 0; j < 6; j++) zero_or_relu += h[static_cast<size_t>(j)] == l[0].out_zp;
    }
    print_message("%d mismatches in %d outputs; %d saturated outputs, %d hidden values at the RELU floor\n", mismatches,
                  4002 * 3, saturated, zero_or_relu);
    assert_int_equal(mismatches, 0);
    std::free(c.bytes);
}

void test_bit_exact_with_tflite_reference(void **state) {
    (void)state;
    bit_exact_with_tflite_reference(false);
}

void test_flatten_first_bit_exact(void **state) {
    (void)state;
    bit_exact_with_tflite_reference(true);
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scales_kept),
        cmocka_unit_test(test_bit_exact_with_tflite_reference),
        cmocka_unit_test(test_flatten_first_bit_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
