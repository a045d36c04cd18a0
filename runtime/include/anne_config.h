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

/* Units the float32 dense kernel computes per pass over the input: 4 (four rows share each input
 * load; faster where floats live in registers, e.g. the Cortex-M33's FPU) or 1 (the smallest code;
 * the default on ARMv6-M, the Cortex-M0+, where soft-float calls dominate). Results are identical. */
#ifndef ANNE_CONFIG_DENSE_ROWS
#if defined(__ARM_ARCH_6M__)
#define ANNE_CONFIG_DENSE_ROWS 1
#else
#define ANNE_CONFIG_DENSE_ROWS 4
#endif
#endif

#endif /* ANNE_CONFIG_H */
