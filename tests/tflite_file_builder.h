/* A small .tflite writer for the tests (C++): tensors with constant data and quantization, operators,
 * one subgraph, built with the flatbuffers schema header that flatc generates for tools/. */
#ifndef TFLITE_FILE_BUILDER_H
#define TFLITE_FILE_BUILDER_H

#include <cstdint>
#include <vector>

#include "tflite_subset_generated.h"

namespace {

using namespace anne_tflite;

struct quant {
    std::vector<float> scale;
    std::vector<int64_t> zero_point;
    int32_t dim = 0;
};

inline quant make_quant(std::vector<float> scale, std::vector<int64_t> zero_point, int32_t dim = 0) {
    quant q;
    q.scale = scale;
    q.zero_point = zero_point;
    q.dim = dim;
    return q;
}

class file_builder {
  public:
    file_builder() { buffers_.push_back(CreateBuffer(b_)); } /* buffer 0: no data */

    /* A tensor; data (may be empty) becomes its constant buffer. */
    int32_t tensor(std::vector<int32_t> shape, TensorType type, const std::vector<uint8_t> &data, const char *name,
                   const quant *q = nullptr) {
        uint32_t buffer = 0;
        if (!data.empty()) {
            buffers_.push_back(CreateBufferDirect(b_, &data));
            buffer = static_cast<uint32_t>(buffers_.size() - 1);
        }
        flatbuffers::Offset<QuantizationParameters> qp;
        if (q != nullptr) qp = CreateQuantizationParametersDirect(b_, nullptr, nullptr, &q->scale, &q->zero_point, q->dim);
        tensors_.push_back(CreateTensorDirect(b_, &shape, type, buffer, name, qp));
        return static_cast<int32_t>(tensors_.size() - 1);
    }

    void op(int32_t code, std::vector<int32_t> in, std::vector<int32_t> out,
            BuiltinOptions type = BuiltinOptions_NONE, flatbuffers::Offset<void> options = 0) {
        uint32_t index = 0;
        while (index < codes_.size() && codes_[index] != code) index++;
        if (index == codes_.size()) codes_.push_back(code);
        ops_.push_back(CreateOperatorDirect(b_, index, &in, &out, type, options));
    }

    void fc(int32_t in, int32_t w, int32_t bias, int32_t out, ActivationFunctionType act) {
        op(BuiltinOperator_FULLY_CONNECTED, {in, w, bias}, {out}, BuiltinOptions_FullyConnectedOptions,
           CreateFullyConnectedOptions(b_, act).Union());
    }

    void softmax(int32_t in, int32_t out) {
        op(BuiltinOperator_SOFTMAX, {in}, {out}, BuiltinOptions_SoftmaxOptions, CreateSoftmaxOptions(b_, 1.0f).Union());
    }

    flatbuffers::FlatBufferBuilder &fbb() { return b_; }

    std::vector<uint8_t> finish(int32_t input, int32_t output) { return finish(std::vector<int32_t>{input}, {output}); }

    /* A subgraph of several inputs and outputs, in their order. */
    std::vector<uint8_t> finish(std::vector<int32_t> sg_in, std::vector<int32_t> sg_out) {
        std::vector<flatbuffers::Offset<SubGraph>> sgs{CreateSubGraphDirect(b_, &tensors_, &sg_in, &sg_out, &ops_,
                                                                            "main")};
        std::vector<flatbuffers::Offset<OperatorCode>> codes;
        for (int32_t c : codes_) {
            codes.push_back(CreateOperatorCode(b_, static_cast<int8_t>(c < 127 ? c : 127), 0, 1,
                                               static_cast<BuiltinOperator>(c)));
        }
        FinishModelBuffer(b_, CreateModelDirect(b_, 3, &codes, &sgs, "variants test", &buffers_));
        return std::vector<uint8_t>(b_.GetBufferPointer(), b_.GetBufferPointer() + b_.GetSize());
    }

  private:
    flatbuffers::FlatBufferBuilder b_;
    std::vector<flatbuffers::Offset<Buffer>> buffers_;
    std::vector<flatbuffers::Offset<Tensor>> tensors_;
    std::vector<flatbuffers::Offset<Operator>> ops_;
    std::vector<int32_t> codes_;
};

} // namespace

#endif /* TFLITE_FILE_BUILDER_H */
