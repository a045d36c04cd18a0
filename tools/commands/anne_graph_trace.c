/* Every tensor of a graph model for one input: the model written again with no place shared, then run
 * once (anne_graph_trace.h). */
#include "anne_graph_trace.h"

#include <stdlib.h>
#include <string.h>

#include "anne_graph_info.h"
#include "anne_quant.h"

/* The description of m with tensor i at the sum of the sizes of tensors 0 .. i-1. Pointers into m. */
static int anne__separate_places(const anne_model *m, anne_graph_desc *d, anne_tensor *tensors, anne_op *ops,
                                 const char **classes, uint16_t *outputs, anne_error *err) {
    uint64_t at = 0, end = 0;
    uint16_t i;
    anne_model_io io;
    for (i = 0; i < m->n_tensors; i++) {
        if (anne_model_tensor(m, i, &tensors[i]) != ANNE_OK) {
            return anne_error_set(err, "tensor %u: cannot be read", (unsigned)i);
        }
        tensors[i].offset = (uint32_t)at;
        end = at + (tensors[i].dtype == ANNE_DTYPE_S8 ? 1u : 4u) * (uint64_t)anne_graph_tensor_values(&tensors[i]);
        /* int8 tensors take a byte a value, each place 4-aligned; the arena ends where the last one does */
        at += tensors[i].dtype == ANNE_DTYPE_S8 ? ((uint64_t)anne_graph_tensor_values(&tensors[i]) + 3u) & ~(uint64_t)3u
                                                : 4u * (uint64_t)anne_graph_tensor_values(&tensors[i]);
        if (at > UINT32_MAX - 3u) {
            return anne_error_set(err, "the model's tensors hold more than 4 GiB side by side: too large to trace");
        }
    }
    for (i = 0; i < m->n_ops; i++) {
        uint32_t scratch;
        if (anne_model_op(m, i, &ops[i]) != ANNE_OK) return anne_error_set(err, "op %u: cannot be read", i + 1u);
        /* a recurrent op's scratch: after every tensor, one place for all (one op runs at a time) */
        scratch = 4u * ANNE_RNN_SCRATCH_PER_UNIT(ops[i].kind) * tensors[ops[i].output].dims[tensors[ops[i].output].rank - 1u];
        if (scratch == 0) continue;
        ops[i].attr[4] = (uint16_t)(at & 0xFFFFu);
        ops[i].attr[5] = (uint16_t)(at >> 16);
        if (at + scratch > end) end = at + scratch;
    }
    for (i = 0; i < m->n_classes; i++) classes[i] = anne_model_class_name(m, i);
    memset(d, 0, sizeof *d);
    d->name = m->name;
    d->n_tensors = m->n_tensors;
    d->tensors = tensors;
    d->n_ops = m->n_ops;
    d->ops = ops;
    d->arena_bytes = (uint32_t)end;
    d->scaling = m->scaling;
    d->n_classes = m->n_classes;
    d->class_names = classes;
    d->n_input_tensors = m->n_input_tensors;
    d->n_output_tensors = m->n_output_tensors;
    for (i = 0; i < m->n_output_tensors && anne_model_output(m, i, &io) == ANNE_OK; i++) outputs[i] = io.tensor;
    d->outputs = outputs;
    return 0;
}

int anne_graph_trace_open(anne_graph_trace *t, const anne_model *m, anne_error *err) {
    anne_tensor *tensors;
    anne_op *ops;
    const char **classes;
    anne_graph_desc d;
    uint16_t outputs[ANNE_MAX_MODEL_IO];
    anne_status st = ANNE_OK;
    int rc;
    memset(t, 0, sizeof *t);
    if (m->op_table == NULL) return anne_error_set(err, "not a graph model");
    tensors = calloc(m->n_tensors, sizeof *tensors);
    ops = calloc(m->n_ops, sizeof *ops);
    classes = calloc((size_t)m->n_classes + 1u, sizeof *classes);
    rc = tensors == NULL || ops == NULL || classes == NULL ? anne_error_set(err, "out of memory")
                                                           : anne__separate_places(m, &d, tensors, ops, classes, outputs, err);
    if (rc == 0) st = anne_graph_write(&d, NULL, 0, &t->size);
    if (rc == 0 && st == ANNE_OK) {
        t->bytes = malloc(t->size); /* malloc's memory is aligned for the loader */
        t->arena = malloc(d.arena_bytes + 4u);
        /* an int8 graph's tensors, dequantized after the run: 4 bytes for each byte of the arena */
        t->dequantized = m->tensor_quant != NULL ? malloc(4u * (size_t)d.arena_bytes + 4u) : NULL;
        if (t->bytes == NULL || t->arena == NULL || (m->tensor_quant != NULL && t->dequantized == NULL)) {
            rc = anne_error_set(err, "out of memory");
        }
    }
    if (rc == 0 && st == ANNE_OK) st = anne_graph_write(&d, t->bytes, t->size, &t->size);
    if (rc == 0 && st == ANNE_OK) st = anne_model_load(&t->model, t->bytes, t->size);
    if (rc == 0 && st != ANNE_OK) {
        rc = anne_error_set(err, "internal error: the model with a place for every tensor does not load: %s",
                            anne_status_str(st));
    }
    free(tensors);
    free(ops);
    free(classes);
    if (rc != 0) anne_graph_trace_close(t);
    return rc;
}

int anne_graph_trace_run(anne_graph_trace *t, float *output, const float *input, anne_error *err) {
    anne_status st = anne_model_predict(&t->model, output, input, t->arena, anne_model_arena_size(&t->model));
    uint16_t i;
    uint32_t k;
    if (st != ANNE_OK) return anne_error_set(err, "running the model failed: %s", anne_status_str(st));
    for (i = 0; t->dequantized != NULL && i < t->model.n_tensors; i++) { /* real = scale * (q - zero point) */
        anne_tensor x;
        const int8_t *q;
        if (anne_model_tensor(&t->model, i, &x) != ANNE_OK) continue;
        q = (const int8_t *)t->arena + x.offset;
        for (k = 0; k < anne_graph_tensor_values(&x); k++) {
            t->dequantized[x.offset + k] = anne_s8_dequantize(q[k], x.scale, x.zero_point);
        }
    }
    return 0;
}

const float *anne_graph_trace_values(const anne_graph_trace *t, uint16_t index, anne_tensor *tensor) {
    if (anne_model_tensor(&t->model, index, tensor) != ANNE_OK) return NULL;
    return t->dequantized != NULL ? t->dequantized + tensor->offset : t->arena + tensor->offset / 4u;
}

void anne_graph_trace_close(anne_graph_trace *t) {
    if (t == NULL) return;
    free(t->bytes);
    free(t->arena);
    free(t->dequantized);
    memset(t, 0, sizeof *t);
}
