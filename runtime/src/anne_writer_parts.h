/* Private: the parts of a model file that a dense chain (anne_writer.c) and a graph model
 * (anne_graph_writer.c) write alike: the optional SCALING, CLASSES and NAME sections. */
#ifndef ANNE_WRITER_PARTS_H
#define ANNE_WRITER_PARTS_H

#include "anne_format.h"

/* Where the optional sections go (size 0: absent). */
typedef struct anne__extras {
    uint32_t scaling_off, scaling_size;
    uint32_t classes_off, classes_size;
    uint32_t name_off, name_size;
} anne__extras;

/* Checks scaling (of n_inputs values), class names (2 for one output, else n_outputs) and the name as
 * the loader would. */
anne_status anne__check_extras(const anne_scaling *scaling, uint32_t n_inputs, uint32_t n_outputs, uint16_t n_classes,
                               const char *const *class_names);

/* How many optional sections there are. */
uint32_t anne__extras_count(const anne_scaling *scaling, uint16_t n_classes, const char *name);

/* Places the optional sections from *at on (which it advances). */
anne_status anne__plan_extras(anne__extras *e, uint32_t *at, const anne_scaling *scaling, uint32_t n_inputs,
                              uint16_t n_classes, const char *const *class_names, const char *name);

/* Writes them (their table entries from *sec on, which it advances) into the zeroed file b. */
void anne__write_extras(uint8_t *b, uint32_t *sec, const anne__extras *e, const anne_scaling *scaling,
                        uint32_t n_inputs, uint16_t n_classes, const char *const *class_names, const char *name);

/* Zeroes the total bytes of b (padding and reserved fields are zero) and writes the header: magic,
 * version, file size, section count (the CRC comes last, over the finished file). */
void anne__write_header(uint8_t *b, uint32_t total, uint16_t major, uint16_t minor, uint32_t n_sections);

/* One section table entry (index *sec, then advanced). */
void anne__write_section(uint8_t *b, uint32_t *sec, uint32_t type, uint32_t off, uint32_t size);

/* n floats as little-endian f32. */
void anne__write_floats(uint8_t *dst, const float *src, uint32_t n);

/* Adds n to *acc, failing when the file would not fit the format's 32-bit sizes. */
int anne__grow(uint32_t *acc, uint64_t n);

/* True when all n floats are finite. */
int anne__floats_finite(const float *x, uint32_t n);

#endif /* ANNE_WRITER_PARTS_H */
