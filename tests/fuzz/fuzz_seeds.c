/* Writes a few valid models into a directory as the fuzzer's seed corpus: every section kind,
 * biases present and absent, one and several layers, and a graph model (format 2) with most op kinds.
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
