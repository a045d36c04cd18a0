/* ANNE runtime: the one public header. Loads a validated model from bytes (in place, zero copy),
 * runs it in memory the caller provides, and scores predictions with streaming metrics.
 * Portable C99, freestanding: no malloc, no stdio, no global mutable state. Compiles as C++ too. */
#ifndef ANNE_H
#define ANNE_H

#include <stddef.h>
#include <stdint.h>

#include "anne_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the runtime; generated code refuses to compile against a different major version. */
#define ANNE_VERSION_MAJOR 0
#define ANNE_VERSION_MINOR 1
#define ANNE_VERSION_PATCH 0
#define ANNE_VERSION_STRING "0.1.0"

/* Version of the model file format this runtime writes; it reads every minor version of the same
 * major version (docs/format.md, "Versioning"). */
#define ANNE_FORMAT_MAJOR 1
#define ANNE_FORMAT_MINOR 0
/* Graph models (operations over shaped tensors) are format 2.x; the runtime reads 1.x and 2.x. Dense
 * chains are still written as 1.0, which older runtimes read, and float32 graphs with one input and one
 * output as 2.0; 2.1 adds several inputs and outputs, 2.2 int8 graphs. */
#define ANNE_FORMAT_GRAPH_MAJOR 2
#define ANNE_FORMAT_GRAPH_MINOR 1
#define ANNE_FORMAT_GRAPH_S8_MINOR 2

/* ------------------------------------------------------------------------------------------------
 * Status codes. Values are stable (tools print them); new codes only grow at the end.
 * ---------------------------------------------------------------------------------------------- */
typedef enum anne_status {
    ANNE_OK = 0,
    ANNE_ERR_NULL_ARG,            /* a required pointer argument is NULL */
    ANNE_ERR_TRUNCATED,           /* fewer bytes than the header or a size field says */
    ANNE_ERR_BAD_MAGIC,           /* the bytes do not start with "ANNE" */
    ANNE_ERR_VERSION,             /* the file's major format version is not this runtime's */
    ANNE_ERR_CHECKSUM,            /* CRC-32 mismatch: the bytes were damaged */
    ANNE_ERR_BAD_SECTION,         /* a section lies outside the file, overlaps, is misaligned or repeated */
    ANNE_ERR_MISSING_SECTION,     /* a required section (graph, weights) is absent */
    ANNE_ERR_BAD_LAYER,           /* unknown layer kind, or a layer's sizes or offsets are inconsistent */
    ANNE_ERR_BAD_ACTIVATION,      /* unknown activation, or an activation parameter out of range */
    ANNE_ERR_UNSUPPORTED_DTYPE,   /* a number format this build does not run */
    ANNE_ERR_SHAPE,               /* shapes of adjacent layers, inputs or outputs disagree */
    ANNE_ERR_BAD_VALUE,           /* a stored number is NaN or infinite, or a scale is not positive */
    ANNE_ERR_BAD_SCALING,         /* the input-scaling section is malformed */
    ANNE_ERR_BAD_CLASSES,         /* the class-names section is malformed */
    ANNE_ERR_BAD_NAME,            /* the name section is not a terminated string */
    ANNE_ERR_ARENA_TOO_SMALL,     /* the caller's working memory is smaller than anne_model_arena_size() */
    ANNE_ERR_ALIGNMENT,           /* a buffer is not 4-byte aligned */
    ANNE_ERR_BUFFER_TOO_SMALL,    /* an output buffer (writer, metrics) is too small */
    ANNE_ERR_BAD_ARG,             /* an argument is out of range (index, class, size) */
    ANNE_STATUS_COUNT
} anne_status;

/* A short English description of a status code ("ok", "checksum mismatch", ...). Never NULL. */
const char *anne_status_str(anne_status status);

/* ------------------------------------------------------------------------------------------------
 * Layers, number formats and activations. These values are stored in model files: they only grow
 * at the end, and a value is never reused.
 * ---------------------------------------------------------------------------------------------- */
