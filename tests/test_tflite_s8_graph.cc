/* int8 TFLite CNNs into int8 graph models (format 2.2): a hand-built int8 graph -- CONV_2D with
 * per-channel filter scales and fused RELU6, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX -- is
 * converted and run by the runtime, and its int8 outputs equal, exactly, those the test computes from
 * TFLite's formulas with its own int64 arithmetic (test_quant_ref.h: the requantization; the clamp of
 * RELU6, the average's rounding, the softmax's exp table and normalization written here). The same with
 * a float32 input through QUANTIZE and a DEQUANTIZE at the end, and a second graph of DEPTHWISE_CONV_2D
 * (multiplier 2, per-channel scales along axis 3, fused RELU), MAX_POOL_2D, MEAN (its multiplier
 * from TFLite's QuantizedMeanOrSum, transcribed here), FULLY_CONNECTED, SOFTMAX. Then the refusals: an int8 operator
 * ANNE does not run is named, a filter zero point that is not 0, uint8 and int16 activations and a
 * missing scale are refused naming the tensor, and --check agrees with convert. */
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "anne_quant.h"
#include "anne_quantize_math.h"
#include "anne_tflite.h"
#include "test_quant_ref.h"
#include "test_support.h"
}

#include "tflite_file_builder.h"

namespace {

/* The network: x (4, 4, 2) -> conv 3x3 SAME, 3 channels, RELU6 -> (4, 4, 3) -> avg 2x2 s2 -> (2, 2, 3)
 * -> reshape (12) -> dense 4 -> softmax (4). */
const int H = 4, W = 4, CI = 2, CO = 3, P = 2, N = 12, U = 4;
const float IN_S = 0.05f, CONV_S = 0.03f, FC_S = 0.1f;
const int32_t IN_ZP = 3, CONV_ZP = -100, FC_ZP = 5;

struct params {
    std::vector<int8_t> wc, wf; /* (CO, 3, 3, CI), (U, N) */
    std::vector<int32_t> bc, bf;
    std::vector<float> sc;      /* per channel */
    float sf;
};

params make_params(uint64_t seed) {
    params p;
    uint64_t r = seed;
    for (int i = 0; i < CO * 9 * CI; i++) p.wc.push_back(static_cast<int8_t>(static_cast<int>(ref_rand(&r) % 255u) - 127));
    for (int i = 0; i < U * N; i++) p.wf.push_back(static_cast<int8_t>(static_cast<int>(ref_rand(&r) % 255u) - 127));
    for (int i = 0; i < CO; i++) {
        p.bc.push_back(static_cast<int32_t>(ref_rand(&r) % 4001u) - 2000);
        p.sc.push_back(0.002f + 0.0013f * static_cast<float>(i));
    }
    for (int i = 0; i < U; i++) p.bf.push_back(static_cast<int32_t>(ref_rand(&r) % 4001u) - 2000);
    p.sf = 0.004f;
    return p;
}

template <typename T> std::vector<uint8_t> raw(const std::vector<T> &v) {
    std::vector<uint8_t> b(sizeof(T) * v.size());
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

/* What can be made wrong in a file, for the refusals. */
struct variant {
    bool float_edges = false;       /* QUANTIZE first, DEQUANTIZE last */
    int64_t filter_zp = 0;          /* the conv filter's zero point for channel 2 */
    TensorType act_type = TensorType_INT8; /* the conv output's type */
    bool drop_pool_scale = false;   /* the pool output without quantization */
    int replace = 0;                /* in place of the RESHAPE: 1 MAXIMUM (no int8 kernel), 2 ADD of a constant,
                                       3 PADV2 with 5, 4 CONCATENATION with RELU, 5 PAD of the channels */
};

std::vector<uint8_t> build(const params &p, const variant &v) {
    file_builder f;
    quant qin = make_quant({IN_S}, {IN_ZP}), qconv = make_quant({CONV_S}, {CONV_ZP}), qfc = make_quant({FC_S}, {FC_ZP});
    quant qsm = make_quant({1.0f / 256.0f}, {-128}), qwc = make_quant(p.sc, {0, 0, v.filter_zp}), qwf = make_quant({p.sf}, {0});
    std::vector<float> bcs, bfs{IN_S * p.sf};
    for (float s : p.sc) bcs.push_back(IN_S * s);
    quant qbc = make_quant(bcs, {0, 0, 0}), qbf = make_quant(bfs, {0});
    int32_t xf = -1, x;
    if (v.float_edges) {
        xf = f.tensor({1, H, W, CI}, TensorType_FLOAT32, {}, "x_float");
        x = f.tensor({1, H, W, CI}, TensorType_INT8, {}, "x", &qin);
        f.op(BuiltinOperator_QUANTIZE, {xf}, {x});
    } else {
        x = f.tensor({1, H, W, CI}, TensorType_INT8, {}, "x", &qin);
    }
    const int32_t wc = f.tensor({CO, 3, 3, CI}, TensorType_INT8, raw(p.wc), "conv_filter", &qwc);
    const int32_t bc = f.tensor({CO}, TensorType_INT32, raw(p.bc), "conv_bias", &qbc);
    const int32_t c = f.tensor({1, H, W, CO}, v.act_type, {}, "conv_out", &qconv);
    f.op(BuiltinOperator_CONV_2D, {x, wc, bc}, {c}, BuiltinOptions_Conv2DOptions,
         CreateConv2DOptions(f.fbb(), Padding_SAME, 1, 1, ActivationFunctionType_RELU6).Union());
    const int32_t a = f.tensor({1, P, P, CO}, TensorType_INT8, {}, "pool_out", v.drop_pool_scale ? nullptr : &qconv);
    f.op(BuiltinOperator_AVERAGE_POOL_2D, {c}, {a}, BuiltinOptions_Pool2DOptions,
         CreatePool2DOptions(f.fbb(), Padding_VALID, 2, 2, 2, 2, ActivationFunctionType_NONE).Union());
    const int32_t r = f.tensor({1, N}, TensorType_INT8, {}, "flat", &qconv);
    if (v.replace == 1) {
        f.op(BuiltinOperator_MAXIMUM, {a, a}, {r});
    } else if (v.replace == 2) {
        const int32_t k = f.tensor({1, P, P, CO}, TensorType_INT8, std::vector<uint8_t>(P * P * CO, 1), "addend", &qconv);
        f.op(BuiltinOperator_ADD, {a, k}, {r});
    } else if (v.replace == 3 || v.replace == 5) {
        const std::vector<int32_t> pads = v.replace == 3 ? std::vector<int32_t>{0, 0, 1, 0, 0, 0, 0, 0}
                                                         : std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, 1};
        const int32_t pt = f.tensor({4, 2}, TensorType_INT32, raw(pads), "paddings");
        const int32_t k = f.tensor({1}, TensorType_INT8, std::vector<uint8_t>{5}, "pad_value", &qconv);
        const int32_t padded = f.tensor({1, P + 1, P, CO}, TensorType_INT8, {}, "padded", &qconv);
        if (v.replace == 3) f.op(BuiltinOperator_PADV2, {a, pt, k}, {padded});
        else f.op(BuiltinOperator_PAD, {a, pt}, {r});
    } else if (v.replace == 4) {
        f.op(BuiltinOperator_CONCATENATION, {a, a}, {r}, BuiltinOptions_ConcatenationOptions,
             CreateConcatenationOptions(f.fbb(), 3, ActivationFunctionType_RELU).Union());
    } else {
        const int32_t shape = f.tensor({2}, TensorType_INT32, raw(std::vector<int32_t>{1, N}), "shape");
        f.op(BuiltinOperator_RESHAPE, {a, shape}, {r});
    }
    const int32_t wf = f.tensor({U, N}, TensorType_INT8, raw(p.wf), "fc_weights", &qwf);
    const int32_t bf = f.tensor({U}, TensorType_INT32, raw(p.bf), "fc_bias", &qbf);
    const int32_t z = f.tensor({1, U}, TensorType_INT8, {}, "logits", &qfc);
    f.fc(r, wf, bf, z, ActivationFunctionType_NONE);
    const int32_t y = f.tensor({1, U}, TensorType_INT8, {}, "probs", &qsm);
    f.softmax(z, y);
    if (v.float_edges) {
        const int32_t yf = f.tensor({1, U}, TensorType_FLOAT32, {}, "probs_float");
        f.op(BuiltinOperator_DEQUANTIZE, {y}, {yf});
        return f.finish(xf, yf);
    }
    return f.finish(x, y);
}

int32_t clamp(int64_t v, int32_t lo, int32_t hi) {
    return static_cast<int32_t>(v < lo ? lo : v > hi ? hi : v);
}

/* Softmax of int8 logits z (scale zs), TFLite's int8 formula. */
std::vector<int8_t> ref_softmax(const std::vector<int32_t> &z, float zs) {
    int32_t zmax = -128;
    for (int32_t v : z) zmax = v > zmax ? v : zmax;
    std::vector<int64_t> e;
    int64_t sum = 0;
    for (int32_t v : z) {
        e.push_back(static_cast<int64_t>(std::floor(32768.0 * std::exp(-static_cast<double>(zmax - v) * zs) + 0.5)));
        sum += e.back();
    }
    std::vector<int8_t> y;
    for (int64_t v : e) y.push_back(static_cast<int8_t>(clamp((512 * v + sum) / (2 * sum) - 128, -128, 127)));
    return y;
}

/* The int8 outputs from TFLite's formulas, in int64. */
std::vector<int8_t> reference(const params &p, const std::vector<int8_t> &x) {
    std::vector<int8_t> conv(H * W * CO), pool(P * P * CO), y(U);
    /* RELU6: quantize(0) and quantize(6) on the output (TFLite's CalculateActivationRangeQuantized) */
    const int32_t lo = CONV_ZP, hi = clamp(CONV_ZP + static_cast<int64_t>(std::lround(6.0 / CONV_S)), -128, 127);
    for (int oy = 0; oy < H; oy++) {
        for (int ox = 0; ox < W; ox++) {
            for (int co = 0; co < CO; co++) {
                int64_t acc = p.bc[co];
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        const int iy = oy + ky - 1, ix = ox + kx - 1; /* SAME 3x3: one row and column before */
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        for (int ci = 0; ci < CI; ci++) {
                            acc += static_cast<int64_t>(p.wc[((co * 3 + ky) * 3 + kx) * CI + ci]) *
                                   (x[(iy * W + ix) * CI + ci] - IN_ZP);
                        }
                    }
                }
                int32_t m, s;
                anne_quantize_multiplier(static_cast<double>(IN_S) * p.sc[co] / CONV_S, &m, &s);
                conv[(oy * W + ox) * CO + co] =
                    static_cast<int8_t>(clamp(ref_requantize(static_cast<int32_t>(acc), m, s) + int64_t{CONV_ZP}, lo, hi));
            }
        }
    }
    for (int oy = 0; oy < P; oy++) { /* the mean of 4, rounded half away from zero */
        for (int ox = 0; ox < P; ox++) {
            for (int c = 0; c < CO; c++) {
                int64_t sum = 0;
                for (int k = 0; k < 4; k++) sum += conv[((2 * oy + k / 2) * W + 2 * ox + k % 2) * CO + c];
                const int64_t avg = sum >= 0 ? (sum + 2) / 4 : -((-sum + 2) / 4);
                pool[(oy * P + ox) * CO + c] = static_cast<int8_t>(avg);
            }
        }
    }
    int32_t m, s;
    anne_quantize_multiplier(static_cast<double>(CONV_S) * p.sf / FC_S, &m, &s);
    std::vector<int32_t> z(U);
    for (int u = 0; u < U; u++) {
        int64_t acc = p.bf[u];
        for (int i = 0; i < N; i++) acc += static_cast<int64_t>(p.wf[u * N + i]) * (pool[i] - CONV_ZP);
        z[u] = clamp(ref_requantize(static_cast<int32_t>(acc), m, s) + int64_t{FC_ZP}, -128, 127);
    }
    /* softmax: e = round(2^15 exp(-(max - z) * scale)), y = round(256 e / sum e) - 128 */
    y = ref_softmax(z, FC_S);
    return y;
}

