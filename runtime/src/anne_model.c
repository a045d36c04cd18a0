/* The validating loader: checks every byte a model file declares before anything runs, so that
 * damaged or hostile bytes give a status, never an out-of-bounds read. Zero copy: the model keeps
 * pointers into the caller's bytes (flash or RAM). */
#include <string.h>

#include "anne.h"
#include "anne_format.h"
#include "anne_graph_format.h"
#include "anne_quant_format.h"

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ANNE reads weights in place and needs a little-endian target"
#endif
#endif

/* Every read below goes through anne__w32 at a 4-aligned position: the bytes are 4-aligned (checked
 * first), and so is every section, record and offset before it is read (checked where it is found). */

/* The data of section `type` and its size, or NULL when the file has none (the table is checked
 * before: at most one entry of each known type). */
const uint8_t *anne__section(const uint8_t *p, uint32_t type, uint32_t *size) {
    uint32_t i, n = anne__w32(p + ANNE__HDR_N_SECTIONS) & 0xFFFFu;
    for (i = 0; i < n; i++) {
        const uint8_t *e = p + ANNE__HDR_SIZE + i * ANNE__SEC_ENTRY_SIZE;
        if (anne__w32(e) == type) {
            *size = anne__w32(e + 8);
            return p + anne__w32(e + 4);
        }
    }
    return NULL;
}

/* Checks the section table: every section 4-aligned, after the table, inside the file, no two
 * overlapping, no known type twice (unknown types are skipped: a newer minor version may add some), and
 * the required ones of the format: GRAPH and WEIGHTS (1.x), TENSORS, OPS and WEIGHTS and no GRAPH (2.x). */
static anne_status anne__check_sections(const uint8_t *p, uint32_t file_size, uint32_t major) {
    uint32_t head = anne__w32(p + ANNE__HDR_N_SECTIONS), n = head & 0xFFFFu; /* count, then reserved u16 */
    uint32_t table_end = ANNE__HDR_SIZE + n * ANNE__SEC_ENTRY_SIZE;
    uint32_t i, j, unused;
    if (n == 0 || n > ANNE_MAX_SECTIONS || (head >> 16) != 0) return ANNE_ERR_BAD_SECTION;
    if (table_end > file_size) return ANNE_ERR_TRUNCATED;
    for (i = 0; i < n; i++) {
        const uint8_t *e = p + ANNE__HDR_SIZE + i * ANNE__SEC_ENTRY_SIZE;
        uint32_t type = anne__w32(e), off = anne__w32(e + 4), size = anne__w32(e + 8);
        if ((off & 3u) != 0 || off < table_end || off > file_size || size > file_size - off) {
            return ANNE_ERR_BAD_SECTION;
        }
        for (j = 0; j < i; j++) {
            const uint8_t *f = p + ANNE__HDR_SIZE + j * ANNE__SEC_ENTRY_SIZE;
            uint32_t off2 = anne__w32(f + 4), size2 = anne__w32(f + 8);
            if (size != 0 && size2 != 0 && off < off2 + size2 && off2 < off + size) return ANNE_ERR_BAD_SECTION;
            if (type == anne__w32(f) && type - ANNE__SEC_GRAPH <= ANNE__SEC_QUANT - ANNE__SEC_GRAPH) {
                return ANNE_ERR_BAD_SECTION; /* a known type twice */
            }
        }
    }
    if (anne__section(p, ANNE__SEC_WEIGHTS, &unused) == NULL) return ANNE_ERR_MISSING_SECTION;
    if (major == ANNE_FORMAT_MAJOR) {
        return anne__section(p, ANNE__SEC_GRAPH, &unused) != NULL ? ANNE_OK : ANNE_ERR_MISSING_SECTION;
    }
    if (anne__section(p, ANNE__SEC_GRAPH, &unused) != NULL) return ANNE_ERR_BAD_SECTION; /* a dense chain's */
    return anne__section(p, ANNE__SEC_TENSORS, &unused) != NULL && anne__section(p, ANNE__SEC_OPS, &unused) != NULL
               ? ANNE_OK
               : ANNE_ERR_MISSING_SECTION;
}

