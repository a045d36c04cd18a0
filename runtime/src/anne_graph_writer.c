/* The graph model writer (format 2): serializes tensors, ops and their weights into caller memory, then
 * has the loader check the bytes it wrote, so that every file it returns loads. */
#include <string.h>

#include "anne.h"
#include "anne_graph_format.h"
#include "anne_writer_parts.h"

/* Where each part goes; computed once, used to size and then to write. */
typedef struct anne__gplan {
    uint32_t n_sections;
    uint32_t tensors_off, tensors_size;
    uint32_t ops_off, ops_size;
    uint32_t quant_off, quant_size; /* int8 graphs only */
    anne__extras extras;
    uint32_t weights_off, weights_size;
    uint32_t total;
} anne__gplan;

/* Input tensors, and output tensors, of a description: 0 means 1. */
static uint32_t anne__n_inputs(const anne_graph_desc *d) {
    return d->n_input_tensors > 1u ? d->n_input_tensors : 1u;
}
static uint32_t anne__n_outputs(const anne_graph_desc *d) {
    return d->n_output_tensors > 1u ? d->n_output_tensors : 1u;
}

/* Whether the description is an int8 graph (its tensors S8; the loader holds the others to tensor 0's). */
static int anne__desc_s8(const anne_graph_desc *d) {
    return d->tensors[0].dtype == ANNE_DTYPE_S8;
}

/* Tensor index of output k: the list's, or the last tensor. */
static uint32_t anne__output(const anne_graph_desc *d, uint32_t k) {
    return d->outputs != NULL ? d->outputs[k] : d->n_tensors - 1u;
}

/* The values of the inputs (outputs: 1) side by side; 0x10000 when more than 65535 (or an index is out
 * of range, which the loader then names). */
static uint32_t anne__row(const anne_graph_desc *d, int outputs) {
    uint32_t k, t, n = 0, count = outputs ? anne__n_outputs(d) : anne__n_inputs(d);
    for (k = 0; k < count; k++) {
        t = outputs ? anne__output(d, k) : k;
        if (t >= d->n_tensors) return 0x10000u;
        n += anne__tensor_values(&d->tensors[t]) > 0xFFFFu ? 0x10000u : anne__tensor_values(&d->tensors[t]);
        if (n > 0xFFFFu) return 0x10000u;
    }
    return n;
}

/* What the loader cannot check on bytes that are not written yet: counts, and pointers that the sizes
 * say are there. The rest is the loader's, on the written bytes. */
static anne_status anne__check_gdesc(const anne_graph_desc *d) {
    uint32_t i, n_in, n_out;
    if (d->tensors == NULL || d->ops == NULL) return ANNE_ERR_NULL_ARG;
    if (d->n_input_tensors > ANNE_MAX_MODEL_IO || d->n_output_tensors > ANNE_MAX_MODEL_IO) return ANNE_ERR_BAD_ARG;
    if (d->n_output_tensors > 1u && d->outputs == NULL) return ANNE_ERR_NULL_ARG;
    /* one output is the last tensor (the format has no list for one) */
    if (anne__n_outputs(d) == 1u && d->outputs != NULL && d->outputs[0] + 1u != d->n_tensors) return ANNE_ERR_BAD_ARG;
    if (d->n_ops == 0 || d->n_ops > ANNE_MAX_LAYERS || d->n_tensors != d->n_ops + anne__n_inputs(d)) {
        return ANNE_ERR_BAD_ARG;
    }
    for (i = 0; i < d->n_ops; i++) {
        const anne_op *op = &d->ops[i];
        if ((op->kernel_size != 0 && op->kernel == NULL) || (op->bias_size != 0 && op->bias == NULL) ||
            (op->aux_size != 0 && op->aux == NULL)) {
            return ANNE_ERR_NULL_ARG;
        }
        /* float or int32 arrays; an int8 kernel has any size (padded to 4 in the file); aux: int8 only */
        if (((anne__desc_s8(d) ? 0u : op->kernel_size) | op->bias_size) & 3u) return ANNE_ERR_BAD_LAYER;
        if (op->aux_size != 0 && !anne__desc_s8(d)) return ANNE_ERR_BAD_LAYER;
    }
    n_in = anne__row(d, 0);
    n_out = anne__row(d, 1);
    if (n_in > 0xFFFFu || n_out > 0xFFFFu) return ANNE_ERR_SHAPE;
    /* class names name the values of the first output (a model's other outputs: regressions, ...) */
    return anne__check_extras(&d->scaling, n_in, anne__tensor_values(&d->tensors[anne__output(d, 0)]), d->n_classes,
                              d->class_names);
}

