/* Writes a few valid models into a directory as the fuzzer's seed corpus: every section kind,
 * biases present and absent, one and several layers, and a graph model (format 2) with most op kinds.
 * Usage: fuzz_seeds DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"

/* Writes size bytes of buf (malloc'd, freed here; NULL: writing failed) to dir/file. */
static int anne__save(const char *dir, const char *file, void *buf, size_t size, int ok) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    f = ok && buf != NULL ? fopen(path, "wb") : NULL;
    ok = f != NULL && fwrite(buf, 1, size, f) == size;
    if (f != NULL && fclose(f) != 0) ok = 0;
    free(buf);
    if (!ok) fprintf(stderr, "fuzz_seeds: cannot write %s\n", path);
    return ok;
}

static int anne__write_seed(const char *dir, const char *file, const anne_model_desc *d) {
    size_t size = 0;
    void *buf;
    if (anne_model_write(d, NULL, 0, &size) != ANNE_OK || (buf = malloc(size)) == NULL) return 0;
    return anne__save(dir, file, buf, size, anne_model_write(d, buf, size, &size) == ANNE_OK);
}

static anne_layer anne__dense(anne_activation act, uint16_t n_in, uint16_t n_out, const float *k, const float *b) {
    anne_layer l;
    memset(&l, 0, sizeof l);
    l.kind = ANNE_LAYER_DENSE;
    l.dtype = ANNE_DTYPE_F32;
    l.activation = act;
    l.n_in = n_in;
    l.n_out = n_out;
    l.kernel = k;
    l.bias = b;
    if (act == ANNE_ACT_RELU) l.param[1] = INFINITY;
    return l;
}

/* ---- a graph model: (6, 6, 2) through 14 ops of 13 kinds to 3 softmax outputs ------------------- */