/* A second network for the other kinds: x (4, 4, 2) -> depthwise 3x3 SAME, multiplier 2 (4 channels,
 * per-channel scales along axis 3), fused RELU -> (4, 4, 4) -> max 2x2 s2 -> (2, 2, 4) -> MEAN over
 * [1, 2] (requantized) -> (4) -> dense 3 -> softmax (3). */
const int DC = 4, MU = 3;
const float DW_S = 0.04f, MEAN_S = 0.02f, FC2_S = 0.08f;
const int32_t DW_ZP = -20, MEAN_ZP = -7, FC2_ZP = 2;

std::vector<uint8_t> build2(const params &p) {
    file_builder f;
    quant qin = make_quant({IN_S}, {IN_ZP}), qdw = make_quant({DW_S}, {DW_ZP}), qmean = make_quant({MEAN_S}, {MEAN_ZP});
    quant qfc = make_quant({FC2_S}, {FC2_ZP}), qsm = make_quant({1.0f / 256.0f}, {-128});
    std::vector<float> ws(p.sc.begin(), p.sc.end()), bs;
    ws.push_back(0.0031f);
    for (float w : ws) bs.push_back(IN_S * w);
    quant qw = make_quant(ws, {0, 0, 0, 0}, 3), qb = make_quant(bs, {0, 0, 0, 0});
    quant qwf = make_quant({p.sf}, {0}), qbf = make_quant({MEAN_S * p.sf}, {0});
    const int32_t x = f.tensor({1, H, W, CI}, TensorType_INT8, {}, "x", &qin);
    std::vector<int8_t> wd(p.wc.begin(), p.wc.begin() + 9 * DC);
    std::vector<int32_t> bd(p.bc.begin(), p.bc.end());
    bd.push_back(-321);
    const int32_t w = f.tensor({1, 3, 3, DC}, TensorType_INT8, raw(wd), "dw_filter", &qw);
    const int32_t b = f.tensor({DC}, TensorType_INT32, raw(bd), "dw_bias", &qb);
    const int32_t d = f.tensor({1, H, W, DC}, TensorType_INT8, {}, "dw_out", &qdw);
    f.op(BuiltinOperator_DEPTHWISE_CONV_2D, {x, w, b}, {d}, BuiltinOptions_DepthwiseConv2DOptions,
         CreateDepthwiseConv2DOptions(f.fbb(), Padding_SAME, 1, 1, 2, ActivationFunctionType_RELU).Union());
    const int32_t mp = f.tensor({1, P, P, DC}, TensorType_INT8, {}, "max_out", &qdw);
    f.op(BuiltinOperator_MAX_POOL_2D, {d}, {mp}, BuiltinOptions_Pool2DOptions,
         CreatePool2DOptions(f.fbb(), Padding_VALID, 2, 2, 2, 2, ActivationFunctionType_NONE).Union());
    const int32_t axes = f.tensor({2}, TensorType_INT32, raw(std::vector<int32_t>{1, 2}), "axes");
    const int32_t mn = f.tensor({1, DC}, TensorType_INT8, {}, "mean_out", &qmean);
    f.op(BuiltinOperator_MEAN, {mp, axes}, {mn}, BuiltinOptions_ReducerOptions, CreateReducerOptions(f.fbb(), false).Union());
    std::vector<int8_t> wfd(p.wf.begin(), p.wf.begin() + MU * DC);
    const int32_t wf = f.tensor({MU, DC}, TensorType_INT8, raw(wfd), "fc_weights", &qwf);
    const int32_t bf = f.tensor({MU}, TensorType_INT32, raw(std::vector<int32_t>(p.bf.begin(), p.bf.begin() + MU)), "fc_bias",
                                &qbf);
    const int32_t z = f.tensor({1, MU}, TensorType_INT8, {}, "logits", &qfc);
    f.fc(mn, wf, bf, z, ActivationFunctionType_NONE);
    const int32_t y = f.tensor({1, MU}, TensorType_INT8, {}, "probs", &qsm);
    f.softmax(z, y);
    return f.finish(x, y);
}

