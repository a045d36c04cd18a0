/* ANNE runtime: the reference kernels of a graph model's operations, float32 (docs/ops.md). Each is
 * plain C written to be read: one loop nest in the order of the formula, no tricks. Faster kernels for
 * a core may come beside them and must give the same results bit for bit, so every sum's order is part
 * of the contract and written down here.
 *
 * Tensors have no batch axis and are channels last, as Keras and TFLite store them, contiguous and
 * row-major: (C), (L, C), (H, W, C). A 1-D op (Conv1D, MaxPooling1D, ...) is its 2-D op with H = 1
 * (an (L, C) tensor is a (1, L, C) one), so the kernels here are 2-D. Outputs never overlap inputs
 * unless a kernel says it may run in place. No malloc, no stdio, no state. */
#ifndef ANNE_OPS_H
#define ANNE_OPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The shape of an (H, W, C) tensor. */
typedef struct anne_hwc {
    uint16_t h, w, c;
} anne_hwc;

/* The window of a convolution or a pooling over an (H, W, C) input, producing an (out.h, out.w, ...)
 * output: output row y, column x reads input rows y * stride_h - pad_top + ky * dilation_h for
 * ky < kernel_h, and columns x * stride_w - pad_left + kx * dilation_w for kx < kernel_w. A position
 * outside the input is padding: zero for a convolution, skipped by a pooling. The padding after the
 * last row and column is implied by the output's size (TF's 'same' puts the odd one there). Each
 * position is tested against in.h and in.w before it is read, so padding is never read whatever
 * pad_top and pad_left are; shapes that no 'valid', 'same' or 'causal' layer produces may give
 * meaningless values. */
typedef struct anne_window {
    uint16_t kernel_h, kernel_w;
    uint16_t stride_h, stride_w;      /* >= 1 */
    uint16_t dilation_h, dilation_w;  /* >= 1; pooling: 1 */
    uint16_t pad_top, pad_left;
} anne_window;

/* What a convolution or a pooling takes besides its arrays: the input's and the output's shapes and
 * the window, in one struct passed by pointer (CMSIS-NN's habit), so that a call passes five words at
 * most and the kernel reads each field where its loops need it. The window is pointed to, not copied:
 * a graph model's op record holds one as stored (its attr[0..7]), which the runtime reads in place.
 * On a Cortex-M0+, with eight low registers, this keeps the frames small (the boards' stack budget). */
typedef struct anne_window_params {
    anne_hwc in;                /* (in.h, in.w, in.c) */
    anne_hwc out;               /* (out.h, out.w, out.c) */
    const anne_window *win;
} anne_window_params;

/* Conv2D (and Conv1D with H = 1):
 *   out[y][x][o] = sum over ky, kx, c of kernel[o][ky][kx][c] * in[iy][ix][c]  (+ bias[o])
 * with iy, ix as in anne_window (padding reads 0). kernel: (out.c, kernel_h, kernel_w, in.c), the
 * layout TFLite stores (Keras' (kh, kw, in_c, out_c) transposed by the converter); bias: (out.c) or
 * NULL. Each sum starts at +0.0 and adds the products in the order ky, then kx, then c (innermost),
 * one rounding per step, padding positions skipped; the bias is added last.
 * Signed zeros and padding: a sum started at +0.0 is never -0.0 (x + y rounds an exact zero to +0.0
 * unless both are -0.0), so adding a padding position's 0 * w instead of skipping it gives the same
 * bits whenever w is finite (an im2col kernel that fills padding with zeros agrees); only an infinite
 * or NaN weight tells them apart (0 * inf is NaN), and there skipping is the rule. A kernel that starts
 * a sum from its first product instead of +0.0 differs: all products -0.0 give -0.0. */
void anne_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                             const anne_window_params *p);

/* DepthwiseConv2D (and DepthwiseConv1D; SeparableConv is this, then a 1x1 anne_conv2d_forward_f32):
 * output channel o = c * m + j (m = out.c / in.c, the depth multiplier) reads input channel c only:
 *   out[y][x][o] = sum over ky, kx of kernel[ky][kx][o] * in[iy][ix][c]  (+ bias[o])
 * kernel: (kernel_h, kernel_w, out.c), the layout of TFLite (Keras' (kh, kw, in_c, m) is the same
 * bytes); bias: (out.c) or NULL. out.c is a multiple of in.c. Sums from +0.0 in the order ky, then kx,
 * padding positions skipped, bias last (the rules of anne_conv2d_forward_f32). */
void anne_depthwise_conv2d_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                                       const anne_window_params *p);

/* MaxPooling2D/1D: out[y][x][c] = max over the window's positions inside the input (padding is
 * skipped, as TF does; a window with no position inside gives -infinity, which valid shapes never
 * produce). out.c == in.c. Positions compared in the order ky, kx, starting from -infinity; a NaN never
 * wins (x > best), so a window of NaNs gives -infinity; of equal values (-0.0, +0.0) the first stays. */