typedef enum anne_layer_kind {
    ANNE_LAYER_DENSE = 1,       /* out = activation(kernel · in + bias) */
    ANNE_LAYER_KIND_COUNT
} anne_layer_kind;

typedef enum anne_dtype {
    ANNE_DTYPE_F32 = 0,         /* IEEE-754 binary32 */
    ANNE_DTYPE_Q16 = 1,         /* Q16.16 fixed point: int32 kernel and bias (anne_quant.h) */
    ANNE_DTYPE_S8 = 2,          /* int8, TFLite scheme: int8 kernel, int32 bias, aux record (anne_quant.h) */
    ANNE_DTYPE_COUNT
} anne_dtype;

/* Activations with Keras' definitions. param[] holds the parameters named here; unused ones are 0. */
typedef enum anne_activation {
    ANNE_ACT_LINEAR = 0,        /* x */
    ANNE_ACT_RELU,              /* Keras relu: param[0] negative_slope, param[1] max_value (+inf: none),
                                   param[2] threshold. relu6 is max_value 6. */
    ANNE_ACT_LEAKY_RELU,        /* x if x > 0 else alpha*x; param[0] alpha (the paper uses 0.01) */
    ANNE_ACT_SIGMOID,           /* 1 / (1 + exp(-x)) */
    ANNE_ACT_TANH,              /* tanh(x) */
    ANNE_ACT_SOFTMAX,           /* exp(x_i - max) / sum_j exp(x_j - max), over the layer's outputs */
    ANNE_ACT_ELU,               /* x if x > 0 else alpha*(exp(x) - 1); param[0] alpha */
    ANNE_ACT_SELU,              /* scale * elu(x, alpha), Keras' fixed scale and alpha */
    ANNE_ACT_SOFTPLUS,          /* log(1 + exp(x)) */
    ANNE_ACT_SOFTSIGN,          /* x / (1 + |x|) */
    ANNE_ACT_HARD_SIGMOID,      /* Keras 2: clip(0.2*x + 0.5, 0, 1) */
    ANNE_ACT_HARD_SIGMOID_K3,   /* Keras 3: relu6(x + 3) / 6 */
    ANNE_ACT_SWISH,             /* x * sigmoid(x) (also called silu) */
    ANNE_ACT_GELU,              /* exact: 0.5*x*(1 + erf(x/sqrt(2))) */
    ANNE_ACT_GELU_TANH,         /* approximate: 0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3))) */
    ANNE_ACT_EXPONENTIAL,       /* exp(x) */
    ANNE_ACT_THRESHOLDED_RELU,  /* x if x > theta else 0; param[0] theta */
    ANNE_ACT_PRELU,             /* Keras PReLU: x if x >= 0 else alpha[j]*x, one alpha per unit j, held in
                                   anne_layer.act_data (params unused, 0). anne_activation_forward_f32()
                                   has no alphas and leaves x unchanged: use anne_prelu_forward_f32(). */
    ANNE_ACT_HARD_SWISH,        /* x * relu6(x + 3) / 6, computed as x * hard_sigmoid_k3(x) (Keras 3
                                   hard_silu / hard_swish; TFLite HARD_SWISH) */
    ANNE_ACT_COUNT
} anne_activation;

/* Keras' SELU constants. */
#define ANNE_SELU_ALPHA 1.67326324f
#define ANNE_SELU_SCALE 1.05070098f

/* A layer as the runtime sees it. After anne_model_layer() the pointers point into the model bytes
 * (nothing is copied); for anne_model_write() they point to the caller's arrays. */