/* TFLite's QuantizeMultiplier, written from its definition: real = q * 2^(shift - 31), q in [2^30, 2^31). */
void ref_multiplier(double real, int32_t *q, int32_t *shift) {
    int e;
    const double m = std::frexp(real, &e);
    int64_t qq = static_cast<int64_t>(std::round(m * 2147483648.0));
    if (qq == (int64_t{1} << 31)) qq /= 2, e++;
    *q = static_cast<int32_t>(qq);
    *shift = e;
}

std::vector<int8_t> reference2(const params &p, const std::vector<int8_t> &x) {
    std::vector<int32_t> d(H * W * DC), mp(P * P * DC), mn(DC), z(MU);
    std::vector<float> ws(p.sc.begin(), p.sc.end());
    ws.push_back(0.0031f);
    std::vector<int32_t> bd(p.bc.begin(), p.bc.end());
    bd.push_back(-321);
    for (int oy = 0; oy < H; oy++) {
        for (int ox = 0; ox < W; ox++) {
            for (int oc = 0; oc < DC; oc++) {
                int64_t acc = bd[oc];
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        const int iy = oy + ky - 1, ix = ox + kx - 1;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        acc += static_cast<int64_t>(p.wc[(ky * 3 + kx) * DC + oc]) * (x[(iy * W + ix) * CI + oc / 2] - IN_ZP);
                    }
                }
                int32_t m, s;
                ref_multiplier(static_cast<double>(IN_S) * ws[oc] / DW_S, &m, &s);
                d[(oy * W + ox) * DC + oc] = clamp(ref_requantize(static_cast<int32_t>(acc), m, s) + int64_t{DW_ZP}, DW_ZP, 127);
            }
        }
    }
    for (int oy = 0; oy < P; oy++) {
        for (int ox = 0; ox < P; ox++) {
            for (int c = 0; c < DC; c++) {
                int32_t v = -128;
                for (int k = 0; k < 4; k++) v = std::max(v, d[((2 * oy + k / 2) * W + 2 * ox + k % 2) * DC + c]);
                mp[(oy * P + ox) * DC + c] = v;
            }
        }
    }
    /* MEAN (TFLite's QuantizedMeanOrSum): QuantizeMultiplier(in / out) -> (M, s); k = min(floor(log2 n), 32,
     * 31 + s); multiplier (M 2^k) / n, shift s - k; out = requantize(sum - n in_zp) + out_zp */
    const int n = P * P;
    int32_t M, s;
    ref_multiplier(static_cast<double>(DW_S) / static_cast<double>(MEAN_S), &M, &s);
    const int k = std::min(std::min(static_cast<int>(std::floor(std::log2(static_cast<double>(n)))), 32), 31 + s);
    const int32_t mm = static_cast<int32_t>((static_cast<int64_t>(M) << k) / n), ms = s - k;
    for (int c = 0; c < DC; c++) {
        int64_t sum = 0;
        for (int q = 0; q < n; q++) sum += mp[q * DC + c];
        mn[c] = clamp(ref_requantize(static_cast<int32_t>(sum - n * int64_t{DW_ZP}), mm, ms) + int64_t{MEAN_ZP}, -128, 127);
    }
    int32_t fm, fs;
    ref_multiplier(static_cast<double>(MEAN_S) * p.sf / FC2_S, &fm, &fs);
    for (int u = 0; u < MU; u++) {
        int64_t acc = p.bf[u];
        for (int i = 0; i < DC; i++) acc += static_cast<int64_t>(p.wf[u * DC + i]) * (mn[i] - MEAN_ZP);
        z[u] = clamp(ref_requantize(static_cast<int32_t>(acc), fm, fs) + int64_t{FC2_ZP}, -128, 127);
    }
    return ref_softmax(z, FC2_S);
}