void anne_max_pool2d_forward_f32(float *out, const float *in, const anne_window_params *p);

/* AveragePooling2D/1D: out[y][x][c] = (sum of the window's positions inside the input, in the order
 * ky, kx, from +0.0) / (float)(their count), as TF's 'same' pooling (padding not counted): a division,
 * not a product with 1 / count. out.c == in.c. */
void anne_avg_pool2d_forward_f32(float *out, const float *in, const anne_window_params *p);

/* GlobalAveragePooling1D/2D: out[c] = (sum over the n positions p of in[p][c], p = 0, 1, ... from +0.0)
 * / (float)n, a division. in: (n, c), n >= 1. */
void anne_global_avg_pool_forward_f32(float *out, const float *in, uint32_t n, uint16_t c);

/* GlobalMaxPooling1D/2D: out[c] = max over p of in[p][c], compared as anne_max_pool2d_forward_f32 does
 * (from -infinity, x > best: a NaN never wins). in: (n, c), n >= 1. */
void anne_global_max_pool_forward_f32(float *out, const float *in, uint32_t n, uint16_t c);

/* The shapes of a copy between (H, W, C) tensors (out.c == in.c) and how far apart their corners
 * are: ZeroPadding's rows and columns of zeros before the input, Cropping's rows and columns dropped
 * before the output; UpSampling reads neither. */
typedef struct anne_spatial_params {
    anne_hwc in, out;
    uint16_t top, left;
} anne_spatial_params;

/* ZeroPadding2D/1D: out (out.h, out.w, c) is +0.0 except out[y + top][x + left] = in[y][x]. */
void anne_zero_pad2d_forward_f32(float *out, const float *in, const anne_spatial_params *p);

/* Cropping2D/1D: out[y][x] = in[y + top][x + left] for y < out.h, x < out.w. */
void anne_crop2d_forward_f32(float *out, const float *in, const anne_spatial_params *p);

/* UpSampling2D/1D, nearest: out[y][x] = in[y / (out.h / in.h)][x / (out.w / in.w)] (integer factors). */
void anne_upsample2d_nearest_forward_f32(float *out, const float *in, const anne_spatial_params *p);

/* Dense on the last axis of any rank, as Keras applies it (also TimeDistributed(Dense)): each of the
 * `rows` rows of in (rows, n_in) goes through anne_dense_forward_f32 (anne.h) into out (rows, n_out). */
void anne_dense_rows_forward_f32(float *out, const float *in, const float *kernel, const float *bias,
                                 uint32_t rows, uint16_t n_in, uint16_t n_out);

/* Elementwise merges of same-shaped tensors (Keras Add, Subtract, Multiply, Average, Maximum,
 * Minimum), n values each. out may be the same array as a or b (in place). Keras merges of k > 2
 * inputs fold from the left: ((in0 op in1) op in2) ... */
typedef enum anne_merge {
    ANNE_MERGE_ADD = 0,        /* a + b */
    ANNE_MERGE_SUBTRACT,       /* a - b */
    ANNE_MERGE_MULTIPLY,       /* a * b */
    ANNE_MERGE_MAXIMUM,        /* b > a ? b : a */
    ANNE_MERGE_MINIMUM,        /* b < a ? b : a */
    ANNE_MERGE_COUNT
} anne_merge;
void anne_merge_forward_f32(float *out, const float *a, const float *b, uint32_t n, anne_merge op);

/* A broadcasting merge: the operation, and the shapes, each as rank 4 aligned at the last axis (a
 * rank-r shape is (1, ..., 1, d_0, ..., d_{r-1})): out's, and a's and b's, whose every axis is out's or 1.
 * One struct passed by pointer, as the windowed kernels' (a call of four words: the boards' stack). */
typedef struct anne_broadcast_params {
    anne_merge op;
    uint16_t out[4];
    uint16_t a[4];
    uint16_t b[4];
} anne_broadcast_params;

/* A merge of inputs of other shapes than out's, as NumPy, Keras and TFLite broadcast them: an axis of 1
 * in an input is repeated along out's. out[i0][i1][i2][i3] = a[j] op b[k], with j (and k) the input's
 * own index of (i0, i1, i2, i3), 0 along its axes of 1. out may be a when a has out's shape. */
void anne_merge_broadcast_forward_f32(float *out, const float *a, const float *b, const anne_broadcast_params *p);

/* x[i] = x[i] / d, i < n, in place: Keras' Average of k inputs is their sum (in input order) divided
 * by k. */
void anne_div_scalar_f32(float *x, uint32_t n, float d);

