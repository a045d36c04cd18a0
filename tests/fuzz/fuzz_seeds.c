/* Writes a few valid models into a directory as the fuzzer's seed corpus: every section kind,
 * biases present and absent, one and several layers, a graph model (format 2) with most op kinds, and a
 * recurrent one.
 * Usage: fuzz_seeds DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "sample_graph.h"

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

/* the graph model of tests/sample_graph.c: 14 ops of 13 kinds */
static int anne__write_graph_seed(const char *dir) {
    void *buf = NULL;
    size_t size = 0;
    int ok = anne_sample_graph(&buf, &size) == ANNE_OK;
    return anne__save(dir, "graph.anne", buf, size, ok);
}

/* a recurrent graph: (4, 3) -> LSTM with sequences (4, 2) -> GRU reset_after, go_backwards (3); each op's
 * scratch planned by hand (the LSTM's after both of its tensors, the GRU's after its input) */
static int anne__write_rnn_seed(const char *dir) {
    static float w[8 * 5 + 8 + 9 * 5 + 18];
    anne_tensor t[3];
    anne_op op[2];
    anne_graph_desc d;
    size_t i, size = 0;
    void *buf;
    int ok;
    for (i = 0; i < sizeof w / sizeof w[0]; i++) w[i] = 0.05f * (float)((int)(i % 13u) - 6);
    memset(t, 0, sizeof t);
    memset(op, 0, sizeof op);
    for (i = 0; i < 3; i++) t[i].dims[0] = t[i].dims[1] = t[i].dims[2] = t[i].dims[3] = 1;
    t[0].rank = 2, t[0].dims[0] = 4, t[0].dims[1] = 3, t[0].offset = 0;
    t[1].rank = 2, t[1].dims[0] = 4, t[1].dims[1] = 2, t[1].offset = 48;
    t[2].rank = 1, t[2].dims[0] = 3, t[2].offset = 0;
    op[0].kind = ANNE_OP_LSTM, op[0].n_inputs = 1, op[0].output = 1;
    op[0].kernel = w, op[0].kernel_size = 4u * 8u * 5u, op[0].bias = w + 40, op[0].bias_size = 4u * 8u;
    op[0].attr[1] = ANNE_ACT_TANH, op[0].attr[2] = ANNE_ACT_HARD_SIGMOID, op[0].attr[4] = 80;
    op[1].kind = ANNE_OP_GRU, op[1].n_inputs = 1, op[1].inputs[0] = 1, op[1].output = 2;
    op[1].kernel = w + 48, op[1].kernel_size = 4u * 9u * 5u, op[1].bias = w + 93, op[1].bias_size = 4u * 18u;
    op[1].attr[0] = ANNE_RNN_GO_BACKWARDS | ANNE_RNN_RESET_AFTER;
    op[1].attr[1] = ANNE_ACT_TANH, op[1].attr[2] = ANNE_ACT_SIGMOID, op[1].attr[4] = 80;
    memset(&d, 0, sizeof d);
    d.n_tensors = 3, d.tensors = t, d.n_ops = 2, d.ops = op, d.arena_bytes = 176;
    ok = anne_graph_write(&d, NULL, 0, &size) == ANNE_OK;
    buf = ok ? malloc(size) : NULL; /* malloc: aligned for any object, so 4-aligned */
    ok = buf != NULL && anne_graph_write(&d, buf, size, &size) == ANNE_OK;
    return anne__save(dir, "rnn.anne", buf, size, ok);
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
    ok &= anne__write_rnn_seed(argv[1]);
    return ok ? 0 : 1;
}