struct converted {
    unsigned char *bytes = nullptr;
    size_t size = 0;
    int rc = -1;
    anne_error err;
    ~converted() { std::free(bytes); }
};

void convert(const std::vector<uint8_t> &file, converted *c) {
    c->rc = anne_tflite_convert(file.data(), file.size(), "net.tflite", &c->bytes, &c->size, &c->err);
    /* --check says the same */
    char *report = nullptr;
    int all = -1;
    anne_error e2;
    assert_int_equal(anne_tflite_check(file.data(), file.size(), "net.tflite", &report, &all, &e2), 0);
    assert_int_equal(all, c->rc == 0 ? 1 : 0);
    std::free(report);
}

/* Converts file and runs 20 random int8 inputs (given as the floats they quantize back to): every
 * softmax output equals ref's, exactly. */
void same_as_reference(const std::vector<uint8_t> &file, int n_out, uint64_t seed,
                       std::vector<int8_t> (*ref)(const params &, const std::vector<int8_t> &), const params &p) {
    converted c;
    convert(file, &c);
    if (c.rc != 0) fail_msg("%s", c.err.msg);
    anne_model m;
    assert_int_equal(anne_model_load(&m, c.bytes, c.size), ANNE_OK);
    assert_non_null(m.tensor_quant);
    assert_int_equal(m.format_minor, 2);
    std::vector<uint32_t> arena((m.arena_bytes + 3u) / 4u + 1u);
    uint64_t r = seed;
    for (int row = 0; row < 20; row++) {
        std::vector<int8_t> xq(H * W * CI);
        std::vector<float> xf(xq.size()), yf(static_cast<size_t>(n_out));
        for (size_t i = 0; i < xq.size(); i++) {
            xq[i] = static_cast<int8_t>(static_cast<int>(ref_rand(&r) % 256u) - 128);
            xf[i] = IN_S * static_cast<float>(xq[i] - IN_ZP); /* quantizes back to xq exactly */
        }
        assert_int_equal(anne_model_predict(&m, yf.data(), xf.data(), arena.data(), 4u * arena.size()), ANNE_OK);
        const std::vector<int8_t> want = ref(p, xq);
        for (int u = 0; u < n_out; u++) {
            const float expect = (1.0f / 256.0f) * static_cast<float>(want[static_cast<size_t>(u)] + 128);
            if (yf[static_cast<size_t>(u)] != expect) {
                fail_msg("seed %u row %d output %d: %g, expected %g", (unsigned)seed, row, u, yf[static_cast<size_t>(u)], expect);
            }
        }
    }
}