/* Concatenate along one axis: the inputs are viewed as (outer, inner_i), where outer is the product
 * of the dimensions before the axis (the same for every input) and inner_i the product of input i's
 * dimensions from the axis on; out is (outer, sum of inner_i): for each outer index, the inner_i
 * values of input 0, then of input 1, ... */
void anne_concat_forward_f32(float *out, const float *const *in, const uint32_t *inner, uint16_t n_in,
                             uint32_t outer);

/* PReLU over the last axis (Keras' PReLU layer with shared_axes covering every axis but the channels):
 * x[p][c] = x[p][c] >= 0 ? x[p][c] : alpha[c] * x[p][c] for p < n, in place. With one slope per value
 * (no shared axes) it is anne_prelu_forward_f32 (anne.h) over the whole tensor. */
void anne_prelu_channels_f32(float *x, uint32_t n, uint16_t c, const float *alpha);

/* Permute (transpose) of a rank-r tensor, r <= 4: out's axis k is in's axis perm[k], so
 * out[i_0]...[i_{r-1}] = in[j] with j's axis perm[k] index i_k. in_dims: (r) dimensions of in. */
void anne_permute_forward_f32(float *out, const float *in, const uint16_t *in_dims, const uint8_t *perm, uint8_t r);

/* Per-channel affine map over the last axis (BatchNormalization that could not be folded into the op
 * before it): x[p][c] = x[p][c] * scale[c] + shift[c] for p < n, in place. The converter computes
 * scale = gamma / sqrt(variance + epsilon) and shift = beta - mean * scale. */
void anne_channel_affine_f32(float *x, uint32_t n, uint16_t c, const float *scale, const float *shift);

/* LayerNormalization over the last axis, each of the n rows of x (n, c) in place:
 *   mean = (sum of x) / c, var = (sum of (x - mean)^2) / c, both summed in order from +0.0,
 *   x = (x - mean) / sqrt(var + epsilon) * gamma[i] + beta[i]  (gamma, beta: (c))
 * in float, one rounding per operation in that order: c as a float, x - mean the same float in both
 * places, sqrt correctly rounded (sqrtf), a division by it (not a product with its reciprocal), then
 * the product with gamma, then beta. gamma NULL: no product (Keras' scale=False); beta NULL: no sum
 * (center=False; adding 0 would turn a -0.0 into +0.0). (Keras computes x * inv + (-mean * inv) with
 * inv = gamma / sqrt(var + epsilon): the same value, other roundings.) */
void anne_layer_norm_f32(float *x, uint32_t n, uint16_t c, const float *gamma, const float *beta, float epsilon);

/* A recurrent op's sizes and settings (ANNE_OP_SIMPLE_RNN, ANNE_OP_GRU, ANNE_OP_LSTM in anne.h). */
typedef struct anne_rnn_params {
    uint16_t steps;             /* T: rows of the input (T, F) */
    uint16_t features;          /* F */
    uint16_t units;             /* u */
    uint16_t flags;             /* ANNE_RNN_GO_BACKWARDS, ANNE_RNN_REVERSE_OUTPUT, ANNE_RNN_RESET_AFTER */
    uint8_t activation;         /* anne_activation of the cell (Keras' `activation`), without parameters */
    uint8_t recurrent_activation; /* of the gates (Keras' `recurrent_activation`); SimpleRNN: unused */
    uint8_t sequences;          /* 1: out (T, u) holds h after every step (return_sequences); 0: out (u),
                                   the last h */
} anne_rnn_params;

/* The recurrent layers of Keras, from a zero state, one time step after the other (docs/ops.md has the
 * formulas). in (T, F); out (T, u) or (u) (p->sequences); kernel (k*u, F + u): row j is gate value j's
 * input weights (F) then its recurrent weights (u), gates in Keras' order; bias (k*u), for a GRU with
 * ANNE_RNN_RESET_AFTER (2*k*u: input bias, then recurrent bias), or NULL. scratch: u *
 * ANNE_RNN_SCRATCH_PER_UNIT(kind) floats (anne.h) of the caller's, overlapping neither in nor out.
 * Every dot product starts at +0.0 and adds its products in order (the input's features, then the
 * state's units, each its own sum); the sums combine as Keras writes them (docs/ops.md). Step s reads
 * input row s, or T-1-s with ANNE_RNN_GO_BACKWARDS, and its h goes to output row s, or T-1-s with
 * ANNE_RNN_REVERSE_OUTPUT. */
void anne_simple_rnn_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                                 const anne_rnn_params *p);
void anne_gru_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                          const anne_rnn_params *p);
void anne_lstm_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                           const anne_rnn_params *p);

/* Softmax over the last axis of x (n, c), in place: each row as anne_activation_forward_f32 (anne.h)
 * computes softmax over a whole vector. */
void anne_softmax_rows_f32(float *x, uint32_t n, uint16_t c);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_OPS_H */
