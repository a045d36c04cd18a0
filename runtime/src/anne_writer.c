/* The model writer: serializes a model description into the binary format, into caller memory.
 * Host tools use it to convert, and a board uses it to save what it has learned. It validates the
 * description as the loader would, so that every file it writes loads. */
#include <string.h>

#include "anne.h"
#include "anne_format.h"
#include "anne_quant_format.h"
#include "anne_writer_parts.h"

/* Where each part goes; computed once, used to size and then to write. */
typedef struct anne__plan {
    uint32_t n_sections;
    uint32_t graph_off, graph_size;
    anne__extras extras;
    uint32_t weights_off, weights_size;
    uint32_t total;
} anne__plan;

int anne__floats_finite(const float *x, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (!anne__finite(x[i])) return 0;
    }
    return 1;
}

/* ---- the optional sections, shared with the graph writer (anne_writer_parts.h) ---------------- */

anne_status anne__check_extras(const anne_scaling *scaling, uint32_t n_inputs, uint32_t n_outputs, uint16_t n_classes,
                               const char *const *class_names) {
    uint32_t i;
    if (scaling->kind != ANNE_SCALING_NONE) {
        if (scaling->kind != ANNE_SCALING_STANDARDIZE && scaling->kind != ANNE_SCALING_MINMAX) {
            return ANNE_ERR_BAD_SCALING;
        }
        if (scaling->a == NULL || scaling->b == NULL) return ANNE_ERR_NULL_ARG;
        if (!anne__floats_finite(scaling->a, n_inputs) || !anne__floats_finite(scaling->b, n_inputs)) {
            return ANNE_ERR_BAD_VALUE;
        }
        for (i = 0; i < n_inputs; i++) {
            if (!anne__scaling_ok((uint32_t)scaling->kind, scaling->a[i], scaling->b[i])) return ANNE_ERR_BAD_VALUE;
        }
    }
    if (n_classes != 0) {
        uint32_t expected = n_outputs == 1 ? 2u : n_outputs;
        if (n_classes != expected || n_classes > ANNE_MAX_CLASSES) return ANNE_ERR_BAD_CLASSES;
        if (class_names == NULL) return ANNE_ERR_NULL_ARG;
        for (i = 0; i < n_classes; i++) {
            if (class_names[i] == NULL || class_names[i][0] == '\0') return ANNE_ERR_BAD_CLASSES;
        }
    }
    return ANNE_OK;
}

uint32_t anne__extras_count(const anne_scaling *scaling, uint16_t n_classes, const char *name) {
    return (uint32_t)(scaling->kind != ANNE_SCALING_NONE) + (n_classes != 0) + (name != NULL && name[0] != '\0');
}

anne_status anne__plan_extras(anne__extras *e, uint32_t *at, const anne_scaling *scaling, uint32_t n_inputs,
                              uint16_t n_classes, const char *const *class_names, const char *name) {
    uint32_t i;
    uint64_t strings = 0;
    memset(e, 0, sizeof *e);
    if (scaling->kind != ANNE_SCALING_NONE) {
        e->scaling_off = *at;
        e->scaling_size = ANNE__SCALING_HDR_SIZE + 8u * n_inputs;
        *at += e->scaling_size;
    }
    if (n_classes != 0) {
        for (i = 0; i < n_classes; i++) strings += strlen(class_names[i]) + 1u;
        if (strings > 0x10000000u) return ANNE_ERR_BAD_CLASSES;
        e->classes_off = *at;
        e->classes_size = ANNE__CLASSES_HDR_SIZE + anne__pad4((uint32_t)strings);
        *at += e->classes_size;
    }
    if (name != NULL && name[0] != '\0') {
        size_t len = strlen(name) + 1u;
        if (len > 0x10000000u) return ANNE_ERR_BAD_NAME;
        e->name_off = *at;
        e->name_size = anne__pad4((uint32_t)len);
        *at += e->name_size;
    }
    return ANNE_OK;
}