static anne_status anne__make_gplan(const anne_graph_desc *d, anne__gplan *p) {
    uint32_t i, at, n_in = anne__row(d, 0);
    anne_status st;
    memset(p, 0, sizeof *p);
    p->n_sections = 3u + (anne__desc_s8(d) ? 1u : 0u) + anne__extras_count(&d->scaling, d->n_classes, d->name);
    at = ANNE__HDR_SIZE + p->n_sections * ANNE__SEC_ENTRY_SIZE;
    p->tensors_off = at;
    p->tensors_size = ANNE__TENSORS_HDR_SIZE + (uint32_t)d->n_tensors * ANNE__TENSOR_SIZE;
    at += p->tensors_size;
    p->ops_off = at;
    p->ops_size = ANNE__OPS_HDR_SIZE + (uint32_t)d->n_ops * ANNE__OP_SIZE;
    if (anne__n_outputs(d) > 1u) p->ops_size += anne__pad4(2u * anne__n_outputs(d)); /* the output list */
    at += p->ops_size;
    if (anne__desc_s8(d)) {
        p->quant_off = at;
        p->quant_size = (uint32_t)d->n_tensors * ANNE__QUANT_SIZE;
        at += p->quant_size;
    }
    st = anne__plan_extras(&p->extras, &at, &d->scaling, n_in, d->n_classes, d->class_names, d->name);
    if (st != ANNE_OK) return st;
    p->weights_off = at;
    for (i = 0; i < d->n_ops; i++) {
        /* each array 4-aligned: an int8 kernel padded */
        if (!anne__grow(&p->weights_size, anne__pad4(d->ops[i].kernel_size)) ||
            !anne__grow(&p->weights_size, d->ops[i].bias_size) || !anne__grow(&p->weights_size, anne__pad4(d->ops[i].aux_size))) {
            return ANNE_ERR_BAD_ARG;
        }
    }
    p->total = at;
    return anne__grow(&p->total, p->weights_size) ? ANNE_OK : ANNE_ERR_BAD_ARG;
}

static void anne__write_tensors(uint8_t *s, const anne_graph_desc *d) {
    uint32_t i, k;
    anne__wr16(s, d->n_tensors);
    anne__wr16(s + 2u, (uint16_t)(anne__n_inputs(d) > 1u ? anne__n_inputs(d) : 0u)); /* one input: 0, as 2.0 */
    anne__wr32(s + 4u, d->arena_bytes);
    for (i = 0; i < d->n_tensors; i++) {
        const anne_tensor *t = &d->tensors[i];
        uint8_t *rec = s + ANNE__TENSORS_HDR_SIZE + i * ANNE__TENSOR_SIZE;
        rec[ANNE__T_DTYPE] = (uint8_t)t->dtype;
        rec[ANNE__T_RANK] = t->rank;
        for (k = 0; k < ANNE_MAX_RANK; k++) anne__wr16(rec + ANNE__T_DIMS + 2u * k, t->dims[k]);
        anne__wr32(rec + ANNE__T_OFFSET, t->offset);
    }
}

/* The QUANT section of an int8 graph: each tensor's scale and zero point. */
static void anne__write_quant(uint8_t *s, const anne_graph_desc *d) {
    uint32_t i;
    for (i = 0; i < d->n_tensors; i++) {
        anne__wrf32(s + i * ANNE__QUANT_SIZE, d->tensors[i].scale);
        anne__wr32(s + i * ANNE__QUANT_SIZE + 4u, (uint32_t)d->tensors[i].zero_point);
    }
}

/* An op's weight array into the weights section at *w (advanced, to a multiple of 4); its offset and
 * size into the record (field; 0: only the offset, into attr[8..9], for an aux record). Float32 graphs'
 * arrays are floats; an int8 graph's are already in file layout (int8 kernel, int32 bias, aux record)
 * and copied as they are. */
static void anne__write_array(uint8_t *rec, uint32_t field, uint8_t *weights, uint32_t *w, const void *src,
                              uint32_t size, int raw) {
    if (size == 0) return;
    anne__wr32(rec + field, *w);
    if (field != ANNE__O_AUX_OFF) anne__wr32(rec + field + 4u, size);
    if (raw) memcpy(weights + *w, src, size);
    else anne__write_floats(weights + *w, (const float *)src, size / 4u);
    *w += anne__pad4(size);
}

