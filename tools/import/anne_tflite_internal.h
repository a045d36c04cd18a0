/* Shared by the .tflite importer's files (C++ only): the file being read, the dense layers assembled
 * from its operators, and the tensor helpers that the int8 and float writers both use. */
#ifndef ANNE_TFLITE_INTERNAL_H
#define ANNE_TFLITE_INTERNAL_H

/* the tools' C headers have no extern "C" of their own */
extern "C" {
#include "anne_error.h"
#include "anne_ir.h"
}

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tflite_subset_generated.h"

namespace anne_tflite {

/* The file being read. */
struct anne__ctx {
    const Model *model;
    const SubGraph *sg;
    const char *path;
    anne_error *err;
    /* per tensor: the constant tensor that a DEQUANTIZE operator widens into it (float16 weights, or
     * int8 weights kept for float activations), or -1 */
    std::vector<int32_t> dequantized_from;
};

/* One ANNE dense layer being assembled from a FULLY_CONNECTED and the activation operator after it. */
struct anne__pending {
    uint16_t n_in, n_out;
    const Tensor *in, *z, *out;       /* tensors: layer input, dense output, layer output */
    int32_t weights, bias;            /* tensor indices; bias -1 when absent */
    ActivationFunctionType fused;
    anne_activation act;              /* LINEAR until an activation operator follows */
    float param[3];
    int n_op;                         /* 1-based operator index of the FULLY_CONNECTED, for messages */
};

/* The tensor at index (nullptr when out of range). */
const Tensor *anne__tensor(const anne__ctx &c, int32_t index);

/* The tensor's name ("" when it has none). */
const char *anne__tname(const Tensor *t);

/* The tensor's constant data (nullptr when it has none); *n gets its bytes. */
const uint8_t *anne__data(const anne__ctx &c, const Tensor *t, size_t *n);

/* Elements of the tensor's shape (0 when it has no shape or a dimension is not positive). */
size_t anne__elems(const Tensor *t);

/* Element i of an int64 vector, read without assuming 8-byte alignment. */
int64_t anne__i64(const flatbuffers::Vector<int64_t> *v, uint32_t i);

/* A positive, finite, normal float (a usable scale). */
bool anne__good_scale(float s);

/* The count float values of constant tensor index (a weight or bias of operator n_op, named opname in
 * messages), widened or dequantized as stored (float32, float16 through DEQUANTIZE, int8 dynamic
 * range), into a malloc'd array (*v). */
int anne__constant(const anne__ctx &c, int n_op, const char *opname, int32_t index, size_t count, const char *role,
                   float **v);

/* The operator's builtin code; the schema's name of a code ("builtin code N" when unknown); the code of
 * operator i (-1 when out of range); "[1, 28, 28]". */
int32_t anne__op_code(const OperatorCode *c);
std::string anne__op_name(int32_t code);
int32_t anne__code_at(const anne__ctx &c, uint32_t i);
std::string anne__shape(const Tensor *t);

/* What Keras layer operator i (code) is, in the form TFLite's converter writes it ("" when nothing). */
std::string anne__keras_hint(const anne__ctx &c, uint32_t i, int32_t code);

/* A DEQUANTIZE of a constant (float16 or int8 weights widened for float operators). */
bool anne__is_weight_dequantize(const anne__ctx &c, const Operator *op, int32_t code);

/* Appends operator i's line to a --check report (rc 0: supported; else c.err's message). */
void anne__report_line(std::string &r, const anne__ctx &c, uint32_t i, const std::string &what, int rc);

/* The end of a conversion (rc, the written bytes): converting, hands them to *out; checking (report),
 * frees them and sets *all, adding a "model: NOT SUPPORTED: why" line when rc != 0. */
int anne__finish(const anne__ctx &c, int rc, unsigned char *bytes, size_t size, unsigned char **out, size_t *out_size,
                 std::string *report, bool *all);

/* Float32 graph models (anne_tflite_graph.cc): whether the model is one (a float input and an operator
 * the dense chain does not have), and its conversion (report != nullptr: --check, one line per
 * operator, *all set), as anne__convert does for chains. */
extern const char *const anne__graph_supported_ops;
bool anne__is_graph_model(const anne__ctx &c);
bool anne__graph_operator_code(int32_t code);
int anne__graph_convert(const anne__ctx &c, unsigned char **out, size_t *out_size, std::string *report, bool *all);

/* A TFLite activation shape (a batch of 1 first) as an IR shape: 1 to 4 axes of 1 to 65535. */
bool anne__ir_shape(const Tensor *t, anne_ir_tensor *s);

/* The [units, inputs] of FULLY_CONNECTED weights (tensor index): 2-D, each 1 to 65535; false otherwise. */
bool anne__fc_weights_shape(const anne__ctx &c, int32_t index, uint32_t *units, uint32_t *n_in);

/* The values of constant int32 or int64 tensor index (axes, paddings); false when it is not one. */
bool anne__int_constants(const anne__ctx &c, int32_t index, std::vector<int64_t> *v);

/* The window of a CONV_2D, DEPTHWISE_CONV_2D or pool of operator n_op: attr[0..7] (anne_window: size,
 * stride, dilation, TF's padding, SAME's odd row or column after) from its options, checked against the
 * input's and output's height and width. */
int anne__window_attr(const anne__ctx &c, int n_op, int32_t code, const uint16_t *in_hw, const uint16_t *out_hw, int kh,
                      int kw, int sh, int sw, int dh, int dw, Padding pad, uint16_t *attr);

/* Per-tensor int8 activation quantization of t (int8, one scale > 0, one zero point in -128..127); errors
 * name the tensor. */
int anne__act_quant(const anne__ctx &c, const Tensor *t, float *scale, int32_t *zp);

/* The clamp of a fused NONE / RELU / RELU6 on an int8 output (scale, zp), as TFLite computes it
 * (CalculateActivationRangeQuantized); other fused activations are refused naming operator n_op. */
int anne__fused_clamp(const anne__ctx &c, int n_op, const char *opname, ActivationFunctionType fused,
                      const Tensor *out, float scale, int32_t zp, int32_t *act_min, int32_t *act_max);

/* The 256-entry int8 table of an elementwise activation from (in_scale, in_zp) to (out_scale, out_zp):
 * LOGISTIC and TANH with the output quantization TFLite requires as TFLite's integer kernels compute
 * them (anne_quantize_fixedpoint.h), bit for bit; otherwise the function at each input, in float
 * (anne_quantize_s8_lut). */
void anne__s8_activation_table(anne_activation act, const float *param, float in_scale, int32_t in_zp,
                               float out_scale, int32_t out_zp, unsigned char lut[256]);

/* A tensor of the form [n] or [1, n] (what a dense chain passes on). */
bool anne__flat(const Tensor *t);

/* Operator i is a FULLY_CONNECTED or RESHAPE whose output is not flat (a Dense on a sequence, a Keras
 * Reshape): something a dense chain does not have. */
bool anne__unflat_dense(const anne__ctx &c, uint32_t i);

/* int8 graph models (anne_tflite_s8_graph.cc, format 2.2): whether the model is one (int8 activations,
 * a float32 input only through a QUANTIZE, and an operator the dense chain does not have), its
 * conversion as anne__graph_convert's, and the list of what it reads. */
bool anne__is_s8_graph_model(const anne__ctx &c);
int anne__s8_graph_convert(const anne__ctx &c, unsigned char **out, size_t *out_size, std::string *report, bool *all);
const char *anne__s8_graph_supported_ops();

/* The int8 model of the n layers p (activations int8, weights int8, as TFLite stores them). */
int anne__write_s8(const anne__ctx &c, const anne__pending *p, size_t n, unsigned char **out, size_t *out_size);

/* The float model of the n layers p (activations float32; weights float32, float16 through a
 * DEQUANTIZE, or int8 with float activations: dynamic-range quantization). */
int anne__write_f32(const anne__ctx &c, const anne__pending *p, size_t n, unsigned char **out, size_t *out_size);

} // namespace anne_tflite

#endif /* ANNE_TFLITE_INTERNAL_H */
