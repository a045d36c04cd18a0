/* The published int8 CNNs of ../shared (kws_cnn.tflite, gesture_model.tflite) converted into int8 graph
 * models, against the float twin of each file: the same graph run here in double with the file's
 * weights dequantized (scale x q, biases in_scale x w_scale x q), activations not quantized but held
 * within the range their int8 tensors can represent (the int8 model saturates there by design) -- a
 * reference written from the operators' definitions, sharing no code with ANNE's int8 or float paths.
 * Both get the same inputs (values the int8 input holds exactly): for gesture, windows of 120 rows of
 * its recording (aX..gZ); for kws, deterministic pseudo-random values in the low part of its input
 * range. The largest difference of a softmax probability and the class agreement are printed and
 * bounded. Exits 77 when ../shared is absent. */
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include "anne_tflite.h"
#include "test_quant_ref.h"
#include "test_support.h"
}

#include "tflite_subset_generated.h"

namespace {

using namespace anne_tflite;

/* ---- the float twin: the file's graph in double ------------------------------------------------------ */

struct twin {
    const Model *m;
    const SubGraph *sg;
    std::vector<std::vector<double>> v; /* per tensor: its values (activations as computed, constants dequantized) */
};

const Tensor *tensor(const twin &t, int32_t i) { return t.sg->tensors()->Get(static_cast<uint32_t>(i)); }

std::vector<int32_t> shape(const twin &t, int32_t i) {
    std::vector<int32_t> s;
    for (int32_t d : *tensor(t, i)->shape()) s.push_back(d);
    return s;
}

/* A constant, dequantized: per channel along quantized_dimension when there are several scales. */
std::vector<double> constant(const twin &t, int32_t i) {
    const Tensor *x = tensor(t, i);
    const auto *d = t.m->buffers()->Get(x->buffer())->data();
    const QuantizationParameters *q = x->quantization();
    const size_t n = x->type() == TensorType_INT8 ? d->size() : d->size() / 4u;
    std::vector<double> v(n);
    size_t inner = 1, ns = q != nullptr && q->scale() != nullptr ? q->scale()->size() : 0u;
    if (ns > 1) {
        for (uint32_t k = static_cast<uint32_t>(q->quantized_dimension()) + 1u; k < x->shape()->size(); k++) {
            inner *= static_cast<size_t>(x->shape()->Get(k));
        }
    }
    for (size_t k = 0; k < n; k++) {
        double raw;
        if (x->type() == TensorType_INT8) {
            raw = static_cast<int8_t>(d->Get(static_cast<uint32_t>(k)));
        } else {
            int32_t w;
            std::memcpy(&w, d->data() + 4u * k, 4);
            float f;
            std::memcpy(&f, &w, 4);
            raw = x->type() == TensorType_FLOAT32 ? static_cast<double>(f) : w;
        }
        if (ns == 0 || x->type() == TensorType_FLOAT32) {
            v[k] = raw;
            continue;
        }
        const uint32_t c = ns > 1 ? static_cast<uint32_t>((k / inner) % ns) : 0u;
        const double zp = q->zero_point() != nullptr && c < q->zero_point()->size() ? static_cast<double>(q->zero_point()->Get(c)) : 0.0;
        v[k] = static_cast<double>(q->scale()->Get(c)) * (raw - zp);
    }
    return v;
}

double act(double x, ActivationFunctionType f) {
    if (f == ActivationFunctionType_RELU) return x > 0 ? x : 0;
    if (f == ActivationFunctionType_RELU6) return x < 0 ? 0 : x > 6 ? 6 : x;
    return x;
}

/* A window op over [1, H, W, C]: a convolution (w: [O, kh, kw, C]) or a pool (kind 1 max, 2 average). */
std::vector<double> window(const std::vector<double> &x, const std::vector<int32_t> &xs, const std::vector<int32_t> &ys,
                           int kh, int kw, int sh, int sw, Padding pad, int kind, const std::vector<double> *w,
                           const std::vector<double> *b, ActivationFunctionType f) {
    const int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2], O = ys[3];
    const int ph = pad == Padding_SAME ? std::max(0, ((OH - 1) * sh + kh - H) / 2) : 0;
    const int pw = pad == Padding_SAME ? std::max(0, ((OW - 1) * sw + kw - W) / 2) : 0;
    std::vector<double> y(static_cast<size_t>(OH * OW * O));
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            for (int o = 0; o < O; o++) {
                double acc = kind == 0 && b != nullptr ? (*b)[static_cast<size_t>(o)] : kind == 1 ? -1e300 : 0.0;
                int n = 0;
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        const int iy = oy * sh + ky - ph, ix = ox * sw + kx - pw;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        n++;
                        if (kind == 0) {
                            for (int c = 0; c < C; c++) {
                                acc += (*w)[static_cast<size_t>(((o * kh + ky) * kw + kx) * C + c)] *
                                       x[static_cast<size_t>((iy * W + ix) * C + c)];
                            }
                        } else {
                            const double v = x[static_cast<size_t>((iy * W + ix) * C + o)];
                            acc = kind == 1 ? std::max(acc, v) : acc + v;
                        }
                    }
                }
                if (kind == 2) acc /= n;
                y[static_cast<size_t>((oy * OW + ox) * O + o)] = act(acc, f);
            }
        }
    }
    return y;
}