static void anne__write_ops(uint8_t *s, uint8_t *weights, const anne_graph_desc *d) {
    uint32_t i, k, w = 0;
    anne__wr16(s, d->n_ops);
    if (anne__n_outputs(d) > 1u) { /* one output: 0 and no list, as 2.0 */
        anne__wr16(s + 2u, (uint16_t)anne__n_outputs(d));
        for (k = 0; k < anne__n_outputs(d); k++) {
            anne__wr16(s + ANNE__OPS_HDR_SIZE + (uint32_t)d->n_ops * ANNE__OP_SIZE + 2u * k, (uint16_t)anne__output(d, k));
        }
    }
    for (i = 0; i < d->n_ops; i++) {
        const anne_op *op = &d->ops[i];
        uint8_t *rec = s + ANNE__OPS_HDR_SIZE + i * ANNE__OP_SIZE;
        rec[ANNE__O_KIND] = (uint8_t)op->kind;
        rec[ANNE__O_ACT] = (uint8_t)op->activation;
        rec[ANNE__O_N_INPUTS] = op->n_inputs;
        for (k = 0; k < ANNE_MAX_OP_INPUTS; k++) anne__wr16(rec + ANNE__O_INPUTS + 2u * k, op->inputs[k]);
        anne__wr16(rec + ANNE__O_OUTPUT, op->output);
        for (k = 0; k < 3u; k++) anne__wrf32(rec + ANNE__O_PARAM + 4u * k, op->param[k]);
        for (k = 0; k < 10u; k++) anne__wr16(rec + ANNE__O_ATTR + 2u * k, op->attr[k]);
        anne__write_array(rec, ANNE__O_KERNEL_OFF, weights, &w, op->kernel, op->kernel_size, anne__desc_s8(d));
        anne__write_array(rec, ANNE__O_BIAS_OFF, weights, &w, op->bias, op->bias_size, anne__desc_s8(d));
        if (anne__desc_s8(d)) anne__wr32(rec + ANNE__O_AUX_OFF, 0); /* attr[8..9]: the aux record's, or 0 */
        anne__write_array(rec, ANNE__O_AUX_OFF, weights, &w, op->aux, op->aux_size, 1);
    }
}

anne_status anne_graph_write(const anne_graph_desc *desc, void *buf, size_t cap, size_t *size_out) {
    anne__gplan p;
    anne_status st;
    anne_model check;
    uint8_t *b = (uint8_t *)buf;
    uint32_t sec = 0;
    if (desc == NULL || size_out == NULL) return ANNE_ERR_NULL_ARG;
    *size_out = 0;
    st = anne__check_gdesc(desc);
    if (st != ANNE_OK) return st;
    st = anne__make_gplan(desc, &p);
    if (st != ANNE_OK) return st;
    *size_out = p.total;
    if (buf == NULL) return ANNE_OK;
    if (cap < p.total) return ANNE_ERR_BUFFER_TOO_SMALL;
    if (((uintptr_t)buf & 3u) != 0) return ANNE_ERR_ALIGNMENT;

    /* 2.1 only for what 2.0 cannot say: a model with one input and one output stays readable by 2.0 */
    anne__write_header(b, p.total, ANNE_FORMAT_GRAPH_MAJOR,
                       anne__desc_s8(desc)                                        ? ANNE_FORMAT_GRAPH_S8_MINOR
                       : anne__n_inputs(desc) > 1u || anne__n_outputs(desc) > 1u ? ANNE_FORMAT_GRAPH_MINOR
                                                                                  : 0u,
                       p.n_sections);
    anne__write_section(b, &sec, ANNE__SEC_TENSORS, p.tensors_off, p.tensors_size);
    anne__write_tensors(b + p.tensors_off, desc);
    anne__write_section(b, &sec, ANNE__SEC_OPS, p.ops_off, p.ops_size);
    anne__write_ops(b + p.ops_off, b + p.weights_off, desc);
    if (p.quant_size != 0) {
        anne__write_section(b, &sec, ANNE__SEC_QUANT, p.quant_off, p.quant_size);
        anne__write_quant(b + p.quant_off, desc);
    }
    anne__write_extras(b, &sec, &p.extras, &desc->scaling, anne__row(desc, 0), desc->n_classes,
                       desc->class_names, desc->name);
    anne__write_section(b, &sec, ANNE__SEC_WEIGHTS, p.weights_off, p.weights_size);
    anne__wr32(b + ANNE__HDR_CRC, anne__file_crc(b, p.total));
    /* shapes, attributes, values and the memory plan: the loader's own checks, on the bytes written */
    return anne_model_load(&check, b, p.total);
}
