/* What the commands show of a graph model's ops (anne info, anne trace): readable names, shapes,
 * windows and attributes, and each op's parameters, multiply-accumulates and weight bytes. Read from
 * the runtime's view (anne_model_op(), anne_model_tensor()), so it works on any loaded model. */
#ifndef ANNE_GRAPH_INFO_H
#define ANNE_GRAPH_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "anne.h"
#include "anne_ops.h"

/* One op with what is derived from it. Tensor k is written by op k - 1 (0-based): numbered from 1,
 * op k writes tensor k, and tensor 0 is the model's input. */
typedef struct anne_graph_op_info {
    anne_op op;
    anne_tensor in;             /* input 0's shape and place */
    anne_tensor out;            /* the output's shape and place */
    int windowed;               /* Conv2D, DepthwiseConv2D, MaxPool2D, AvgPool2D: win is set */
    anne_window win;
    uint16_t pad[4];            /* top, bottom, left, right: a window's padding (bottom and right implied by
                                   the output's size), ZeroPad2D's pads or Crop2D's crops; else 0 */
    const char *padding;        /* windowed: "valid" or "same" when the pads are what Keras' padding gives,
                                   NULL when they are neither (explicit pads); else NULL */
    uint64_t params;            /* floats of kernel and bias (graph models are float32) */
    uint64_t macs;              /* multiply-accumulates, docs/cli.md ("anne info"): Dense rows * n_in *
                                   n_out; Conv2D out_h * out_w * out_c * kh * kw * in_c; DepthwiseConv2D
                                   out_h * out_w * out_c * kh * kw; ChannelAffine one per value; SimpleRNN,
                                   GRU, LSTM steps * k*u * (F + u) (the gates' products); others 0 */
    uint64_t weight_bytes;      /* kernel and bias bytes as stored */
} anne_graph_op_info;

/* Op `index` (0-based) of a loaded graph model with its figures. */
anne_status anne_graph_op_info_get(const anne_model *m, uint16_t index, anne_graph_op_info *info);

/* The op's name as a Keras user reads it: "Conv2D", "DepthwiseConv2D", "MaxPool2D", "Dense", "Add",
 * "Concatenate", ...; "?" for an unknown kind. */
const char *anne_graph_op_name(anne_op_kind kind);

/* The number of values of a tensor (the product of its dims). */
uint32_t anne_graph_tensor_values(const anne_tensor *t);

/* "(26, 26, 8)", "(3)": a tensor's shape, into buf (cap bytes). */
void anne_graph_shape_text(const anne_tensor *t, char *buf, size_t cap);

/* The op's window or attributes in a few words, "" when it has none: "3x3 s1 same", "2x2 s2 valid",
 * "3 s1 d2 pad (2, 0)" (a 1-D window), "pad ((1, 1), (1, 1))", "crop ((1, 1), (1, 1))", "size (3, 3)",
 * "axis 2", "perm (1, 0, 2)", "epsilon 0.001". */
void anne_graph_attr_text(const anne_graph_op_info *info, char *buf, size_t cap);

#endif /* ANNE_GRAPH_INFO_H */
