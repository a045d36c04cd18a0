/* The .tflite importer on the variants that TFLite's converter writes for a float model, built here with
 * the flatbuffers schema header: float32 with a RESHAPE (Keras' Flatten) in front; float16 weights
 * behind DEQUANTIZE operators; dynamic-range ("hybrid") int8 weights, per channel and per tensor,
 * read directly by FULLY_CONNECTED or through DEQUANTIZE. Each converts to the float model of the
 * values the file means, exactly: the test encodes its own float16 bits and computes scale * q in
 * float, and the converted models' outputs equal, bit for bit, those of the float32 file holding
 * those values. Also: operator names for every builtin code, refusals that name what they refuse,
 * `--check` listing every operator, and `--check` agreeing with convert on every file built here. */
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "anne_quant.h"
#include "anne_tflite.h"
#include "test_quant_ref.h"
#include "test_support.h"
}

#include "tflite_file_builder.h"

namespace {

using namespace anne_tflite;

std::vector<uint8_t> bytes_of(const std::vector<float> &v) {
    std::vector<uint8_t> b(4 * v.size());
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

/* float16 bits of a float that a half holds exactly (the test's values are chosen so): written from the
 * definition with frexp, independently of the importer's decoder. */
uint16_t half_bits(float f) {
    uint16_t sign = std::signbit(f) ? 0x8000u : 0u;
    double a = std::fabs(static_cast<double>(f));
    if (a == 0.0) return sign;
    int e;
    double m = std::frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    int exp = e - 1 + 15;         /* a = (2m) * 2^(e-1) */
    if (exp <= 0) {               /* subnormal: a = k * 2^-24 */
        double k = std::ldexp(a, 24);
        assert_true(k == std::floor(k) && k < 1024.0);
        return static_cast<uint16_t>(sign | static_cast<uint16_t>(k));
    }
    double frac = (2.0 * m - 1.0) * 1024.0;
    assert_true(frac == std::floor(frac) && exp < 31);
    return static_cast<uint16_t>(sign | exp << 10 | static_cast<uint16_t>(frac));
}

std::vector<uint8_t> half_bytes(const std::vector<float> &v) {
    std::vector<uint8_t> b;
    for (float f : v) {
        uint16_t h = half_bits(f);
        b.push_back(static_cast<uint8_t>(h & 0xffu));
        b.push_back(static_cast<uint8_t>(h >> 8));
    }
    return b;
}

/* ---- the network: [1, 2, 3] -> Flatten -> Dense 5 relu -> Dense 3 -> softmax ------------------------ */

struct net {
    std::vector<float> w1, b1, w2, b2; /* (5, 6), (5), (3, 5), (3): TFLite's [units, inputs] */
};

/* Values that float16 holds exactly (multiples of 1/256 below 8), with a subnormal, a tiny normal and
 * a negative zero among them, so that every branch of the widening is exercised. */
net float16_exact_net() {
    net n;
    uint64_t st = 0x5eed;
    auto fill = [&st](size_t count) {
        std::vector<float> v;
        for (size_t i = 0; i < count; i++) {
            v.push_back(static_cast<float>(static_cast<int>(ref_rand(&st) % 1025u) - 512) / 256.0f);
        }
        return v;
    };
    n.w1 = fill(30);
    n.b1 = fill(5);
    n.w2 = fill(15);
    n.b2 = fill(3);
    n.w1[0] = std::ldexp(3.0f, -24);  /* float16 subnormal */
    n.w1[1] = std::ldexp(-1.0f, -14); /* smallest float16 normal, negative */
    n.w1[2] = -0.0f;
    return n;
}

/* How the weights are stored. */
enum storage { F32, F16, HYBRID, HYBRID_DEQUANTIZE };

/* int8 weights and their scales: per unit (per channel) for HYBRID, one scale for HYBRID_DEQUANTIZE. */
struct int8_weights {
    std::vector<int8_t> q;
    quant qp;
};

int8_weights int8_of(int units, int inputs, bool per_channel, uint64_t seed) {
    int8_weights w;
    uint64_t st = seed;
    for (int j = 0; j < (per_channel ? units : 1); j++) w.qp.scale.push_back(0.0037f * static_cast<float>(j + 1) + 0.001f);
    w.qp.zero_point.assign(w.qp.scale.size(), 0);
    for (int k = 0; k < units * inputs; k++) w.q.push_back(static_cast<int8_t>(static_cast<int>(ref_rand(&st) % 255u) - 127));
    return w;
}

/* The float values int8 weights mean: scale * q, computed in float (one rounding of an exact product,
 * as TFLite's Dequantize gives). */
std::vector<float> dequantized(const int8_weights &w, int inputs) {
    std::vector<float> v;
    for (size_t k = 0; k < w.q.size(); k++) {
        float s = w.qp.scale[w.qp.scale.size() == 1 ? 0 : k / static_cast<size_t>(inputs)];
        v.push_back(s * static_cast<float>(w.q[k]));
    }
    return v;
}

/* The .tflite of n, its weights stored as s (hybrid kinds take w1q / w2q). reshape_to: the RESHAPE's
 * output shape ([1, 6] is Keras' Flatten). */
std::vector<uint8_t> build(const net &n, storage s, const int8_weights *w1q = nullptr, const int8_weights *w2q = nullptr,
                           std::vector<int32_t> reshape_to = {1, 6}) {
    file_builder f;
    const TensorType f32 = TensorType_FLOAT32;
    int32_t input = f.tensor({1, 2, 3}, f32, {}, "input");
    std::vector<int32_t> shape_values{reshape_to.begin(), reshape_to.end()};
    std::vector<uint8_t> shape_bytes(4 * shape_values.size());
    std::memcpy(shape_bytes.data(), shape_values.data(), shape_bytes.size());
    int32_t shape = f.tensor({static_cast<int32_t>(reshape_to.size())}, TensorType_INT32, shape_bytes, "shape");
    int32_t flat = f.tensor(reshape_to, f32, {}, "flatten");
    /* a constant as the storage kind says; F16 and HYBRID_DEQUANTIZE add their DEQUANTIZE operator */
    auto constant = [&](const std::vector<float> &v, std::vector<int32_t> dims, const char *name,
                        const int8_weights *q) {
        if (s == F32 || ((s == HYBRID || s == HYBRID_DEQUANTIZE) && q == nullptr)) {
            return f.tensor(dims, f32, bytes_of(v), name);
        }
        int32_t stored;
        if (s == F16) {
            stored = f.tensor(dims, TensorType_FLOAT16, half_bytes(v), name);
        } else {
            std::vector<uint8_t> b(q->q.size());
            std::memcpy(b.data(), q->q.data(), b.size());
            stored = f.tensor(dims, TensorType_INT8, b, name, &q->qp);
            if (s == HYBRID) return stored; /* FULLY_CONNECTED reads int8 weights with float activations */
        }
        int32_t wide = f.tensor(dims, f32, {}, (std::string(name) + "_dequantized").c_str());
        f.op(BuiltinOperator_DEQUANTIZE, {stored}, {wide});
        return wide;
    };
    int32_t w1 = constant(n.w1, {5, 6}, "w1", w1q), b1 = constant(n.b1, {5}, "b1", nullptr);
    int32_t w2 = constant(n.w2, {3, 5}, "w2", w2q), b2 = constant(n.b2, {3}, "b2", nullptr);
    int32_t h = f.tensor({1, 5}, f32, {}, "hidden"), z = f.tensor({1, 3}, f32, {}, "logits");
    int32_t out = f.tensor({1, 3}, f32, {}, "probabilities");
    f.op(BuiltinOperator_RESHAPE, {input, shape}, {flat});
    f.fc(flat, w1, b1, h, ActivationFunctionType_RELU);
    f.fc(h, w2, b2, z, ActivationFunctionType_NONE);
    f.softmax(z, out);
    return f.finish(input, out);
}

/* ---- running the importer ------------------------------------------------------------------------ */

/* --check on the file must say "all supported" exactly when convert succeeds. */
void check_agrees(const std::vector<uint8_t> &file, int convert_rc) {
    char *report = nullptr;
    int all = -1;
    anne_error err;
    assert_int_equal(anne_tflite_check(file.data(), file.size(), "v.tflite", &report, &all, &err), 0);
    assert_non_null(report);
    if (all != (convert_rc == 0)) fail_msg("--check says %d, convert %d; report:\n%s", all, convert_rc, report);
    std::free(report);
}

struct converted {
    unsigned char *bytes = nullptr;
    size_t size = 0;
    anne_model m;
    ~converted() { std::free(bytes); }
};

void convert(const std::vector<uint8_t> &file, converted *c) {
    anne_error err;
    int rc = anne_tflite_convert(file.data(), file.size(), "v.tflite", &c->bytes, &c->size, &err);
    check_agrees(file, rc);
    if (rc != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&c->m, c->bytes, c->size), ANNE_OK);
}

/* The refusal of file: convert fails with a message holding want; --check agrees. */
std::string refusal(const std::vector<uint8_t> &file, const char *want) {
    unsigned char *out = nullptr;
    size_t size = 0;
    anne_error err;
    int rc = anne_tflite_convert(file.data(), file.size(), "v.tflite", &out, &size, &err);
    check_agrees(file, rc);
    std::free(out);
    if (rc == 0) fail_msg("converted; expected a refusal with \"%s\"", want);
    if (std::strstr(err.msg, want) == nullptr) fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
    return err.msg;
}

/* The converted kernels and biases are exactly the values n holds. */
void assert_weights(const anne_model *m, const net &n) {
    const std::vector<float> *want[2][2] = {{&n.w1, &n.b1}, {&n.w2, &n.b2}};
    assert_int_equal(m->n_layers, 2);
    for (uint16_t i = 0; i < 2; i++) {
        anne_layer l;
        assert_int_equal(anne_model_layer(m, i, &l), ANNE_OK);
        assert_int_equal(l.dtype, ANNE_DTYPE_F32);
        const float *k = static_cast<const float *>(l.kernel), *b = static_cast<const float *>(l.bias);
        /* bit for bit: -0.0 stays -0.0 */
        assert_memory_equal(k, want[i][0]->data(), 4 * want[i][0]->size());
        assert_memory_equal(b, want[i][1]->data(), 4 * want[i][1]->size());
    }
}

/* Both models give the same outputs, bit for bit, on 200 inputs. */
void assert_same_outputs(const anne_model *a, const anne_model *b) {
    float arena[256];
    uint64_t st = 7;
    assert_int_equal(a->n_inputs, 6);
    assert_true(anne_model_arena_size(a) <= sizeof arena && anne_model_arena_size(b) <= sizeof arena);
    for (int r = 0; r < 200; r++) {
        float x[6], ya[3], yb[3];
        for (float &v : x) v = static_cast<float>(static_cast<int>(ref_rand(&st) % 2001u) - 1000) / 250.0f;
        assert_int_equal(anne_model_predict(a, ya, x, arena, sizeof arena), ANNE_OK);
        assert_int_equal(anne_model_predict(b, yb, x, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(ya, yb, sizeof ya);
    }
}

/* ---- tests ------------------------------------------------------------------------------------- */

/* RESHAPE [1, 2, 3] -> [1, 6] in front (Keras' Flatten) converts; the weights are the file's. */
void test_reshape_as_flatten(void **state) {
    (void)state;
    net n = float16_exact_net();
    converted c;
    convert(build(n, F32), &c);
    assert_weights(&c.m, n);
    /* [n] is a Flatten too */
    converted d;
    convert(build(n, F32, nullptr, nullptr, {6}), &d);
    assert_same_outputs(&c.m, &d.m);
    /* [2, 3] is a Keras Reshape: a float model with one is a graph model (the FULLY_CONNECTED after it
     * reads its 6 values as one row, as TFLite does), with the same outputs */
    converted e;
    convert(build(n, F32, nullptr, nullptr, {2, 3}), &e);
    assert_non_null(e.m.op_table);
    assert_same_outputs(&c.m, &e.m);
}

/* float16 weights: the values the half bits mean, exactly, and the float32 model's outputs. */
void test_float16_weights(void **state) {
    (void)state;
    net n = float16_exact_net();
    converted f32, f16;
    convert(build(n, F32), &f32);
    convert(build(n, F16), &f16);
    assert_weights(&f16.m, n);
    assert_same_outputs(&f32.m, &f16.m);
}

/* A float16 infinity is refused, named as float16 weights. */
void test_float16_infinity_refused(void **state) {
    (void)state;
    net n = float16_exact_net();
    /* w1[3] = 7.75 is half 0x47c0, unique in the file (no other weight reaches 2): make it 0x7c00 */
    n.w1[3] = 7.75f;
    std::vector<uint8_t> file = build(n, F16);
    size_t hits = 0, at = 0;
    for (size_t i = 0; i + 1 < file.size(); i++) {
        if (file[i] == 0xc0 && file[i + 1] == 0x47) {
            hits++;
            at = i;
        }
    }
    assert_int_equal(hits, 1);
    file[at] = 0x00;
    file[at + 1] = 0x7c;
    refusal(file, "operator 6 (FULLY_CONNECTED): float16 weights 'w1' hold infinity at value 4");
}

/* Dynamic-range models: int8 weights (per channel, read by FULLY_CONNECTED; per tensor, through
 * DEQUANTIZE) become float32 weights scale * q, and the model equals the float32 file of those values. */
void test_hybrid_weights(void **state) {
    (void)state;
    net n = float16_exact_net();
    for (int per_channel = 1; per_channel >= 0; per_channel--) {
        int8_weights w1 = int8_of(5, 6, per_channel != 0, 11), w2 = int8_of(3, 5, per_channel != 0, 12);
        net d = n;
        d.w1 = dequantized(w1, 6);
        d.w2 = dequantized(w2, 5);
        converted ref, hybrid;
        convert(build(d, F32), &ref);
        convert(build(n, per_channel ? HYBRID : HYBRID_DEQUANTIZE, &w1, &w2), &hybrid);
        assert_weights(&hybrid.m, d);
        assert_same_outputs(&ref.m, &hybrid.m);
    }
}

/* A dynamic-range model the importer cannot read says so in those words. */
void test_hybrid_refusal_names_it(void **state) {
    (void)state;
    net n = float16_exact_net();
    int8_weights w1 = int8_of(5, 6, true, 11), w2 = int8_of(3, 5, true, 12);
    w1.qp.scale[2] = 0.0f;
    refusal(build(n, HYBRID, &w1, &w2), "operator 2 (FULLY_CONNECTED): dynamic-range (hybrid) quantization: int8 "
                                        "weights 'w1', channel 3: scale 0");
    w1 = int8_of(5, 6, true, 11);
    w1.qp.scale.pop_back(); /* 4 scales for 5 units */
    refusal(build(n, HYBRID, &w1, &w2), "dynamic-range (hybrid) quantization: int8 weights 'w1' needs one scale");
}

/* Every builtin code of TFLite's schema is named (checked by hand against the schema for a few); a
 * code beyond it reads as its number. */
void test_operator_names(void **state) {
    (void)state;
    struct {
        int32_t code;
        const char *name;
    } spot[] = {{97, "RESIZE_NEAREST_NEIGHBOR"}, {77, "SHAPE"}, {124, "DENSIFY"}, {44, "UNIDIRECTIONAL_SEQUENCE_LSTM"},
                {3, "CONV_2D"},      {40, "MEAN"},  {119, "WHILE"},   {162, "STABLEHLO_LOGISTIC"},
                {203, "DILATE"},     {205, "REDUCE_WINDOW"},          {230, "builtin code 230"}};
    auto file_with = [](int32_t code) {
        file_builder f;
        int32_t in = f.tensor({1, 4}, TensorType_FLOAT32, {}, "in"), out = f.tensor({1, 4}, TensorType_FLOAT32, {}, "out");
        f.op(code, {in}, {out});
        return f.finish(in, out);
    };
    for (const auto &s : spot) {
        std::string want = std::string("operator 1 (") + s.name + ")";
        refusal(file_with(s.code), want.c_str());
    }
    for (int32_t code = 0; code <= 205; code++) {
        if (code == BuiltinOperator_FULLY_CONNECTED || code == BuiltinOperator_DEQUANTIZE ||
            code == BuiltinOperator_QUANTIZE || code == BuiltinOperator_RESHAPE || code == BuiltinOperator_EXPAND_DIMS ||
            code == BuiltinOperator_SQUEEZE || code == BuiltinOperator_LOGISTIC || code == BuiltinOperator_TANH ||
            code == BuiltinOperator_ELU || code == BuiltinOperator_RELU || code == BuiltinOperator_RELU6 ||
            code == BuiltinOperator_LEAKY_RELU || code == BuiltinOperator_HARD_SWISH || code == BuiltinOperator_SOFTMAX) {
            continue; /* read (a float graph model of one operator), not refused by name alone */
        }
        std::string msg = refusal(file_with(code), "operator 1 (");
        if (msg.find("builtin code") != std::string::npos) fail_msg("code %d is not named: %s", code, msg.c_str());
    }
}

/* Graph operators whose shapes do not fit are refused naming them: an ADD of a [1, 4, 3] and a [1, 4, 2]
 * tensor (no broadcast), a PRELU whose alpha [1, 2] fits neither the channels (3) nor the steps, one
 * whose alpha has more axes than its input; a PRELU with alpha [1, 1, 3] converts (one slope per
 * channel) and runs x or alpha * x. --check agrees each time. */
void test_broadcast_and_prelu_shapes(void **state) {
    (void)state;
    const TensorType f32 = TensorType_FLOAT32;
    auto relu_of = [&](file_builder &f, int32_t in) { /* a computed tensor of the input's shape */
        int32_t r = f.tensor({1, 4, 3}, f32, {}, "r");
        f.op(BuiltinOperator_RELU, {in}, {r});
        return r;
    };
    {
        file_builder f;
        int32_t in = f.tensor({1, 4, 3}, f32, {}, "in"), r = relu_of(f, in);
        int32_t d = f.tensor({1, 4, 2}, f32, {}, "d"), y = f.tensor({1, 4, 3}, f32, {}, "y");
        int32_t w = f.tensor({2, 3}, f32, bytes_of({1, 0, 0, 0, 1, 0}), "w"), b = f.tensor({2}, f32, bytes_of({0, 0}), "b");
        f.fc(r, w, b, d, ActivationFunctionType_NONE); /* (4, 2): a Dense on each step */
        f.op(BuiltinOperator_ADD, {r, d}, {y});
        refusal(f.finish(in, y), "operator 3 (ADD): inputs of shapes (4, 3) and (4, 2) do not broadcast");
    }
    {
        file_builder f;
        int32_t in = f.tensor({1, 4, 3}, f32, {}, "in"), r = relu_of(f, in), y = f.tensor({1, 4, 3}, f32, {}, "y");
        int32_t a = f.tensor({1, 2}, f32, bytes_of({0.5f, 0.25f}), "alpha");
        f.op(BuiltinOperator_PRELU, {r, a}, {y});
        refusal(f.finish(in, y), "operator 2 (PRELU): alpha [1, 2] does not broadcast to the input (4, 3)");
    }
    {
        file_builder f;
        int32_t in = f.tensor({1, 4, 3}, f32, {}, "in"), r = relu_of(f, in), y = f.tensor({1, 4, 3}, f32, {}, "y");
        int32_t a = f.tensor({2, 1, 1, 3}, f32, bytes_of({1, 2, 3, 4, 5, 6}), "alpha");
        f.op(BuiltinOperator_PRELU, {r, a}, {y});
        refusal(f.finish(in, y), "operator 2 (PRELU): alpha [2, 1, 1, 3] must have 1 to 2 axes");
    }
    {
        file_builder f;
        int32_t in = f.tensor({1, 4, 3}, f32, {}, "in"), y = f.tensor({1, 4, 3}, f32, {}, "y");
        int32_t a = f.tensor({1, 1, 3}, f32, bytes_of({0.5f, -2.0f, 0.0f}), "alpha");
        f.op(BuiltinOperator_PRELU, {in, a}, {y});
        converted c;
        convert(f.finish(in, y), &c);
        /* alpha 0 keeps the sign of a negative x: -0 */
        const float x[12] = {-1, -2, -3, 4, 5, 6, -0.5f, 0.5f, -8, 0, -1, 1}, want[12] = {-0.5f, 4, -0.0f, 4, 5, 6,
                                                                                          -0.25f, 0.5f, -0.0f, 0, 2, 1};
        float out[12], arena[64];
        assert_int_equal(anne_model_predict(&c.m, out, x, arena, sizeof arena), ANNE_OK);
        assert_memory_equal(out, want, sizeof out);
    }
}

/* --check lists every operator with its verdict, past the first refusal: a float model with a Conv1D
 * (EXPAND_DIMS + CONV_2D + SQUEEZE) is a graph model; this CONV_2D has no filter. */
void test_check_lists_every_operator(void **state) {
    (void)state;
    file_builder f;
    const TensorType f32 = TensorType_FLOAT32;
    int32_t in = f.tensor({1, 8, 3}, f32, {}, "in"), e = f.tensor({1, 1, 8, 3}, f32, {}, "e");
    int32_t conv = f.tensor({1, 1, 8, 4}, f32, {}, "conv"), sq = f.tensor({1, 8, 4}, f32, {}, "sq");
    int32_t flat = f.tensor({1, 32}, f32, {}, "flat"), y = f.tensor({1, 2}, f32, {}, "y");
    int32_t w = f.tensor({2, 32}, f32, bytes_of(std::vector<float>(64, 0.5f)), "w");
    int32_t b = f.tensor({2}, f32, bytes_of({0.0f, 1.0f}), "b");
    f.op(BuiltinOperator_EXPAND_DIMS, {in}, {e});
    f.op(BuiltinOperator_CONV_2D, {e}, {conv});
    f.op(BuiltinOperator_SQUEEZE, {conv}, {sq});
    f.op(BuiltinOperator_RESHAPE, {sq}, {flat});
    f.fc(flat, w, b, y, ActivationFunctionType_RELU);
    std::vector<uint8_t> file = f.finish(in, y);
    char *report = nullptr;
    int all = -1;
    anne_error err;
    assert_int_equal(anne_tflite_check(file.data(), file.size(), "v.tflite", &report, &all, &err), 0);
    assert_int_equal(all, 0);
    print_message("%s", report);
    const char *want[] = {"operator 1   EXPAND_DIMS              -> [1, 1, 8, 3]                      supported",
                          "operator 2   CONV_2D", "NOT SUPPORTED: expected inputs (input, filter[, bias])",
                          "operator 3   SQUEEZE                  -> [1, 8, 4]                         supported",
                          "operator 4   RESHAPE                  -> [1, 32]                           supported",
                          "operator 5   FULLY_CONNECTED          -> [1, 2]                            supported",
                          "ANNE reads float32 CONV_2D"};
    for (const char *s : want) {
        if (std::strstr(report, s) == nullptr) fail_msg("the report lacks \"%s\"", s);
    }
    std::free(report);
    check_agrees(file, -1);
}

} // namespace

/* Several subgraph inputs and outputs: a [1, 3] and b [1, 2]; h = FULLY_CONNECTED(a) relu [1, 2];
 * s = ADD(h, b); outputs s, then h. The row is a then b, the prediction s then h, as computed here. */
void test_two_inputs_two_outputs(void **state) {
    (void)state;
    const std::vector<float> w{0.5f, -1.0f, 0.25f, 2.0f, 0.75f, -0.5f}, bias{0.125f, -0.25f}; /* [units, inputs] */
    file_builder f;
    int32_t a = f.tensor({1, 3}, TensorType_FLOAT32, {}, "a"), b = f.tensor({1, 2}, TensorType_FLOAT32, {}, "b");
    int32_t wt = f.tensor({2, 3}, TensorType_FLOAT32, bytes_of(w), "w"), bt = f.tensor({2}, TensorType_FLOAT32, bytes_of(bias), "bias");
    int32_t h = f.tensor({1, 2}, TensorType_FLOAT32, {}, "h"), sum = f.tensor({1, 2}, TensorType_FLOAT32, {}, "s");
    f.fc(a, wt, bt, h, ActivationFunctionType_RELU);
    f.op(BuiltinOperator_ADD, {h, b}, {sum});
    converted c;
    convert(f.finish(std::vector<int32_t>{a, b}, {sum, h}), &c);
    assert_int_equal(c.m.n_input_tensors, 2);
    assert_int_equal(c.m.n_output_tensors, 2);
    assert_int_equal(c.m.n_inputs, 5);
    assert_int_equal(c.m.n_outputs, 4);
    float arena[64];
    uint64_t st = 11;
    assert_true(anne_model_arena_size(&c.m) <= sizeof arena);
    for (int r = 0; r < 50; r++) {
        float x[5], y[4];
        double hh[2], want[4];
        for (float &v : x) v = static_cast<float>(static_cast<int>(ref_rand(&st) % 2001u) - 1000) / 250.0f;
        assert_int_equal(anne_model_predict(&c.m, y, x, arena, sizeof arena), ANNE_OK);
        for (int j = 0; j < 2; j++) {
            double z = static_cast<double>(bias[static_cast<size_t>(j)]);
            for (int i = 0; i < 3; i++) z += static_cast<double>(w[static_cast<size_t>(3 * j + i)]) * static_cast<double>(x[i]);
            hh[j] = z > 0 ? z : 0;
            want[j] = hh[j] + static_cast<double>(x[3 + j]);
            want[2 + j] = hh[j];
        }
        for (int k = 0; k < 4; k++) {
            if (std::fabs(static_cast<double>(y[k]) - want[k]) > 1e-6) fail_msg("row %d output %d: %.9g, want %.9g", r, k, static_cast<double>(y[k]), want[k]);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_as_flatten),       cmocka_unit_test(test_float16_weights),
        cmocka_unit_test(test_float16_infinity_refused), cmocka_unit_test(test_hybrid_weights),
        cmocka_unit_test(test_hybrid_refusal_names_it),  cmocka_unit_test(test_operator_names),
        cmocka_unit_test(test_check_lists_every_operator),
        cmocka_unit_test(test_broadcast_and_prelu_shapes),
        cmocka_unit_test(test_two_inputs_two_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
