/* anne quantize of a real float CNN against the int8 file TFLite's converter made of it: kws_cnn.h5
 * (Conv2D -> BatchNormalization -> relu -> AveragePooling2D -> Flatten -> Dense softmax, ../shared) quantized
 * by ANNE, and kws_cnn.tflite, its int8 twin. There is no audio to calibrate with (the fixture has none):
 * the calibration rows are pseudo-random values spread over the range the .tflite's input quantization
 * covers (0 ... 67.8), so the activation scales differ from TFLite's (which saw real data) and only the
 * weights can agree exactly. Checked: ANNE's per-channel weight scales (max |w| / 127 of the kernel with
 * the BatchNormalization folded in) against the .tflite's, as floats, within 2 units in the last place
 * (TFLite folds in float32, ANNE in double rounded once); the int8 weights within 1 of each other (only
 * where a folded weight sits at a rounding tie). Printed: how many scales and weights are identical,
 * both models' input and conv output quantization, and the outputs of the two int8 models and the float
 * one on the same inputs (the largest probability difference, class agreement). Exits 77 when ../shared
 * is absent. */
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

extern "C" {
#include "anne_ir_graph.h"
#include "anne_quantize_graph.h"
#include "anne_tflite.h"
#include "test_quant_ref.h"
#include "test_support.h"
}

#include "tflite_subset_generated.h"

