/* libFuzzer entry point for the model loader: any bytes must give a status, never a crash or an
 * out-of-bounds read. Built by tests/cli/fuzz_loader.sh with -DANNE_CONFIG_CHECK_CRC=0 so that
 * mutated inputs reach the structure checks instead of stopping at the checksum. */
#include <stdlib.h>
#include <string.h>

#include "anne.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a model that loaded must allow: every layer (dense chains) or op and tensor (graphs) decodes,
 * every tensor lies in the arena, every class name is reachable, and prediction in exactly
 * anne_model_arena_size() bytes returns OK. */
static void anne__fuzz_run(const anne_model *m) {
    uint32_t arena_size = anne_model_arena_size(m);
    /* a graph model's tensors may legitimately need more than the fuzzer's memory limit (an upsampling
     * to 2^24 values): such a model is checked by the loader, but not run */
    if (arena_size > (64u << 20)) return;
    float *in = malloc((size_t)m->n_inputs * sizeof *in);
    float *out = malloc((size_t)m->n_outputs * sizeof *out);
    void *arena = malloc(arena_size);
    uint16_t i;
    if (in == NULL || out == NULL || arena == NULL) abort();
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        if (anne_model_layer(m, i, &l) != ANNE_OK) abort();
    }
    for (i = 0; i < m->n_ops; i++) { /* graph models: every op and tensor decodes */
        anne_op op;
        if (anne_model_op(m, i, &op) != ANNE_OK) abort();
    }
    for (i = 0; i < m->n_tensors; i++) {
        anne_tensor t;
        if (anne_model_tensor(m, i, &t) != ANNE_OK || t.offset + 4u * t.dims[0] * t.dims[1] * t.dims[2] * t.dims[3] >
                                                           arena_size) {
            abort();
        }
    }
    for (i = 0; i < m->n_classes; i++) {
        if (anne_model_class_name(m, i) == NULL) abort();
    }
    if (m->name == NULL || strlen(m->name) >= m->size) abort();
    for (i = 0; i < m->n_inputs; i++) in[i] = (float)(i % 7) - 3.0f;
    if (anne_model_predict(m, out, in, arena, arena_size) != ANNE_OK) abort();
    free(in);
    free(out);
    free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* a heap copy of exactly `size` bytes, so ASan catches a read past the end (malloc aligns to 16) */
    uint8_t *copy = malloc(size ? size : 1);
    anne_model m;
    anne_status st;
    if (copy == NULL) return 0;
    if (size) memcpy(copy, data, size);
    st = anne_model_load(&m, copy, size);
    if (st == ANNE_OK) {
        anne__fuzz_run(&m);
    } else {
        static const anne_model zero;
        if ((unsigned)st >= (unsigned)ANNE_STATUS_COUNT || memcmp(&m, &zero, sizeof m) != 0) abort();
    }
    free(copy);
    return 0;
}