typedef struct anne_layer {
    anne_layer_kind kind;
    anne_dtype dtype;
    anne_activation activation;
    uint16_t n_in;              /* inputs of the layer */
    uint16_t n_out;             /* units (outputs) of the layer */
    float param[3];             /* activation parameters, see anne_activation */
    const void *kernel;         /* (n_out, n_in), row-major: row j holds unit j's weights; f32: float,
                                   q16: int32 Q16.16, s8: int8 */
    const void *bias;           /* (n_out), or NULL: no bias; f32: float, q16: int32 Q16.16, s8: int32 */
    const void *act_data;       /* per-unit activation parameters: prelu: float (n_out) alphas; NULL (and
                                   ignored by the writer) for every other activation */
    const void *aux;            /* s8: the quantization record (docs/format.md; decode with anne_layer_s8());
                                   NULL for f32 and q16 */
    uint32_t aux_size;          /* its bytes */
} anne_layer;

/* Scaling applied to raw inputs before the first layer, stored in the model. */
typedef enum anne_scaling_kind {
    ANNE_SCALING_NONE = 0,
    ANNE_SCALING_STANDARDIZE = 1,  /* x' = (x - a) / b; a = mean, b = standard deviation (> 0) */
    ANNE_SCALING_MINMAX = 2,       /* x' = (x - a) / (b - a); a = min, b = max (b > a) */
    ANNE_SCALING_KIND_COUNT
} anne_scaling_kind;

typedef struct anne_scaling {
    anne_scaling_kind kind;
    const float *a;             /* (n_inputs): mean or min; NULL when kind is NONE */
    const float *b;             /* (n_inputs): std or max;  NULL when kind is NONE */
} anne_scaling;

/* ------------------------------------------------------------------------------------------------
 * Loading a model. The model keeps pointers into `bytes`, which must stay valid and unchanged while
 * the model is used (flash, a const array, or a RAM buffer). `bytes` must be 4-byte aligned.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_model {
    const uint8_t *bytes;       /* the model file */
    uint32_t size;              /* its size in bytes (from the header) */
    const uint8_t *layer_table; /* first layer record */
    const uint8_t *weights;     /* weights section */
    uint32_t weights_size;
    uint16_t n_inputs;
    uint16_t n_outputs;
    uint16_t n_layers;
    uint16_t n_classes;         /* 0: no class names stored */
    uint16_t format_minor;      /* minor format version of the file */
    anne_scaling scaling;
    const char *name;           /* NUL-terminated, inside bytes; "" when the file has none */
    const char *class_names;    /* n_classes NUL-terminated strings back to back, or NULL */
    uint32_t arena_bytes;       /* working memory anne_model_predict() needs */
    const int16_t *s8_wide;     /* int8 models: the weights widened to int16 by anne_model_s8_widen()
                                   (anne_quant.h), which the kernels then read; NULL: not widened */
    /* graph models (format 2, docs/format.md); for them n_layers is 0 and anne_model_layer() has no
     * layer to give: read their ops with anne_model_op() and tensors with anne_model_tensor() */
    const uint8_t *tensor_table; /* first tensor record, or NULL for a dense-chain model */
    const uint8_t *op_table;    /* first op record, or NULL */
    uint16_t n_tensors;
    uint16_t n_ops;
    uint16_t format_major;      /* 1: a dense chain; 2: a graph */
    /* a graph model's inputs and outputs (anne_model_input() and anne_model_output() describe each): its
     * first n_input_tensors tensors are its inputs; its outputs are the tensors output_list names (u16
     * tensor indices, in the model's output order), or, when output_list is NULL, its last tensor. A
     * dense chain has one of each. */
    uint16_t n_input_tensors;
    uint16_t n_output_tensors;
    const uint8_t *output_list;
    /* graph models: their runner (anne_graph_run_f32), set by the loader and by generated C, so that a
     * firmware that never has a graph model (a dense model shipped as generated C) links no graph code */
    anne_status (*graph_run)(const struct anne_model *model, float *output, const float *input, uint8_t *arena);
    /* int8 graph models (format 2.2): each tensor's scale (f32) and zero point (i32), 8 bytes per tensor
     * in tensor order (the QUANT section); NULL for float32 models */
    const uint8_t *tensor_quant;
} anne_model;

