/* The sample graph model (sample_graph.h). */
#include "sample_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct anne__gseed {
    anne_tensor t[18];
    anne_op op[17];
    uint16_t n;
} anne__gseed;

static float anne__weights[4 * 9 * 8];

static anne_op *anne__gop(anne__gseed *g, anne_op_kind kind, uint16_t in0, uint16_t in1, uint8_t rank, uint16_t d0,
                          uint16_t d1, uint16_t d2) {
    anne_op *op = &g->op[g->n];
    anne_tensor *t = &g->t[g->n + 1u];
    memset(op, 0, sizeof *op);
    memset(t, 0, sizeof *t);
    op->kind = kind;
    op->n_inputs = in1 != 0xFFFFu ? 2 : 1;
    op->inputs[0] = in0;
    op->inputs[1] = in1 != 0xFFFFu ? in1 : 0;
    op->output = (uint16_t)(g->n + 1u);
    t->rank = rank;
    t->dims[0] = d0, t->dims[1] = rank > 1 ? d1 : 1, t->dims[2] = rank > 2 ? d2 : 1, t->dims[3] = 1;
    g->n++;
    return op;
}

static void anne__gwin(anne_op *op, uint16_t k, uint16_t s, uint16_t pad, const float *kernel, uint32_t kernel_size,
                       uint32_t bias_size) {
    op->attr[0] = op->attr[1] = k;
    op->attr[2] = op->attr[3] = s;
    op->attr[4] = op->attr[5] = 1;
    op->attr[6] = op->attr[7] = pad;
    op->kernel = kernel, op->kernel_size = kernel_size;
    op->bias = bias_size != 0 ? kernel : NULL, op->bias_size = bias_size;
}

anne_status anne_sample_graph(void **bytes, size_t *size) {
    anne__gseed g;
    anne_graph_desc d;
    anne_op *op;
    uint32_t i, at = 0;
    float eps = 1e-3f;
    uint32_t eps_bits;
    anne_status st;
    *bytes = NULL;
    *size = 0;
    for (i = 0; i < sizeof anne__weights / sizeof anne__weights[0]; i++) {
        anne__weights[i] = (float)((int)(i * 37u % 17u) - 8) / 8.0f;
    }
    memset(&g, 0, sizeof g);
    g.t[0].rank = 3, g.t[0].dims[0] = 5, g.t[0].dims[1] = 5, g.t[0].dims[2] = 2, g.t[0].dims[3] = 1;
    op = anne__gop(&g, ANNE_OP_CONV2D, 0, 0xFFFFu, 3, 5, 5, 4); /* t1, 'same' */
    anne__gwin(op, 3, 1, 1, anne__weights, 4u * 4 * 9 * 2, 4u * 4);
    op->activation = ANNE_ACT_RELU, op->param[1] = INFINITY;
    op = anne__gop(&g, ANNE_OP_ZERO_PAD2D, 1, 0xFFFFu, 3, 7, 7, 4); /* t2 */
    op->attr[0] = op->attr[1] = 1;
    op = anne__gop(&g, ANNE_OP_MAX_POOL2D, 2, 0xFFFFu, 3, 3, 3, 4); /* t3, 'valid' */
    anne__gwin(op, 2, 2, 0, NULL, 0, 0);
    op = anne__gop(&g, ANNE_OP_DEPTHWISE_CONV2D, 3, 0xFFFFu, 3, 3, 3, 4); /* t4, 'same' */
    anne__gwin(op, 3, 1, 1, anne__weights, 4u * 9 * 4, 4u * 4);
    anne__gop(&g, ANNE_OP_ADD, 4, 3, 3, 3, 3, 4); /* t5 */
    op = anne__gop(&g, ANNE_OP_CROP2D, 5, 0xFFFFu, 3, 1, 1, 4); /* t6 */
    op->attr[0] = op->attr[1] = 1;
    anne__gop(&g, ANNE_OP_UPSAMPLE2D, 6, 0xFFFFu, 3, 3, 3, 4); /* t7 */
    op = anne__gop(&g, ANNE_OP_CONCAT, 7, 5, 3, 3, 3, 8); /* t8 */
    op->attr[0] = 2;
    op = anne__gop(&g, ANNE_OP_AVG_POOL2D, 8, 0xFFFFu, 3, 2, 2, 8); /* t9, 'same': the padding after */
    anne__gwin(op, 2, 2, 0, NULL, 0, 0);
    op = anne__gop(&g, ANNE_OP_CHANNEL_AFFINE, 9, 0xFFFFu, 3, 2, 2, 8); /* t10 */
    op->kernel = op->bias = anne__weights, op->kernel_size = op->bias_size = 4u * 8;
    op = anne__gop(&g, ANNE_OP_PERMUTE, 10, 0xFFFFu, 3, 2, 2, 8); /* t11 */
    op->attr[0] = 1, op->attr[1] = 0, op->attr[2] = 2;
    anne__gop(&g, ANNE_OP_GLOBAL_MAX_POOL, 11, 0xFFFFu, 1, 8, 1, 1); /* t12 */
    anne__gop(&g, ANNE_OP_MULTIPLY, 11, 12, 3, 2, 2, 8);             /* t13: (2, 2, 8) x (8), broadcast */
    op = anne__gop(&g, ANNE_OP_PRELU, 13, 0xFFFFu, 3, 2, 2, 8);      /* t14: alpha per channel */
    op->kernel = anne__weights, op->kernel_size = 4u * 8;
    anne__gop(&g, ANNE_OP_GLOBAL_AVG_POOL, 14, 0xFFFFu, 1, 8, 1, 1); /* t15 */
    op = anne__gop(&g, ANNE_OP_LAYER_NORM, 15, 0xFFFFu, 1, 8, 1, 1); /* t16 */
    memcpy(&eps_bits, &eps, sizeof eps_bits);
    op->attr[0] = (uint16_t)(eps_bits & 0xFFFFu), op->attr[1] = (uint16_t)(eps_bits >> 16);
    op->kernel = anne__weights, op->kernel_size = 4u * 8;
    op = anne__gop(&g, ANNE_OP_DENSE, 16, 0xFFFFu, 1, 3, 1, 1); /* t17 */
    op->kernel = anne__weights, op->kernel_size = 4u * 3 * 8, op->bias = anne__weights, op->bias_size = 4u * 3;
    op->activation = ANNE_ACT_SOFTMAX;
    for (i = 0; i <= g.n; i++) { /* every tensor in a place of its own */
        g.t[i].dtype = ANNE_DTYPE_F32;
        g.t[i].offset = at;
        at += 4u * g.t[i].dims[0] * g.t[i].dims[1] * g.t[i].dims[2];
    }
    memset(&d, 0, sizeof d);
    d.name = "graph_sample";
    d.n_tensors = (uint16_t)(g.n + 1u), d.tensors = g.t, d.n_ops = g.n, d.ops = g.op, d.arena_bytes = at;
    st = anne_graph_write(&d, NULL, 0, size);
    if (st != ANNE_OK) return st;
    *bytes = malloc(*size);
    if (*bytes == NULL) return ANNE_ERR_BUFFER_TOO_SMALL;
    st = anne_graph_write(&d, *bytes, *size, size);
    if (st != ANNE_OK) {
        free(*bytes);
        *bytes = NULL;
    }
    return st;
}