void anne__write_extras(uint8_t *b, uint32_t *sec, const anne__extras *e, const anne_scaling *scaling,
                        uint32_t n_inputs, uint16_t n_classes, const char *const *class_names, const char *name) {
    uint32_t i;
    if (e->scaling_size != 0) {
        anne__write_section(b, sec, ANNE__SEC_SCALING, e->scaling_off, e->scaling_size);
        anne__wr32(b + e->scaling_off, (uint32_t)scaling->kind);
        anne__write_floats(b + e->scaling_off + ANNE__SCALING_HDR_SIZE, scaling->a, n_inputs);
        anne__write_floats(b + e->scaling_off + ANNE__SCALING_HDR_SIZE + 4u * n_inputs, scaling->b, n_inputs);
    }
    if (e->classes_size != 0) {
        uint8_t *s = b + e->classes_off + ANNE__CLASSES_HDR_SIZE;
        anne__write_section(b, sec, ANNE__SEC_CLASSES, e->classes_off, e->classes_size);
        anne__wr32(b + e->classes_off, n_classes);
        for (i = 0; i < n_classes; i++) {
            size_t len = strlen(class_names[i]) + 1u;
            memcpy(s, class_names[i], len);
            s += len;
        }
    }
    if (e->name_size != 0) {
        anne__write_section(b, sec, ANNE__SEC_NAME, e->name_off, e->name_size);
        memcpy(b + e->name_off, name, strlen(name));
    }
}

/* ---- dense chains ------------------------------------------------------------------------------ */

static uint16_t anne__desc_outputs(const anne_model_desc *d) {
    return d->layers[d->n_layers - 1].n_out;
}

static anne_status anne__check_desc(const anne_model_desc *d) {
    uint32_t i, prev = d->n_inputs;
    if (d->n_inputs == 0) return ANNE_ERR_SHAPE;
    if (d->n_layers == 0 || d->n_layers > ANNE_MAX_LAYERS) return ANNE_ERR_BAD_ARG;
    if (d->layers == NULL) return ANNE_ERR_NULL_ARG;
    for (i = 0; i < d->n_layers; i++) {
        const anne_layer *l = &d->layers[i];
        anne_status st;
        if (l->kind != ANNE_LAYER_DENSE) return ANNE_ERR_BAD_LAYER;
        if ((unsigned)l->dtype >= (unsigned)ANNE_DTYPE_COUNT || l->dtype != d->layers[0].dtype) {
            return ANNE_ERR_UNSUPPORTED_DTYPE; /* one format per model */
        }
        st = anne_activation_check(l->activation, l->param);
        if (st != ANNE_OK) return st;
        if (l->n_in != prev || l->n_out == 0) return ANNE_ERR_SHAPE;
        if (l->kernel == NULL) return ANNE_ERR_NULL_ARG;
        if (l->dtype == ANNE_DTYPE_S8 ? (l->aux == NULL || l->aux_size == 0) : l->aux_size != 0) {
            return ANNE_ERR_BAD_LAYER;
        }
        /* quantized values are checked on the written bytes, by the loader's own checks */
        if (l->dtype == ANNE_DTYPE_F32) {
            if (!anne__floats_finite((const float *)l->kernel, (uint32_t)l->n_in * l->n_out)) return ANNE_ERR_BAD_VALUE;
            if (l->bias != NULL && !anne__floats_finite((const float *)l->bias, l->n_out)) return ANNE_ERR_BAD_VALUE;
        }
        if (l->activation == ANNE_ACT_PRELU) {
            if (l->act_data == NULL) return ANNE_ERR_NULL_ARG;
            if (!anne__floats_finite((const float *)l->act_data, l->n_out)) return ANNE_ERR_BAD_VALUE;
        }
        prev = l->n_out;
    }
    return anne__check_extras(&d->scaling, d->n_inputs, anne__desc_outputs(d), d->n_classes, d->class_names);
}

int anne__grow(uint32_t *acc, uint64_t n) {
    uint64_t sum = (uint64_t)*acc + n;
    if (sum > 0x7FFFFFF0u) return 0;
    *acc = (uint32_t)sum;
    return 1;
}