/* Validates `size` bytes as a model file and fills *model. Checks magic, version, CRC-32, every
 * section, offset, size and shape, and every stored number; on any error returns a status and
 * leaves *model zeroed. Never reads outside [bytes, bytes + size). */
anne_status anne_model_load(anne_model *model, const void *bytes, size_t size);

/* Decodes layer `index` (0-based) of a loaded model into *layer (pointers into the model bytes). */
anne_status anne_model_layer(const anne_model *model, uint16_t index, anne_layer *layer);

/* Bytes of working memory anne_model_predict() needs: the two largest adjacent activation buffers
 * (the scaled input counts as the first buffer). */
uint32_t anne_model_arena_size(const anne_model *model);

/* The name of class `index`, or NULL when the model stores no class names or index is out of range. */
const char *anne_model_class_name(const anne_model *model, uint16_t index);

/* Applies the model's input scaling: out (n_inputs) = scale(in (n_inputs)). out may equal in. */
anne_status anne_model_scale_input(const anne_model *model, float *out, const float *in);

/* Runs the model on one raw (unscaled) sample.
 * output: (n_outputs) floats; input: (n_inputs) floats; arena: caller memory, 4-byte aligned, at
 * least anne_model_arena_size() bytes. output may not overlap arena. Needs no other memory.
 * A graph model with several inputs takes them concatenated in its input order, each flattened
 * row-major (channels last), and gives its outputs the same way: anne_model_input() and
 * anne_model_output() say where each one is in the row. */
anne_status anne_model_predict(const anne_model *model, float *output, const float *input,
                               void *arena, size_t arena_size);

/* ------------------------------------------------------------------------------------------------
 * Kernels (the building blocks of anne_model_predict, public so tools and teachers can run a
 * network layer by layer and look at every neuron).
 * ---------------------------------------------------------------------------------------------- */

/* out (n_out) = kernel (n_out, n_in) · in (n_in) + bias (n_out, or NULL). out must not overlap in. */
void anne_dense_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                            uint16_t n_in, uint16_t n_out);

/* Applies `act` with parameters `param` to x (n) in place. Softmax normalizes over all n. */
void anne_activation_forward_f32(float *x, size_t n, anne_activation act, const float param[3]);

/* PReLU with per-unit slopes: x[j] = x[j] >= 0 ? x[j] : alpha[j] * x[j], j < n. */
void anne_prelu_forward_f32(float *x, size_t n, const float *alpha);

/* Checks that `act` is known and its parameters are valid (finite; max_value >= 0 or +inf; alpha
 * finite). Used by the loader and by tools before writing a model. */
anne_status anne_activation_check(anne_activation act, const float param[3]);

/* The activation's name as Keras writes it ("relu", "hard_sigmoid", ...); "?" for unknown values. */
const char *anne_activation_name(anne_activation act);

/* ------------------------------------------------------------------------------------------------
 * Writing a model file (host tools and on-device training both use it). No allocation.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_model_desc {
    const char *name;           /* NULL or "": no name section */
    uint16_t n_inputs;
    uint16_t n_layers;
    const anne_layer *layers;   /* (n_layers); kernel/bias point to the caller's float arrays */
    anne_scaling scaling;       /* kind NONE: no scaling section */
    uint16_t n_classes;         /* 0: no class-names section */
    const char *const *class_names; /* (n_classes) NUL-terminated strings */
} anne_model_desc;

/* Serializes *desc into buf (cap bytes). *size_out receives the file size; with buf == NULL only
 * the size is computed. Validates the description as the loader would (shapes, activations,
 * finite numbers), so whatever it writes loads. For a quantized model buf must be 4-aligned
 * (ANNE_ERR_ALIGNMENT otherwise): the checks it shares with the loader read aligned words. */
anne_status anne_model_write(const anne_model_desc *desc, void *buf, size_t cap, size_t *size_out);

