/* ANNE portability knobs: every compile-time setting of the runtime, in one place.
 * Each can be overridden with -D on the compiler line (or by defining it before including anne.h). */
#ifndef ANNE_CONFIG_H
#define ANNE_CONFIG_H

/* Largest number of sections a model file may list. Bounds the loader's work on hostile input. */
#ifndef ANNE_MAX_SECTIONS
#define ANNE_MAX_SECTIONS 16u
#endif

/* Largest number of layers a model may have. Bounds the loader's work on hostile input. */
#ifndef ANNE_MAX_LAYERS
#define ANNE_MAX_LAYERS 1024u
#endif

/* Largest number of classes a model may name (also the metrics' confusion matrix side). */
#ifndef ANNE_MAX_CLASSES
#define ANNE_MAX_CLASSES 1024u
#endif

/* 1: the loader checks the CRC-32 of the model bytes (costs one pass over the file at load time).
 * Keep it on unless the bytes are known good, e.g. checked by a bootloader. */
#ifndef ANNE_CONFIG_CHECK_CRC
#define ANNE_CONFIG_CHECK_CRC 1
#endif

#endif /* ANNE_CONFIG_H */