typedef struct anne__gseed {
    anne_tensor t[15];
    anne_op op[14];
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

static int anne__write_graph_seed(const char *dir) {
    anne__gseed g;
    anne_graph_desc d;
    anne_op *op;
    uint32_t i, at = 0;
    size_t size = 0;
    void *buf;
    float eps = 1e-3f;
    uint32_t eps_bits;
    for (i = 0; i < sizeof anne__weights / sizeof anne__weights[0]; i++) {
        anne__weights[i] = (float)((int)(i * 37u % 17u) - 8) / 8.0f;
    }
    memset(&g, 0, sizeof g);
    g.t[0].rank = 3, g.t[0].dims[0] = 6, g.t[0].dims[1] = 6, g.t[0].dims[2] = 2, g.t[0].dims[3] = 1;
    op = anne__gop(&g, ANNE_OP_CONV2D, 0, 0xFFFFu, 3, 6, 6, 4); /* t1, 'same' */
    anne__gwin(op, 3, 1, 1, anne__weights, 4u * 4 * 9 * 2, 4u * 4);
    op->activation = ANNE_ACT_RELU, op->param[1] = INFINITY;
    op = anne__gop(&g, ANNE_OP_ZERO_PAD2D, 1, 0xFFFFu, 3, 8, 8, 4); /* t2 */
    op->attr[0] = op->attr[1] = 1;
    op = anne__gop(&g, ANNE_OP_MAX_POOL2D, 2, 0xFFFFu, 3, 4, 4, 4); /* t3 */
    anne__gwin(op, 2, 2, 0, NULL, 0, 0);
    op = anne__gop(&g, ANNE_OP_DEPTHWISE_CONV2D, 3, 0xFFFFu, 3, 4, 4, 4); /* t4 */
    anne__gwin(op, 3, 1, 1, anne__weights, 4u * 9 * 4, 4u * 4);
    anne__gop(&g, ANNE_OP_ADD, 4, 3, 3, 4, 4, 4); /* t5 */
    op = anne__gop(&g, ANNE_OP_CROP2D, 5, 0xFFFFu, 3, 2, 2, 4); /* t6 */
    op->attr[0] = op->attr[1] = 1;
    anne__gop(&g, ANNE_OP_UPSAMPLE2D, 6, 0xFFFFu, 3, 4, 4, 4); /* t7 */
    op = anne__gop(&g, ANNE_OP_CONCAT, 7, 5, 3, 4, 4, 8); /* t8 */
    op->attr[0] = 2;
    op = anne__gop(&g, ANNE_OP_AVG_POOL2D, 8, 0xFFFFu, 3, 2, 2, 8); /* t9 */
    anne__gwin(op, 2, 2, 0, NULL, 0, 0);
    op = anne__gop(&g, ANNE_OP_CHANNEL_AFFINE, 9, 0xFFFFu, 3, 2, 2, 8); /* t10 */
    op->kernel = op->bias = anne__weights, op->kernel_size = op->bias_size = 4u * 8;
    op = anne__gop(&g, ANNE_OP_PERMUTE, 10, 0xFFFFu, 3, 2, 2, 8); /* t11 */
    op->attr[0] = 1, op->attr[1] = 0, op->attr[2] = 2;
    anne__gop(&g, ANNE_OP_GLOBAL_MAX_POOL, 11, 0xFFFFu, 1, 8, 1, 1); /* t12 */
    op = anne__gop(&g, ANNE_OP_LAYER_NORM, 12, 0xFFFFu, 1, 8, 1, 1); /* t13 */
    memcpy(&eps_bits, &eps, sizeof eps_bits);
    op->attr[0] = (uint16_t)(eps_bits & 0xFFFFu), op->attr[1] = (uint16_t)(eps_bits >> 16);
    op->kernel = anne__weights, op->kernel_size = 4u * 8;
    op = anne__gop(&g, ANNE_OP_DENSE, 13, 0xFFFFu, 1, 3, 1, 1); /* t14 */
    op->kernel = anne__weights, op->kernel_size = 4u * 3 * 8, op->bias = anne__weights, op->bias_size = 4u * 3;
    op->activation = ANNE_ACT_SOFTMAX;
    for (i = 0; i <= g.n; i++) { /* every tensor in a place of its own */
        g.t[i].dtype = ANNE_DTYPE_F32;
        g.t[i].offset = at;
        at += 4u * g.t[i].dims[0] * g.t[i].dims[1] * g.t[i].dims[2];
    }
    memset(&d, 0, sizeof d);
    d.name = "graph";
    d.n_tensors = (uint16_t)(g.n + 1u), d.tensors = g.t, d.n_ops = g.n, d.ops = g.op, d.arena_bytes = at;
    if (anne_graph_write(&d, NULL, 0, &size) != ANNE_OK || (buf = malloc(size)) == NULL) return 0;
    return anne__save(dir, "graph.anne", buf, size, anne_graph_write(&d, buf, size, &size) == ANNE_OK);
}

int main(int argc, char **argv) {
    static const float k1[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, b1[2] = {0.0f, 0.1f};
    static const float k2[2] = {0.5f, -0.5f}, b2[1] = {0.2f};
    static const float k3[6] = {1, -1, 2, -2, 3, -3}, b3[3] = {0.5f, 0.0f, -0.5f};
    static const float mean[4] = {6.262f, 2.872f, 4.906f, 1.676f}, sd[4] = {0.6595f, 0.3311f, 0.8214f, 0.4226f};
    static const float lo[2] = {0, -1}, hi[2] = {1, 1};
    static const char *const two[2] = {"versicolor", "virginica"}, *const three[3] = {"a", "bb", "ccc"};
    anne_layer l[2];
    anne_model_desc d;
    int ok = 1;
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    /* the example: 4 -> 2 relu -> 1 sigmoid, standardized, class names and a name */
    memset(&d, 0, sizeof d);
    l[0] = anne__dense(ANNE_ACT_RELU, 4, 2, k1, b1);
    l[1] = anne__dense(ANNE_ACT_SIGMOID, 2, 1, k2, b2);
    d.name = "iris_8_neurons";
    d.n_inputs = 4;
    d.n_layers = 2;
    d.layers = l;
    d.scaling.kind = ANNE_SCALING_STANDARDIZE;
    d.scaling.a = mean;
    d.scaling.b = sd;
    d.n_classes = 2;
    d.class_names = two;
    ok &= anne__write_seed(argv[1], "iris.anne", &d);
    /* bare: one layer, no bias, no optional section */
    memset(&d, 0, sizeof d);
    l[0] = anne__dense(ANNE_ACT_TANH, 4, 2, k1, NULL);
    d.n_inputs = 4;
    d.n_layers = 1;
    d.layers = l;
    ok &= anne__write_seed(argv[1], "bare.anne", &d);
    /* min-max scaling, softmax over three named classes, leaky relu parameter */
    memset(&d, 0, sizeof d);
    l[0] = anne__dense(ANNE_ACT_SOFTMAX, 2, 3, k3, b3);
    d.name = "m";
    d.n_inputs = 2;
    d.n_layers = 1;
    d.layers = l;
    d.scaling.kind = ANNE_SCALING_MINMAX;
    d.scaling.a = lo;
    d.scaling.b = hi;
    d.n_classes = 3;
    d.class_names = three;
    ok &= anne__write_seed(argv[1], "softmax.anne", &d);
    ok &= anne__write_graph_seed(argv[1]);
    return ok ? 0 : 1;
}