/* ------------------------------------------------------------------------------------------------
 * Graph models (format 2): operations over shaped tensors. Tensors have no batch axis and are
 * channels last, as Keras and TFLite store them: (C), (L, C), (H, W, C). The first tensors are the
 * model's inputs (tensor 0 alone for most models), and its output is the last tensor or the tensors
 * it lists; every tensor after the inputs is written by exactly one op, and the ops are stored in an
 * order where each reads only tensors written before it. Every tensor has its place in
 * the arena, planned by the converter: the runtime only runs the ops in order (anne_model_predict()
 * runs graph models too). The kernels are in anne_ops.h; docs/ops.md has each op's formula.
 * These values are stored in model files: they only grow at the end.
 * ---------------------------------------------------------------------------------------------- */
typedef enum anne_op_kind {
    ANNE_OP_DENSE = 1,          /* Dense on the last axis: (..., n_in) -> (..., n_out); kernel (n_out, n_in) */
    ANNE_OP_CONV2D,             /* Conv2D/Conv1D; attr: anne_window; kernel (out_c, kh, kw, in_c) */
    ANNE_OP_DEPTHWISE_CONV2D,   /* attr: anne_window; kernel (kh, kw, out_c), out_c = in_c * multiplier */
    ANNE_OP_MAX_POOL2D,         /* attr: anne_window (dilation 1) */
    ANNE_OP_AVG_POOL2D,         /* attr: anne_window (dilation 1) */
    ANNE_OP_GLOBAL_AVG_POOL,    /* (..., C) -> (C) */
    ANNE_OP_GLOBAL_MAX_POOL,    /* (..., C) -> (C) */
    ANNE_OP_ZERO_PAD2D,         /* attr[0] pad_top, attr[1] pad_left (the rest from the output's size) */
    ANNE_OP_CROP2D,             /* attr[0] crop_top, attr[1] crop_left */
    ANNE_OP_UPSAMPLE2D,         /* nearest, integer factors out.h / in.h and out.w / in.w */
    ANNE_OP_RESHAPE,            /* Flatten, Reshape: the same values, another shape */
    ANNE_OP_PERMUTE,            /* attr[0..rank-1]: out's axis k is in's axis attr[k] */
    ANNE_OP_CHANNEL_AFFINE,     /* x * kernel[c] + bias[c] over the last axis (BatchNormalization) */
    ANNE_OP_LAYER_NORM,         /* over the last axis; kernel gamma, bias beta (each optional);
                                   attr[0] | attr[1] << 16: epsilon's float bits */
    ANNE_OP_ADD,                /* 2-4 inputs, summed in input order. The merges' inputs have the output's
                                   shape or broadcast to it (NumPy's rules, axes aligned at the last: each
                                   axis of an input is the output's or 1, which repeats it): (H, W, C) and
                                   (1, 1, C) or (C); (T, C) and (1, C) */
    ANNE_OP_SUBTRACT,           /* 2 inputs: in0 - in1 */
    ANNE_OP_MULTIPLY,           /* 2-4 inputs, multiplied in input order */
    ANNE_OP_AVERAGE,            /* 2-4 inputs: their sum in input order, divided by their count */
    ANNE_OP_MAXIMUM,            /* 2-4 inputs */
    ANNE_OP_MINIMUM,            /* 2-4 inputs */
    ANNE_OP_CONCAT,             /* 2-4 inputs, attr[0]: the axis (0 = the first axis after the batch) */
    ANNE_OP_ACTIVATION,         /* only the op's activation (softmax: over the last axis) */
    ANNE_OP_PRELU,              /* Keras PReLU: x if x >= 0 else alpha * x, same shape in and out; kernel
                                   alpha: (C), one slope per channel (shared over every other axis), or
                                   the output's whole shape (one per value) */
    ANNE_OP_SIMPLE_RNN,         /* Keras SimpleRNN over an input (T, F): output (T, units) with return_sequences,
                                   else (units). The recurrent kinds' kernel, bias and attrs: ANNE_RNN_* below */
    ANNE_OP_GRU,                /* Keras GRU (gates z, r, h; reset_after or not) */
    ANNE_OP_LSTM,               /* Keras LSTM (gates i, f, c, o) */
    ANNE_OP_KIND_COUNT
} anne_op_kind;