static anne_status anne__make_plan(const anne_model_desc *d, anne__plan *p) {
    uint32_t i, at;
    anne_status st;
    memset(p, 0, sizeof *p);
    p->n_sections = 2u + anne__extras_count(&d->scaling, d->n_classes, d->name);
    at = ANNE__HDR_SIZE + p->n_sections * ANNE__SEC_ENTRY_SIZE;

    p->graph_off = at;
    p->graph_size = ANNE__GRAPH_HDR_SIZE + (uint32_t)d->n_layers * ANNE__LAYER_SIZE;
    at += p->graph_size;
    st = anne__plan_extras(&p->extras, &at, &d->scaling, d->n_inputs, d->n_classes, d->class_names, d->name);
    if (st != ANNE_OK) return st;
    p->weights_off = at;
    for (i = 0; i < d->n_layers; i++) {
        const anne_layer *l = &d->layers[i];
        uint64_t k_bytes = (uint64_t)anne__kernel_elem(l->dtype) * l->n_in * l->n_out;
        if (!anne__grow(&p->weights_size, (k_bytes + 3u) & ~(uint64_t)3u)) return ANNE_ERR_BAD_ARG;
        if (!anne__grow(&p->weights_size, ((uint64_t)l->aux_size + 3u) & ~(uint64_t)3u)) return ANNE_ERR_BAD_ARG;
        if (l->bias != NULL && !anne__grow(&p->weights_size, 4ull * l->n_out)) return ANNE_ERR_BAD_ARG;
        if (l->activation == ANNE_ACT_PRELU && !anne__grow(&p->weights_size, 4ull * l->n_out)) return ANNE_ERR_BAD_ARG;
    }
    p->total = at;
    if (!anne__grow(&p->total, p->weights_size)) return ANNE_ERR_BAD_ARG;
    return ANNE_OK;
}

void anne__write_header(uint8_t *b, uint32_t total, uint16_t major, uint16_t minor, uint32_t n_sections) {
    memset(b, 0, total);
    memcpy(b + ANNE__HDR_MAGIC, ANNE__MAGIC, 4);
    anne__wr16(b + ANNE__HDR_MAJOR, major);
    anne__wr16(b + ANNE__HDR_MINOR, minor);
    anne__wr32(b + ANNE__HDR_FILE_SIZE, total);
    anne__wr16(b + ANNE__HDR_N_SECTIONS, (uint16_t)n_sections);
}

void anne__write_section(uint8_t *buf, uint32_t *index, uint32_t type, uint32_t off, uint32_t size) {
    uint8_t *e = buf + ANNE__HDR_SIZE + *index * ANNE__SEC_ENTRY_SIZE;
    anne__wr32(e, type);
    anne__wr32(e + 4, off);
    anne__wr32(e + 8, size);
    (*index)++;
}

void anne__write_floats(uint8_t *dst, const float *src, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n; i++) anne__wrf32(dst + 4u * i, src[i]);
}