/* Runs the graph on input (the float values of the int8 input); returns the output tensor's values. */
std::vector<double> run_twin(twin &t, const std::vector<double> &input) {
    t.v.assign(t.sg->tensors()->size(), {});
    t.v[static_cast<size_t>(t.sg->inputs()->Get(0))] = input;
    for (const Operator *op : *t.sg->operators()) {
        const OperatorCode *oc = t.m->operator_codes()->Get(op->opcode_index());
        const int32_t code = std::max<int32_t>(oc->deprecated_builtin_code(), oc->builtin_code());
        const int32_t in = op->inputs()->Get(0), out = op->outputs()->Get(0);
        const std::vector<double> &x = t.v[static_cast<size_t>(in)];
        std::vector<double> y;
        if (code == BuiltinOperator_CONV_2D) {
            const Conv2DOptions *o = op->builtin_options_as_Conv2DOptions();
            const std::vector<double> w = constant(t, op->inputs()->Get(1)), b = constant(t, op->inputs()->Get(2));
            const std::vector<int32_t> fs = shape(t, op->inputs()->Get(1));
            y = window(x, shape(t, in), shape(t, out), fs[1], fs[2], o->stride_h(), o->stride_w(), o->padding(), 0, &w, &b,
                       o->fused_activation_function());
        } else if (code == BuiltinOperator_MAX_POOL_2D || code == BuiltinOperator_AVERAGE_POOL_2D) {
            const Pool2DOptions *o = op->builtin_options_as_Pool2DOptions();
            y = window(x, shape(t, in), shape(t, out), o->filter_height(), o->filter_width(), o->stride_h(), o->stride_w(),
                       o->padding(), code == BuiltinOperator_MAX_POOL_2D ? 1 : 2, nullptr, nullptr,
                       o->fused_activation_function());
        } else if (code == BuiltinOperator_MEAN) { /* over every axis but the batch and the channels */
            const size_t c = static_cast<size_t>(shape(t, in).back()), n = x.size() / c;
            y.assign(c, 0.0);
            for (size_t k = 0; k < x.size(); k++) y[k % c] += x[k] / static_cast<double>(n);
        } else if (code == BuiltinOperator_FULLY_CONNECTED) {
            const std::vector<double> w = constant(t, op->inputs()->Get(1)), b = constant(t, op->inputs()->Get(2));
            const size_t units = b.size(), n = x.size();
            const FullyConnectedOptions *o = op->builtin_options_as_FullyConnectedOptions();
            for (size_t u = 0; u < units; u++) {
                double acc = b[u];
                for (size_t i = 0; i < n; i++) acc += w[u * n + i] * x[i];
                y.push_back(act(acc, o != nullptr ? o->fused_activation_function() : ActivationFunctionType_NONE));
            }
        } else if (code == BuiltinOperator_SOFTMAX) {
            double mx = x[0], sum = 0;
            for (double v : x) mx = std::max(mx, v);
            for (double v : x) sum += std::exp(v - mx);
            for (double v : x) y.push_back(std::exp(v - mx) / sum);
        } else if (code == BuiltinOperator_RESHAPE || code == BuiltinOperator_EXPAND_DIMS ||
                   code == BuiltinOperator_SQUEEZE) {
            y = x;
        } else {
            fail_msg("the twin has no operator %d", static_cast<int>(code));
        }
        /* each activation within what its int8 tensor can hold: beyond its calibrated range the int8
         * model saturates by design, and the twin compares its arithmetic, not its range */
        const QuantizationParameters *q = tensor(t, out)->quantization();
        if (tensor(t, out)->type() == TensorType_INT8 && q != nullptr && q->scale() != nullptr) {
            const double s = q->scale()->Get(0), zp = static_cast<double>(q->zero_point()->Get(0));
            for (double &v : y) v = std::max(s * (-128.0 - zp), std::min(s * (127.0 - zp), v));
        }
        t.v[static_cast<size_t>(out)] = y;
    }
    return t.v[static_cast<size_t>(t.sg->outputs()->Get(0))];
}

/* ---- the comparison ---------------------------------------------------------------------------------- */