/* The recurrent ops (SIMPLE_RNN, GRU, LSTM; docs/ops.md): with k gates (1, 3, 4), F input features and
 * u units, kernel (k*u, F + u): row j holds the input weights of gate value j (F), then its recurrent
 * weights (u), gates in Keras' order (GRU z, r, h; LSTM i, f, c, o); bias (k*u), or for a GRU with
 * reset_after (2*3*u): input bias, then recurrent bias; or none. attr[0]: the flags below; attr[1]: the
 * cell's activation, attr[2]: the recurrent activation (0 for SIMPLE_RNN), both anne_activation values
 * without parameters (relu: Keras' plain relu; elu: alpha 1); attr[3] 0; attr[4] | attr[5] << 16: the
 * byte offset in the arena of the op's scratch (state and gates: ANNE_RNN_SCRATCH_PER_UNIT floats per
 * unit), which no tensor live while the op runs overlaps; attr[6..7] 0. The op's own activation applies
 * to its output, as for every op. */
#define ANNE_RNN_GO_BACKWARDS 1u    /* the steps are taken from the last to the first (Keras go_backwards) */
#define ANNE_RNN_REVERSE_OUTPUT 2u  /* output row s is written to row T-1-s (Bidirectional's backward layer,
                                       which Keras flips back into input order); only with return_sequences */
#define ANNE_RNN_RESET_AFTER 4u     /* GRU: the reset gate multiplies the recurrent product (Keras 2/3's
                                       default), else the state before the product (Keras 1) */
#define ANNE_RNN_FLAGS 7u
/* Floats of scratch per unit: SIMPLE_RNN h and the new h; GRU h, the input and the recurrent sums of
 * the three gates, r * h; LSTM h, c and the four gates. */
#define ANNE_RNN_SCRATCH_PER_UNIT(kind) \
    ((kind) == ANNE_OP_SIMPLE_RNN ? 2u : (kind) == ANNE_OP_GRU ? 8u : (kind) == ANNE_OP_LSTM ? 6u : 0u)
/* Gates of a recurrent kind */
#define ANNE_RNN_GATES(kind) ((kind) == ANNE_OP_SIMPLE_RNN ? 1u : (kind) == ANNE_OP_GRU ? 3u : 4u)

#define ANNE_MAX_RANK 4u            /* tensors of rank 1 to 4 */
#define ANNE_MAX_OP_INPUTS 4u       /* inputs of one op; longer merges are chains of ops */
#define ANNE_MAX_TENSORS 1024u
#define ANNE_MAX_TENSOR_VALUES (1u << 24) /* values of one tensor */
#define ANNE_MAX_MODEL_IO 16u       /* input tensors of a graph model, and output tensors */

/* A tensor as the runtime sees it. A graph's tensors are all float32 (F32: 4 bytes a value) or all
 * int8 (S8: 1 byte a value, real = scale * (q - zero_point), TFLite's scheme). */
typedef struct anne_tensor {
    anne_dtype dtype;
    uint8_t rank;               /* 1 ... 4 */
    uint16_t dims[ANNE_MAX_RANK]; /* dims[0 .. rank-1], each >= 1; the others 1 */
    uint32_t offset;            /* bytes from the start of the arena, a multiple of 4 */
    float scale;                /* S8: positive, normal, finite; F32: 0 */
    int32_t zero_point;         /* S8: -128 ... 127; F32: 0 */
} anne_tensor;

/* An op as the runtime sees it. After anne_model_op() the pointers point into the model bytes; for
 * anne_graph_write() they point to the caller's arrays. */
