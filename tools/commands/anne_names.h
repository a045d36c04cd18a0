/* --name and --classes of `anne convert`, `train` and `quantize`: the model's name and its class names,
 * metadata the model file carries in its optional NAME and CLASSES sections (docs/format.md). */
#ifndef ANNE_NAMES_H
#define ANNE_NAMES_H

#include <stdint.h>

#include "anne_error.h"
#include "anne_ir.h"

/* A --classes list: names separated by commas, spaces and tabs around each dropped ("a, b,c" is "a",
 * "b", "c"). An empty text is no names (*n = 0, *names NULL). Errors name the position of an empty
 * name and the limit ANNE_MAX_CLASSES. *names: malloc'd array of malloc'd strings (anne_names_free). */
int anne_names_parse(const char *text, char ***names, uint16_t *n, anne_error *err);
void anne_names_free(char **names, uint16_t n);

/* The class count a model with n_outputs outputs has: 2 for one output (a sigmoid's class 0 and 1),
 * else one per output. */
uint16_t anne_names_expected(uint32_t n_outputs);

/* Checks a class list against a model's outputs: -1 with "--classes has 3 names, but the model has
 * 2 outputs (one per class)" (or "one output: 2 classes") in err. */
int anne_names_check(uint16_t n, uint32_t n_outputs, anne_error *err);

/* Sets ir's name (NULL: keep; "": none) and class names (classes NULL: keep; "": none; else a
 * --classes list for ir's outputs). */
int anne_names_apply(anne_ir *ir, const char *name, const char *classes, anne_error *err);

#endif /* ANNE_NAMES_H */