/* True when all n floats at p (4-aligned, inside the file) are finite. */
static int anne__all_finite(const uint8_t *p, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (!anne__finite_bits(anne__w32(p + 4u * i))) return 0;
    }
    return 1;
}

/* Checks that [off, off + size) lies in the weights section and is 4-aligned. */
static int anne__in_weights(uint32_t off, uint32_t size, uint32_t weights_size) {
    return (off & 3u) == 0 && off <= weights_size && size <= weights_size - off;
}

/* Validates one layer record against the layer before it (prev: its record, NULL for the first);
 * returns its outputs in *n_out. */
static anne_status anne__check_layer(const uint8_t *rec, const uint8_t *prev, uint32_t n_in_expected,
                                     const uint8_t *weights, uint32_t weights_size, uint32_t *n_out) {
    uint32_t head = anne__w32(rec + ANNE__L_KIND); /* kind, dtype, activation, flags: bytes 0..3 */
    uint32_t dtype = (head >> 8) & 0xFFu, act = (head >> 16) & 0xFFu, flags = head >> 24;
    uint32_t shape = anne__w32(rec + ANNE__L_N_IN), n_in = shape & 0xFFFFu, units = shape >> 16;
    uint32_t k_off = anne__w32(rec + ANNE__L_KERNEL_OFF), k_size = anne__w32(rec + ANNE__L_KERNEL_SIZE);
    uint32_t count, shift, i;

    if ((head & 0xFFu) != ANNE_LAYER_DENSE || (flags & ~ANNE__L_FLAG_BIAS) != 0) return ANNE_ERR_BAD_LAYER;
    /* only the formats this build runs (anne_config.h); one format per model */
    if (dtype == ANNE_DTYPE_F32 ? !ANNE_CONFIG_F32
        : dtype == ANNE_DTYPE_Q16 ? !ANNE_CONFIG_Q16
        : dtype != ANNE_DTYPE_S8 || !ANNE_CONFIG_S8) {
        return ANNE_ERR_UNSUPPORTED_DTYPE;
    }
    if (prev != NULL && prev[ANNE__L_DTYPE] != dtype) return ANNE_ERR_UNSUPPORTED_DTYPE;
    if (!anne__activation_ok_bits(act, anne__w32(rec + ANNE__L_PARAM), anne__w32(rec + ANNE__L_PARAM + 4u),
                                  anne__w32(rec + ANNE__L_PARAM + 8u))) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    /* int8 activations are tables in the model: no code to leave out */
    if (dtype != ANNE_DTYPE_S8 && !ANNE_CONFIG_HAS_ACTIVATION(act)) return ANNE_ERR_BAD_ACTIVATION;
    if (n_in == 0 || units == 0 || n_in != n_in_expected) return ANNE_ERR_SHAPE;
    if (dtype == ANNE_DTYPE_F32 && (anne__w32(rec + ANNE__L_AUX_OFF) | anne__w32(rec + ANNE__L_AUX_SIZE)) != 0) {
        return ANNE_ERR_BAD_LAYER;
    }

    shift = dtype == ANNE_DTYPE_S8 ? 0u : 2u; /* bytes per kernel element: 1 or 4 */
    count = n_in * units;                     /* <= 65535^2 < 2^32 */
    if (count > weights_size >> shift || k_size != count << shift || !anne__in_weights(k_off, k_size, weights_size)) {
        return ANNE_ERR_BAD_LAYER;
    }
    if (dtype == ANNE_DTYPE_F32 && !anne__all_finite(weights + k_off, count)) return ANNE_ERR_BAD_VALUE;
    /* the bias (4 bytes per unit in every format: int32 for q16 and s8) and the prelu alphas (one f32
     * per unit): present and sized, or both offset and size 0 */
    for (i = 0; i < 2; i++) {
        uint32_t off = anne__w32(rec + (i == 0 ? ANNE__L_BIAS_OFF : ANNE__L_ACT_OFF));
        uint32_t size = anne__w32(rec + (i == 0 ? ANNE__L_BIAS_SIZE : ANNE__L_ACT_SIZE));
        if (i == 0 ? (flags & ANNE__L_FLAG_BIAS) != 0 : act == ANNE_ACT_PRELU) {
            if (size != units * 4u || !anne__in_weights(off, size, weights_size)) return ANNE_ERR_BAD_LAYER;
            if ((i != 0 || dtype == ANNE_DTYPE_F32) && !anne__all_finite(weights + off, units)) {
                return ANNE_ERR_BAD_VALUE;
            }
        } else if ((off | size) != 0) {
            return ANNE_ERR_BAD_LAYER;
        }
    }
    *n_out = units;
    if ((ANNE_CONFIG_Q16 || ANNE_CONFIG_S8) && dtype != ANNE_DTYPE_F32) {
        return anne__check_quant_layer(rec, prev, weights, weights_size); /* values, aux record */
    }
    return ANNE_OK;
}