typedef struct anne_op {
    anne_op_kind kind;
    anne_activation activation; /* applied to the op's output (not prelu) */
    float param[3];             /* the activation's parameters */
    uint8_t n_inputs;           /* 1 ... ANNE_MAX_OP_INPUTS */
    uint16_t inputs[ANNE_MAX_OP_INPUTS]; /* tensor indices; unused ones 0 */
    uint16_t output;            /* tensor index */
    const void *kernel;         /* per kind (anne_op_kind), or NULL */
    uint32_t kernel_size;       /* bytes */
    const void *bias;           /* per kind, or NULL */
    uint32_t bias_size;         /* bytes */
    uint16_t attr[10];          /* per kind; anne_window in attr[0..7] for windowed ops. In an int8
                                   graph attr[8] | attr[9] << 16 is the aux record's offset in the
                                   weights (anne_model_op() sets aux and aux_size from it) */
    const void *aux;            /* int8 graphs: the op's int8 record (docs/format.md), or NULL */
    uint32_t aux_size;          /* bytes; anne_graph_write() writes aux into the weights and sets
                                   attr[8..9] itself */
} anne_op;

/* Op `index` (0-based, in run order) of a graph model. */
anne_status anne_model_op(const anne_model *model, uint16_t index, anne_op *op);

/* The float32 graph runner: output (n_outputs) from the raw input (n_inputs) of a graph model, in
 * arena (anne_model_arena_size() bytes, 4-aligned); returns ANNE_OK. anne_model_load() puts it in
 * anne_model.graph_run, and generated C (docs/codegen.md) in its const model, so that only a firmware
 * with a graph model links it. Call anne_model_predict(), which checks its arguments, not this: a status,
 * so that anne_model_predict() ends in the call (on the M33 a tail call, whose frame is gone while the
 * graph runs). */
anne_status anne_graph_run_f32(const anne_model *model, float *output, const float *input, uint8_t *arena);

/* The int8 graph runner, as anne_graph_run_f32 for an int8 graph model (format 2.2): each input value
 * scaled, then quantized with its tensor's scale and zero point (anne_s8_quantize), the ops run in
 * int8 (anne_quant.h), each output value dequantized. */
anne_status anne_graph_run_s8(const anne_model *model, float *output, const float *input, uint8_t *arena);

/* Tensor `index` of a graph model. */
anne_status anne_model_tensor(const anne_model *model, uint16_t index, anne_tensor *tensor);

/* One input or output of a model, and where its values are in the flat row anne_model_predict() takes
 * (inputs) or gives (outputs). */
typedef struct anne_model_io {
    uint16_t tensor;            /* a graph model's tensor index; 0 for a dense chain */
    uint8_t rank;               /* 1 ... 4 (a dense chain: 1) */
    uint16_t dims[ANNE_MAX_RANK]; /* dims[0 .. rank-1]; the others 1 */
    uint32_t first;             /* the index of its first value in the row */
    uint32_t values;            /* its values, flattened row-major (channels last) */
} anne_model_io;

/* Input k (0-based, k < model->n_input_tensors) and output k (k < model->n_output_tensors) of a loaded
 * model. A dense chain has one of each, of rank 1. */
anne_status anne_model_input(const anne_model *model, uint16_t k, anne_model_io *io);
anne_status anne_model_output(const anne_model *model, uint16_t k, anne_model_io *io);

/* What anne_graph_write() serializes: tensors with their arena offsets (planned by the caller; every
 * tensor live at the same time as another must not overlap it, except where an op may run in place:
 * docs/format.md), and ops in run order. */