/* Writes the layer records into the graph section and their weights into the weights section. */
static void anne__write_layers(uint8_t *buf, const anne_model_desc *d, const anne__plan *p) {
    uint8_t *g = buf + p->graph_off;
    uint32_t i, w = 0; /* offset inside the weights section */
    anne__wr16(g, d->n_inputs);
    anne__wr16(g + 2, d->n_layers);
    for (i = 0; i < d->n_layers; i++) {
        const anne_layer *l = &d->layers[i];
        uint8_t *rec = g + ANNE__GRAPH_HDR_SIZE + i * ANNE__LAYER_SIZE;
        uint32_t k_size = anne__kernel_elem(l->dtype) * l->n_in * l->n_out, j;
        rec[ANNE__L_KIND] = (uint8_t)l->kind;
        rec[ANNE__L_DTYPE] = (uint8_t)l->dtype;
        rec[ANNE__L_ACT] = (uint8_t)l->activation;
        rec[ANNE__L_FLAGS] = l->bias != NULL ? ANNE__L_FLAG_BIAS : 0u;
        anne__wr16(rec + ANNE__L_N_IN, l->n_in);
        anne__wr16(rec + ANNE__L_N_OUT, l->n_out);
        for (j = 0; j < 3; j++) anne__wrf32(rec + ANNE__L_PARAM + 4u * j, l->param[j]);
        anne__wr32(rec + ANNE__L_KERNEL_OFF, w);
        anne__wr32(rec + ANNE__L_KERNEL_SIZE, k_size);
        if (l->dtype == ANNE_DTYPE_S8) {
            memcpy(buf + p->weights_off + w, l->kernel, k_size);
        } else { /* float or int32: 4 bytes little-endian each */
            for (j = 0; j < (uint32_t)l->n_in * l->n_out; j++) {
                uint32_t u;
                memcpy(&u, (const uint8_t *)l->kernel + 4u * j, 4);
                anne__wr32(buf + p->weights_off + w + 4u * j, u);
            }
        }
        w += anne__pad4(k_size);
        if (l->bias != NULL) {
            anne__wr32(rec + ANNE__L_BIAS_OFF, w);
            anne__wr32(rec + ANNE__L_BIAS_SIZE, 4u * l->n_out);
            for (j = 0; j < l->n_out; j++) {
                uint32_t u;
                memcpy(&u, (const uint8_t *)l->bias + 4u * j, 4);
                anne__wr32(buf + p->weights_off + w + 4u * j, u);
            }
            w += 4u * l->n_out;
        }
        if (l->aux_size != 0) { /* the quantization record, already in file layout */
            anne__wr32(rec + ANNE__L_AUX_OFF, w);
            anne__wr32(rec + ANNE__L_AUX_SIZE, l->aux_size);
            memcpy(buf + p->weights_off + w, l->aux, l->aux_size);
            w += anne__pad4(l->aux_size);
        }
        if (l->activation == ANNE_ACT_PRELU) {
            anne__wr32(rec + ANNE__L_ACT_OFF, w);
            anne__wr32(rec + ANNE__L_ACT_SIZE, 4u * l->n_out);
            anne__write_floats(buf + p->weights_off + w, (const float *)l->act_data, l->n_out);
            w += 4u * l->n_out;
        }
    }
}

anne_status anne_model_write(const anne_model_desc *desc, void *buf, size_t cap, size_t *size_out) {
    anne__plan p;
    anne_status st;
    uint8_t *b = (uint8_t *)buf;
    uint32_t sec = 0, i;

    if (desc == NULL || size_out == NULL) return ANNE_ERR_NULL_ARG;
    *size_out = 0;
    st = anne__check_desc(desc);
    if (st != ANNE_OK) return st;
    st = anne__make_plan(desc, &p);
    if (st != ANNE_OK) return st;
    *size_out = p.total;
    if (buf == NULL) return ANNE_OK;
    if (cap < p.total) return ANNE_ERR_BUFFER_TOO_SMALL;

    anne__write_header(b, p.total, ANNE_FORMAT_MAJOR, ANNE_FORMAT_MINOR, p.n_sections);

    anne__write_section(b, &sec, ANNE__SEC_GRAPH, p.graph_off, p.graph_size);
    anne__write_layers(b, desc, &p);
    anne__write_extras(b, &sec, &p.extras, &desc->scaling, desc->n_inputs, desc->n_classes, desc->class_names,
                       desc->name);
    anne__write_section(b, &sec, ANNE__SEC_WEIGHTS, p.weights_off, p.weights_size);
    if (desc->layers[0].dtype != ANNE_DTYPE_F32) {
        /* quantized values and records: the loader's own checks, on the bytes just written */
        const uint8_t *g = b + p.graph_off + ANNE__GRAPH_HDR_SIZE;
        for (i = 0; i < desc->n_layers; i++) {
            st = anne__check_quant_layer(g + i * ANNE__LAYER_SIZE, i == 0 ? NULL : g + (i - 1u) * ANNE__LAYER_SIZE,
                                         b + p.weights_off, p.weights_size);
            if (st != ANNE_OK) return st;
        }
    }
    anne__wr32(b + ANNE__HDR_CRC, anne__file_crc(b, p.total));
    return ANNE_OK;
}