/* Validates the graph section and every layer; fills the shape fields and the arena size. */
static anne_status anne__load_graph(anne_model *m, const uint8_t *g, uint32_t g_size) {
    uint32_t i, head, widest_pair = 0, prev, units = 0, pair;
    if (g_size < ANNE__GRAPH_HDR_SIZE) return ANNE_ERR_BAD_SECTION;
    head = anne__w32(g); /* n_inputs u16, n_layers u16 */
    m->n_inputs = (uint16_t)(head & 0xFFFFu);
    m->n_layers = (uint16_t)(head >> 16);
    if (anne__w32(g + 4) != 0) return ANNE_ERR_BAD_SECTION;
    if (m->n_layers == 0 || m->n_layers > ANNE_MAX_LAYERS) return ANNE_ERR_BAD_LAYER;
    if (g_size != ANNE__GRAPH_HDR_SIZE + (uint32_t)m->n_layers * ANNE__LAYER_SIZE) return ANNE_ERR_BAD_SECTION;
    if (m->n_inputs == 0) return ANNE_ERR_SHAPE;
    m->layer_table = g + ANNE__GRAPH_HDR_SIZE;
    m->n_input_tensors = 1;
    m->n_output_tensors = 1;

    prev = m->n_inputs;
    for (i = 0; i < m->n_layers; i++) {
        const uint8_t *rec = m->layer_table + i * ANNE__LAYER_SIZE;
        anne_status st = anne__check_layer(rec, i == 0 ? NULL : rec - ANNE__LAYER_SIZE, prev, m->weights,
                                           m->weights_size, &units);
        if (st != ANNE_OK) return st;
        /* activations take the layers' element size (uniform per model: 1 byte for int8, else 4);
         * each buffer 4-aligned; at most 2 * 4 * 65535 */
        pair = rec[ANNE__L_DTYPE] == ANNE_DTYPE_S8 ? anne__pad4(prev) + anne__pad4(units) : 4u * (prev + units);
        if (pair > widest_pair) widest_pair = pair;
        prev = units;
    }
    m->n_outputs = (uint16_t)prev;
    m->arena_bytes = widest_pair; /* bytes */
    return ANNE_OK;
}

static anne_status anne__load_scaling(anne_model *m, const uint8_t *s, uint32_t size) {
    uint32_t n = m->n_inputs, i, kind;
    const uint8_t *a = s + ANNE__SCALING_HDR_SIZE;
    if (size != ANNE__SCALING_HDR_SIZE + 8u * n) return ANNE_ERR_BAD_SCALING;
    kind = anne__w32(s);
    if (kind != ANNE_SCALING_STANDARDIZE && kind != ANNE_SCALING_MINMAX) return ANNE_ERR_BAD_SCALING;
    if (!anne__all_finite(a, 2u * n)) return ANNE_ERR_BAD_VALUE;
    for (i = 0; i < n; i++) { /* std > 0, max > min, no inf: a (n) then b (n) */
        if (!anne__scaling_ok_bits(kind, anne__w32(a + 4u * i), anne__w32(a + 4u * (n + i)))) return ANNE_ERR_BAD_VALUE;
    }
    m->scaling.kind = (anne_scaling_kind)kind;
    m->scaling.a = (const float *)(const void *)a;
    m->scaling.b = m->scaling.a + n;
    return ANNE_OK;
}