void exact(void **state, bool float_edges) {
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        const params p = make_params(seed * 7919u);
        variant v;
        v.float_edges = float_edges;
        same_as_reference(build(p, v), U, seed, reference, p);
    }
}

void test_exact_depthwise_max_mean(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        const params p = make_params(seed * 104729u);
        same_as_reference(build2(p), MU, seed, reference2, p);
    }
}

void test_exact_int8_input(void **state) { exact(state, false); }
void test_exact_float_edges(void **state) { exact(state, true); }

void refused(const variant &v, const char *want) {
    converted c;
    convert(build(make_params(3), v), &c);
    assert_int_not_equal(c.rc, 0);
    assert_null(c.bytes);
    if (std::strstr(c.err.msg, want) == nullptr) fail_msg("'%s' lacks '%s'", c.err.msg, want);
}

void test_refusals(void **state) {
    (void)state;
    variant v;
    v.replace = 1; /* an int8 operator ANNE does not run: named */
    refused(v, "operator 3 (MAXIMUM): not supported in int8 models");
    v.replace = 2; /* the merges read computed tensors */
    refused(v, "operator 3 (ADD): input 2 'addend' is not computed by an earlier operator");
    v.replace = 3;
    refused(v, "operator 3 (PADV2): padding with int8 5, not the output's zero point -100");
    v.replace = 4;
    refused(v, "operator 3 (CONCATENATION): fused activation RELU; TFLite's concatenation has none");
    v.replace = 5;
    refused(v, "operator 3 (PAD): padding of the batch or channel axis");
    v = variant();
    v.filter_zp = 4;
    refused(v, "filter 'conv_filter', channel 3: scale");
    refused(v, "zero point 4");
    v = variant();
    v.act_type = TensorType_UINT8;
    refused(v, "tensor 'conv_out' has type UINT8");
    v.act_type = TensorType_INT16;
    refused(v, "tensor 'conv_out' has type INT16");
    v = variant();
    v.drop_pool_scale = true;
    refused(v, "tensor 'pool_out' needs one scale and one zero point");
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_int8_input),
        cmocka_unit_test(test_exact_float_edges),
        cmocka_unit_test(test_exact_depthwise_max_mean),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