std::vector<uint8_t> read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/* Compares ANNE's conversion of the file with its twin on rows (raw floats). */
void compare(const char *name, const std::vector<uint8_t> &file, const std::vector<std::vector<float>> &rows,
             double max_diff, size_t min_agree) {
    anne_error err;
    unsigned char *bytes = nullptr;
    size_t size = 0;
    if (anne_tflite_convert(file.data(), file.size(), name, &bytes, &size, &err) != 0) fail_msg("%s", err.msg);
    anne_model m;
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    twin t;
    t.m = GetModel(file.data());
    t.sg = t.m->subgraphs()->Get(0);
    const QuantizationParameters *q = tensor(t, t.sg->inputs()->Get(0))->quantization();
    const double in_s = q->scale()->Get(0), in_zp = static_cast<double>(q->zero_point()->Get(0));
    std::vector<uint32_t> arena(m.arena_bytes / 4u + 1u);
    double worst = 0;
    size_t agree = 0;
    for (const std::vector<float> &row : rows) {
        std::vector<float> y(m.n_outputs);
        assert_int_equal(anne_model_predict(&m, y.data(), row.data(), arena.data(), 4u * arena.size()), ANNE_OK);
        std::vector<double> x(row.size());
        for (size_t i = 0; i < row.size(); i++) { /* what the int8 input holds: TFLite's quantization */
            const double qv = std::max(-128.0, std::min(127.0, std::round(row[i] / in_s) + in_zp));
            x[i] = in_s * (qv - in_zp);
        }
        const std::vector<double> ref = run_twin(t, x);
        size_t a = 0, b = 0;
        for (size_t k = 0; k < ref.size(); k++) {
            worst = std::max(worst, std::fabs(static_cast<double>(y[k]) - ref[k]));
            if (y[k] > y[a]) a = k;
            if (ref[k] > ref[b]) b = k;
        }
        agree += a == b;
    }
    std::printf("%s: int8 vs its float twin: largest probability difference %.4f, classes agree %zu/%zu\n", name, worst,
                agree, rows.size());
    std::free(bytes);
    assert_true(worst <= max_diff);
    assert_true(agree >= min_agree);
}

std::string shared_dir() {
    const char *d = std::getenv("ANNE_SHARED_DIR");
    return d != nullptr ? d : "../shared";
}

void test_gesture(void **state) {
    (void)state;
    const std::string dir = shared_dir() + "/fixtures/keras/k3_h5_gesture_conv1d_bn/";
    const std::vector<uint8_t> file = read_file(dir + "gesture_model.tflite");
    std::ifstream csv(dir + "gesture_data_20260107_140135.csv");
    std::string line;
    std::vector<std::vector<float>> rows;
    std::vector<float> window;
    std::getline(csv, line); /* gesture,gesture_num,timestamp,aX,aY,aZ,gX,gY,gZ,temp */
    while (std::getline(csv, line)) {
        std::stringstream s(line);
        std::string cell;
        for (int col = 0; std::getline(s, cell, ','); col++) {
            if (col >= 3 && col <= 8) window.push_back(std::strtof(cell.c_str(), nullptr));
        }
        if (window.size() == 720u) { /* the model's (120, 6): windows of 120 rows, overlapping by half */
            rows.push_back(window);
            window.erase(window.begin(), window.begin() + 360);
        }
    }
    assert_true(file.size() > 0 && rows.size() >= 20);
    compare("gesture_model.tflite", file, rows, 0.05, rows.size());
}

void test_kws(void **state) {
    (void)state;
    const std::vector<uint8_t> file = read_file(shared_dir() + "/fixtures/keras/embml_kws_cnn/kws_cnn.tflite");
    assert_true(file.size() > 0);
    std::vector<std::vector<float>> rows;
    uint64_t r = 0x6b7773;
    for (int k = 0; k < 20; k++) { /* (30, 257, 1) values in [0, 3): the input's range is 0 ... 67.8, in steps of 0.27 */
        std::vector<float> row(7710);
        for (float &v : row) v = static_cast<float>(ref_rand(&r) % 3000u) / 1000.0f;
        rows.push_back(row);
    }
    /* the conv output steps by 1.0 (its calibrated range 0 ... 256): near a tie of two classes the int8
     * logits move a probability a lot; the classes mostly agree */
    compare("kws_cnn.tflite", file, rows, 0.5, 18);
}

} // namespace

int main(void) {
    const std::string dir = shared_dir() + "/fixtures/keras/";
    if (read_file(dir + "embml_kws_cnn/kws_cnn.tflite").empty() ||
        read_file(dir + "k3_h5_gesture_conv1d_bn/gesture_model.tflite").empty()) {
        std::printf("SKIP: ../shared/fixtures/keras (kws_cnn, gesture_model) is absent\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gesture),
        cmocka_unit_test(test_kws),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