/* Checks that `count` non-empty NUL-terminated strings fill [s, s + size), followed only by zero
 * padding of less than 4 bytes. */
static int anne__check_strings(const uint8_t *s, uint32_t size, uint32_t count) {
    uint32_t pos = 0, k;
    for (k = 0; k < count; k++) {
        uint32_t start = pos;
        while (pos < size && s[pos] != 0) pos++;
        if (pos == size || pos == start) return 0;
        pos++;
    }
    if (size - pos >= 4u) return 0;
    for (; pos < size; pos++) {
        if (s[pos] != 0) return 0;
    }
    return 1;
}

/* Class names name the values of the first output (all of a dense chain's): one value is a sigmoid's
 * two classes. */
static anne_status anne__load_classes(anne_model *m, const uint8_t *s, uint32_t size) {
    /* read in place, with no record on the stack (the loader's frame counts against a board's budget) */
    uint32_t first = ANNE_CONFIG_GRAPH && m->tensor_table != NULL /* a build without graphs: no code for them */
                         ? anne__t_values(m->tensor_table + anne__output_tensor(m, 0) * ANNE__TENSOR_SIZE)
                         : m->n_outputs;
    uint32_t count, expected = first == 1u ? 2u : first;
    if (size < ANNE__CLASSES_HDR_SIZE) return ANNE_ERR_BAD_CLASSES;
    count = anne__w32(s);
    if (count != expected || count > ANNE_MAX_CLASSES) return ANNE_ERR_BAD_CLASSES;
    if (!anne__check_strings(s + ANNE__CLASSES_HDR_SIZE, size - ANNE__CLASSES_HDR_SIZE, count)) {
        return ANNE_ERR_BAD_CLASSES;
    }
    m->n_classes = (uint16_t)count;
    m->class_names = (const char *)(s + ANNE__CLASSES_HDR_SIZE);
    return ANNE_OK;
}

/* p: 4-aligned */
static anne_status anne__load(anne_model *m, const uint8_t *p, size_t size) {
    uint32_t file_size, sec_size = 0, major;
    const uint8_t *sec;
    anne_status st;

    if (size < 4) return ANNE_ERR_TRUNCATED;
    if (anne__w32(p) != ANNE__MAGIC_WORD) return ANNE_ERR_BAD_MAGIC;
    if (size < ANNE__HDR_SIZE) return ANNE_ERR_TRUNCATED;
    major = anne__w32(p + ANNE__HDR_MAJOR) & 0xFFFFu;
    if (major != ANNE_FORMAT_MAJOR && (major != ANNE_FORMAT_GRAPH_MAJOR || !ANNE_CONFIG_GRAPH)) return ANNE_ERR_VERSION;
    file_size = anne__w32(p + ANNE__HDR_FILE_SIZE);
    if (file_size > size) return ANNE_ERR_TRUNCATED;
    if (file_size < ANNE__HDR_SIZE || (file_size & 3u) != 0) return ANNE_ERR_BAD_SECTION;
#if ANNE_CONFIG_CHECK_CRC
    if (anne__file_crc(p, file_size) != anne__w32(p + ANNE__HDR_CRC)) {
        return ANNE_ERR_CHECKSUM;
    }
#endif
    st = anne__check_sections(p, file_size, major);
    if (st != ANNE_OK) return st;

    m->bytes = p;
    m->size = file_size;
    m->format_major = (uint16_t)major;
    m->format_minor = (uint16_t)(anne__w32(p + ANNE__HDR_MAJOR) >> 16);
    m->weights = anne__section(p, ANNE__SEC_WEIGHTS, &m->weights_size);
    if (major == ANNE_FORMAT_MAJOR) {
        sec = anne__section(p, ANNE__SEC_GRAPH, &sec_size);
        st = anne__load_graph(m, sec, sec_size);
    } else {
        /* the graph's sections are found there: no more locals in this frame, which lies under all of
         * the graph checks (the boards' stack budget) */
        st = ANNE_CONFIG_GRAPH ? anne__load_graph_model(m, p) : ANNE_ERR_VERSION;
    }
    if (st != ANNE_OK) return st;
    sec = anne__section(p, ANNE__SEC_SCALING, &sec_size);
    if (sec != NULL) {
        st = anne__load_scaling(m, sec, sec_size);
        if (st != ANNE_OK) return st;
    }
    sec = anne__section(p, ANNE__SEC_CLASSES, &sec_size);
    if (sec != NULL) {
        st = anne__load_classes(m, sec, sec_size);
        if (st != ANNE_OK) return st;
    }
    m->name = "";
    sec = anne__section(p, ANNE__SEC_NAME, &sec_size);
    if (sec != NULL) {
        if (!anne__check_strings(sec, sec_size, 1)) return ANNE_ERR_BAD_NAME;
        m->name = (const char *)sec;
    }
    return ANNE_OK;
}

