/* Where a model's inputs and outputs are: each one's shape, and its place in the flat rows that
 * anne_model_predict() takes and gives (a graph model's inputs and outputs back to back, in order). */
#include "anne.h"
#include "anne_graph_format.h"

/* Tensor `index` of a graph model (or a dense chain's row of `values`) into *io, whose first is set. */
static void anne__io_of(const anne_model *m, uint32_t index, uint32_t values, anne_model_io *io) {
    uint32_t k;
    io->tensor = (uint16_t)index;
    if (m->tensor_table == NULL) { /* a dense chain: one row */
        io->rank = 1;
        io->dims[0] = (uint16_t)values;
        for (k = 1; k < ANNE_MAX_RANK; k++) io->dims[k] = 1;
        io->tensor = 0;
    } else {
        anne_tensor t;
        anne__tensor_decode(m->tensor_table + index * ANNE__TENSOR_SIZE, &t);
        io->rank = t.rank;
        for (k = 0; k < ANNE_MAX_RANK; k++) io->dims[k] = t.dims[k];
    }
    io->values = (uint32_t)io->dims[0] * io->dims[1] * io->dims[2] * io->dims[3];
}

/* Input k (outputs: 0) or output k (outputs: 1). */
static anne_status anne__io(const anne_model *m, uint16_t k, anne_model_io *io, int outputs) {
    uint32_t j, first = 0;
    if (m == NULL || io == NULL || (m->layer_table == NULL && m->tensor_table == NULL)) return ANNE_ERR_NULL_ARG;
    if (m->tensor_table == NULL) { /* a dense chain (also as generated C, which leaves the counts 0) */
        if (k != 0) return ANNE_ERR_BAD_ARG;
        anne__io_of(m, 0, outputs ? m->n_outputs : m->n_inputs, io);
        io->first = 0;
        return ANNE_OK;
    }
    if (k >= (outputs ? m->n_output_tensors : m->n_input_tensors)) return ANNE_ERR_BAD_ARG;
    for (j = 0; j <= k; j++) {
        anne__io_of(m, outputs ? anne__output_tensor(m, j) : j, 0, io);
        io->first = first;
        first += io->values;
    }
    return ANNE_OK;
}

anne_status anne_model_input(const anne_model *model, uint16_t k, anne_model_io *io) {
    return anne__io(model, k, io, 0);
}

anne_status anne_model_output(const anne_model *model, uint16_t k, anne_model_io *io) {
    return anne__io(model, k, io, 1);
}