namespace {

using namespace anne_tflite;

std::string shared_dir() {
    const char *d = std::getenv("ANNE_SHARED_DIR");
    return std::string(d != nullptr ? d : "../shared") + "/fixtures/keras/embml_kws_cnn/";
}

std::vector<uint8_t> read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/* The filter (input 1) of the first operator with this code in the .tflite. */
const Tensor *filter_of(const Model *m, BuiltinOperator code) {
    const SubGraph *sg = m->subgraphs()->Get(0);
    for (const Operator *op : *sg->operators()) {
        const OperatorCode *oc = m->operator_codes()->Get(op->opcode_index());
        const int32_t c = std::max(static_cast<int32_t>(oc->deprecated_builtin_code()), static_cast<int32_t>(oc->builtin_code()));
        if (c == code) return sg->tensors()->Get(static_cast<uint32_t>(op->inputs()->Get(1)));
    }
    return nullptr;
}

/* Units in the last place between two positive floats. */
int64_t ulps(float a, float b) {
    int32_t ia, ib;
    std::memcpy(&ia, &a, 4);
    std::memcpy(&ib, &b, 4);
    return std::llabs(static_cast<long long>(ia) - static_cast<long long>(ib));
}

/* ANNE's weight scales of op (C channels; per_tensor as TFLite quantized it) against the filter's; then
 * ANNE's int8 kernel (op `index` of the quantized model) against the filter's bytes. */
void compare_weights(const char *what, const anne_ir_op *op, const anne_model *mq, uint16_t index, const Model *m,
                     const Tensor *filter) {
    const QuantizationParameters *q = filter->quantization();
    const uint32_t n_scales = q->scale()->size();
    anne_op qop;
    assert_int_equal(anne_model_op(mq, index, &qop), ANNE_OK);
    anne_tensor out;
    assert_int_equal(anne_model_tensor(mq, qop.output, &out), ANNE_OK);
    const uint32_t channels = out.dims[out.rank - 1u];
    std::vector<float> mine(channels);
    /* TFLite's converter quantizes convolutions per channel; a Dense per tensor unless asked otherwise */
    anne_quantize_weight_scales(op, channels, n_scales == 1u, mine.data());
    uint32_t same = 0;
    int64_t worst = 0;
    for (uint32_t j = 0; j < channels; j++) {
        const float theirs = q->scale()->Get(n_scales == 1u ? 0u : j);
        const int64_t u = ulps(mine[j], theirs);
        worst = std::max(worst, u);
        same += u == 0;
    }
    const auto *data = m->buffers()->Get(filter->buffer())->data();
    assert_int_equal(data->size(), qop.kernel_size);
    uint32_t w_same = 0, w_worst = 0;
    for (uint32_t k = 0; k < qop.kernel_size; k++) {
        const int d = std::abs(static_cast<int>(static_cast<const int8_t *>(qop.kernel)[k]) -
                               static_cast<int>(static_cast<int8_t>(data->Get(k))));
        w_same += d == 0;
        w_worst = std::max(w_worst, static_cast<uint32_t>(d));
    }
    std::printf("%s: %u weight scale%s (%s), %u identical to the .tflite's, the others within %lld ulp; int8 weights: "
                "%u of %u identical, the others within %u\n",
                what, n_scales, n_scales == 1u ? "" : "s", n_scales == 1u ? "per tensor" : "per channel",
                n_scales == 1u ? static_cast<uint32_t>(same == channels) : same, static_cast<long long>(worst), w_same,
                qop.kernel_size, w_worst);
    assert_true(worst <= 2);
    assert_true(w_worst <= 1);
}

struct run_result {
    double worst;
    size_t agree;
};

run_result compare_outputs(const anne_model *a, const anne_model *b, const std::vector<std::vector<float>> &rows) {
    std::vector<uint32_t> arena_a(anne_model_arena_size(a) / 4u + 1u), arena_b(anne_model_arena_size(b) / 4u + 1u);
    run_result r = {0.0, 0};
    for (const std::vector<float> &row : rows) {
        std::vector<float> ya(a->n_outputs), yb(b->n_outputs);
        assert_int_equal(anne_model_predict(a, ya.data(), row.data(), arena_a.data(), 4u * arena_a.size()), ANNE_OK);
        assert_int_equal(anne_model_predict(b, yb.data(), row.data(), arena_b.data(), 4u * arena_b.size()), ANNE_OK);
        size_t ia = 0, ib = 0;
        for (size_t k = 0; k < ya.size(); k++) {
            r.worst = std::max(r.worst, std::fabs(static_cast<double>(ya[k]) - static_cast<double>(yb[k])));
            if (ya[k] > ya[ia]) ia = k;
            if (yb[k] > yb[ib]) ib = k;
        }
        r.agree += ia == ib;
    }
    return r;
}

std::vector<std::vector<float>> random_rows(uint64_t seed, size_t n, double lo, double hi) {
    std::vector<std::vector<float>> rows;
    for (size_t k = 0; k < n; k++) {
        std::vector<float> row(7710);
        for (float &v : row) v = static_cast<float>(lo + (hi - lo) * static_cast<double>(ref_rand(&seed) >> 11) / 9007199254740992.0);
        rows.push_back(row);
    }
    return rows;
}

void test_kws(void **state) {
    (void)state;
    const std::string dir = shared_dir();
    const std::vector<uint8_t> file = read_file(dir + "kws_cnn.tflite");
    anne_error err;
    anne_ir ir;
    assert_int_equal(anne_import(&ir, (dir + "kws_cnn.h5").c_str(), &err), 0);
    /* the importer folded the BatchNormalization into the Conv2D */
    assert_int_equal(ir.n_ops, 4);
    assert_int_equal(ir.ops[0].kind, ANNE_OP_CONV2D);
    assert_int_equal(ir.ops[3].kind, ANNE_OP_DENSE);
    const Model *m = GetModel(file.data());
    const SubGraph *sg = m->subgraphs()->Get(0);
    const QuantizationParameters *iq = sg->tensors()->Get(static_cast<uint32_t>(sg->inputs()->Get(0)))->quantization();
    const float in_s = iq->scale()->Get(0);
    const int32_t in_zp = static_cast<int32_t>(iq->zero_point()->Get(0));
    /* 32 calibration rows over the input's whole int8 range */
    const std::vector<std::vector<float>> calib = random_rows(0x6b7773, 32, static_cast<double>(in_s) * (-128 - in_zp),
                                                              static_cast<double>(in_s) * (127 - in_zp));
    std::vector<float> flat;
    for (const auto &row : calib) flat.insert(flat.end(), row.begin(), row.end());
    anne_quantize_opts o = {ANNE_DTYPE_S8, 0};
    anne_quantize_info info;
    unsigned char *qbytes = nullptr, *tbytes = nullptr, *fbytes = nullptr;
    size_t qsize = 0, tsize = 0, fsize = 0;
    if (anne_quantize(&ir, flat.data(), calib.size(), &o, &qbytes, &qsize, &info, &err) != 0) fail_msg("%s", err.msg);
    if (anne_tflite_convert(file.data(), file.size(), "kws_cnn.tflite", &tbytes, &tsize, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_ir_graph_serialize(&ir, &fbytes, &fsize, &err), 0);
    anne_model mq, mt, mf;
    assert_int_equal(anne_model_load(&mq, qbytes, qsize), ANNE_OK);
    assert_int_equal(anne_model_load(&mt, tbytes, tsize), ANNE_OK);
    assert_int_equal(anne_model_load(&mf, fbytes, fsize), ANNE_OK);

    /* TFLite's converter quantized the Conv2D per channel and the Dense per tensor (its default for
     * FULLY_CONNECTED): each against ANNE's quantization by the same rule (--per-tensor for the Dense) */
    unsigned char *pbytes = nullptr;
    size_t psize = 0;
    anne_model mp;
    o.per_tensor = 1;
    if (anne_quantize(&ir, flat.data(), calib.size(), &o, &pbytes, &psize, &info, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&mp, pbytes, psize), ANNE_OK);
    const Tensor *conv = filter_of(m, BuiltinOperator_CONV_2D), *fc = filter_of(m, BuiltinOperator_FULLY_CONNECTED);
    assert_true(conv != nullptr && conv->quantization()->scale()->size() == 16u);
    assert_true(fc != nullptr && fc->quantization()->scale()->size() == 1u);
    compare_weights("Conv2D", &ir.ops[0], &mq, 0, m, conv);
    compare_weights("Dense", &ir.ops[3], &mp, 3, m, fc);
    std::free(pbytes);

    for (uint16_t i = 0; i < 2; i++) {
        anne_tensor a, b;
        anne_model_tensor(&mq, i, &a);
        anne_model_tensor(&mt, i, &b);
        std::printf("tensor %u (%s): ANNE scale %.9g, zero point %d; the .tflite's %.9g, %d\n", i,
                    i == 0 ? "input" : "Conv2D output", static_cast<double>(a.scale), a.zero_point,
                    static_cast<double>(b.scale), b.zero_point);
    }
    /* the outputs on the same inputs: low values, as tflite_int8_graph.sh feeds them, and over the range */
    for (int k = 0; k < 2; k++) {
        const std::vector<std::vector<float>> rows =
            k == 0 ? random_rows(7, 20, 0.0, 3.0) : random_rows(8, 20, 0.0, static_cast<double>(in_s) * (127 - in_zp));
        const run_result at = compare_outputs(&mq, &mt, rows), af = compare_outputs(&mq, &mf, rows),
                         tf = compare_outputs(&mt, &mf, rows);
        std::printf("inputs in [0, %s]: ANNE int8 vs TFLite int8: largest probability difference %.4f, classes agree "
                    "%zu/%zu; vs float: ANNE %.4f, %zu/%zu, TFLite %.4f, %zu/%zu\n",
                    k == 0 ? "3" : "67.8", at.worst, at.agree, rows.size(), af.worst, af.agree, rows.size(), tf.worst,
                    tf.agree, rows.size());
    }
    std::free(qbytes);
    std::free(tbytes);
    std::free(fbytes);
    anne_ir_free(&ir);
}

} // namespace

int main(void) {
    if (read_file(shared_dir() + "kws_cnn.tflite").empty() || read_file(shared_dir() + "kws_cnn.h5").empty()) {
        std::printf("SKIP: ../shared/fixtures/keras/embml_kws_cnn (kws_cnn.tflite, kws_cnn.h5) is absent\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kws),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