anne_status anne_model_load(anne_model *model, const void *bytes, size_t size) {
    anne_status st;
    if (model == NULL) return ANNE_ERR_NULL_ARG;
    memset(model, 0, sizeof *model);
    if (bytes == NULL) return ANNE_ERR_NULL_ARG;
    if (((uintptr_t)bytes & 3u) != 0) return ANNE_ERR_ALIGNMENT;
    st = anne__load(model, (const uint8_t *)bytes, size);
    if (st != ANNE_OK) memset(model, 0, sizeof *model);
    return st;
}

/* Runs on every layer of every inference, so it reads the validated record a word at a time: the
 * records are 4-aligned (model bytes, graph section and the 52-byte records all are) and the target
 * is little-endian (checked above), so word i holds the record's bytes [4i, 4i + 4). */
anne_status anne_model_layer(const anne_model *model, uint16_t index, anne_layer *layer) {
    const uint32_t *w;
    uint32_t head, shape, k;
    if (model == NULL || layer == NULL || model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= model->n_layers) return ANNE_ERR_BAD_ARG;
    w = (const uint32_t *)(const void *)(model->layer_table + (uint32_t)index * ANNE__LAYER_SIZE);
    head = w[ANNE__L_KIND / 4u]; /* kind, dtype, activation, flags: bytes 0..3 */
    shape = w[ANNE__L_N_IN / 4u];
    layer->kind = (anne_layer_kind)(head & 0xFFu);
    layer->dtype = (anne_dtype)((head >> 8) & 0xFFu);
    layer->activation = (anne_activation)((head >> 16) & 0xFFu);
    layer->n_in = (uint16_t)(shape & 0xFFFFu);
    layer->n_out = (uint16_t)(shape >> 16);
    for (k = 0; k < 3; k++) { /* the parameters' bits as floats (a union: no memcpy call per layer) */
        union {
            uint32_t u;
            float f;
        } param;
        param.u = w[ANNE__L_PARAM / 4u + k];
        layer->param[k] = param.f;
    }
    layer->kernel = model->weights + w[ANNE__L_KERNEL_OFF / 4u];
    layer->bias = (head >> 24) & ANNE__L_FLAG_BIAS ? model->weights + w[ANNE__L_BIAS_OFF / 4u] : NULL;
    layer->act_data = layer->activation == ANNE_ACT_PRELU ? model->weights + w[ANNE__L_ACT_OFF / 4u] : NULL;
    layer->aux_size = w[ANNE__L_AUX_SIZE / 4u];
    layer->aux = layer->aux_size != 0 ? model->weights + w[ANNE__L_AUX_OFF / 4u] : NULL;
    return ANNE_OK;
}

uint32_t anne_model_arena_size(const anne_model *model) {
    return model == NULL ? 0u : model->arena_bytes;
}

const char *anne_model_class_name(const anne_model *model, uint16_t index) {
    const char *s;
    uint16_t k;
    if (model == NULL || model->class_names == NULL || index >= model->n_classes) return NULL;
    s = model->class_names;
    for (k = 0; k < index; k++) s += strlen(s) + 1; /* terminated strings, checked at load */
    return s;
}