typedef struct anne_graph_desc {
    const char *name;           /* NULL or "": no name section */
    uint16_t n_tensors;         /* n_ops + the input tensors */
    const anne_tensor *tensors; /* (n_tensors): the inputs first, then op i's output at n_input_tensors + i */
    uint16_t n_ops;
    const anne_op *ops;         /* (n_ops) */
    uint32_t arena_bytes;       /* at least the end of every tensor */
    anne_scaling scaling;       /* of the inputs' values, in the model's input order; kind NONE: none */
    uint16_t n_classes;
    const char *const *class_names;
    uint16_t n_input_tensors;   /* 0 or 1: one input, tensor 0; up to ANNE_MAX_MODEL_IO */
    uint16_t n_output_tensors;  /* 0 or 1 with outputs NULL: one output, the last tensor; up to ANNE_MAX_MODEL_IO */
    const uint16_t *outputs;    /* (n_output_tensors) tensor indices in the model's output order, or NULL */
} anne_graph_desc;

/* Serializes *desc into buf (cap bytes, 4-aligned), as anne_model_write() does for dense chains; the
 * written bytes are checked by the loader before it returns ANNE_OK, so whatever it writes loads. With
 * buf == NULL only *size_out is computed. */
anne_status anne_graph_write(const anne_graph_desc *desc, void *buf, size_t cap, size_t *size_out);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of n bytes, continuing from crc (start with 0). */
uint32_t anne_crc32(uint32_t crc, const void *data, size_t n);

/* ------------------------------------------------------------------------------------------------
 * Streaming metrics: one sample at a time, so a board can evaluate data it cannot hold in RAM.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_metrics {
    uint16_t n_classes;
    uint32_t *confusion;        /* (n_classes, n_classes): rows = true class, columns = predicted */
    uint32_t n;                 /* samples seen */
    uint32_t n_log_loss;        /* samples that contributed to log_loss_sum */
    double log_loss_sum;        /* sum of -ln(p(true class)), p clipped to [1e-15, 1 - 1e-15] */
} anne_metrics;

/* Precision, recall, F1 and support of one class, or their macro / weighted averages. */
typedef struct anne_class_metrics {
    double precision;           /* tp / (tp + fp); 0 when nothing was predicted as the class */
    double recall;              /* tp / (tp + fn); 0 when the class never occurs */
    double f1;                  /* 2pr / (p + r); 0 when p + r is 0 */
    uint32_t support;           /* samples whose true class it is */
} anne_class_metrics;

typedef enum anne_average {
    ANNE_AVERAGE_MACRO = 0,     /* unweighted mean over the classes seen (true or predicted), as sklearn */
    ANNE_AVERAGE_WEIGHTED,      /* mean weighted by support */
    ANNE_AVERAGE_COUNT
} anne_average;

/* Starts metrics for n_classes (>= 2) classes; confusion is caller memory of at least
 * n_classes * n_classes counters (confusion_len), zeroed here. */
anne_status anne_metrics_init(anne_metrics *m, uint16_t n_classes, uint32_t *confusion,
                              size_t confusion_len);

/* Counts one sample whose true class is `truth` and predicted class is `predicted`. */
anne_status anne_metrics_update(anne_metrics *m, uint16_t truth, uint16_t predicted);

/* Turns a model output (n_outputs) into a class and counts it with its log loss. One output is a
 * sigmoid probability of class 1 (class 1 when output > threshold); more outputs are class
 * probabilities (argmax; the first maximum wins). *predicted (may be NULL) receives the class. */
anne_status anne_metrics_update_output(anne_metrics *m, uint16_t truth, const float *output,
                                       uint16_t n_outputs, float threshold, uint16_t *predicted);

/* The class a model output stands for, by the rule of anne_metrics_update_output(). */
uint16_t anne_output_class(const float *output, uint16_t n_outputs, float threshold);

double anne_metrics_accuracy(const anne_metrics *m);  /* 0 when no sample was seen */
double anne_metrics_log_loss(const anne_metrics *m);  /* mean; 0 when no sample was seen */
anne_status anne_metrics_class(const anne_metrics *m, uint16_t c, anne_class_metrics *out);
anne_status anne_metrics_average(const anne_metrics *m, anne_average avg, anne_class_metrics *out);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_H */
