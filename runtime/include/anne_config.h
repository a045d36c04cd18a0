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
 * load; faster where floats live in registers, e.g. the Cortex-M33's FPU; on Thumb-2 cores with a
 * single-precision FPU it also turns on the eight-unit assembly kernel, about 1.1 KB) or 1 (the
 * smallest code; the default on ARMv6-M, the Cortex-M0+, where soft-float calls dominate). Results
 * are identical bit for bit. */
#ifndef ANNE_CONFIG_DENSE_ROWS
#if defined(__ARM_ARCH_6M__)
#define ANNE_CONFIG_DENSE_ROWS 1
#else
#define ANNE_CONFIG_DENSE_ROWS 4
#endif
#endif

/* 1: int8 models can run on their weights widened to int16 in RAM (anne_model_s8_widen, anne_quant.h):
 * the kernel that reads them is built. On cores with the DSP extension (Cortex-M33, M4, M7) SMLAD then
 * takes the weights as they are, without the two SXTB16 per four weights: 1.41 instead of 1.66 cycles
 * per MAC on the Cortex-M33 (docs/mcu.md), for two bytes of RAM per weight. Opt-in (default 0): the
 * kernel costs every int8 build about 270 bytes of flash, 9 cycles per layer and 16 bytes of stack on
 * the M33 whether it widens or not; on ARMv6-M (Cortex-M0/M0+), whose int8 kernel has no widening step
 * to save, it gains nothing. Results are identical bit for bit either way. */
#ifndef ANNE_CONFIG_S8_WIDE
#define ANNE_CONFIG_S8_WIDE 0
#endif

/* 1: the int8 convolutions (anne_conv2d_forward_s8, anne_depthwise_conv2d_forward_s8) are the optimized
 * kernels of anne_conv2d_s8_fast.c: output channels in groups that share each input load, 1x1 and 3x3
 * windows as runs of contiguous bytes, SMLAD on cores with the DSP extension (docs/mcu-report.md). 0:
 * the reference kernels alone (smaller code, several times slower). Results are identical bit for bit. */
#ifndef ANNE_CONFIG_S8_FAST_CONV
#define ANNE_CONFIG_S8_FAST_CONV 1
#endif

/* Footprint knobs. A build that leaves something out rejects a model that needs it at load time
 * (anne_model_load), with the status named below, and links none of its code or tables. The
 * defaults keep everything in. docs/mcu.md measures what each saves on a Cortex-M0+ and M33. */

/* Number formats this build runs (1: in, 0: out). A model in a format left out gets
 * ANNE_ERR_UNSUPPORTED_DTYPE. E.g. an int8-only build: -DANNE_CONFIG_F32=0 -DANNE_CONFIG_Q16=0
 * (anne_model_predict still takes and returns floats; anne_model_predict_s8 needs no float code). */
#ifndef ANNE_CONFIG_F32
#define ANNE_CONFIG_F32 1
#endif
#ifndef ANNE_CONFIG_Q16
#define ANNE_CONFIG_Q16 1
#endif
#ifndef ANNE_CONFIG_S8
#define ANNE_CONFIG_S8 1
#endif

/* Graph models (format 2: convolutions, pooling, merges; anne.h "Graph models"). 0 leaves the graph
 * loader, runner and op kernels out of a build that runs dense chains only; a graph model then gets
 * ANNE_ERR_VERSION at load time. Graph models are float32 in this version, so a build without float32
 * leaves them out by default. */
#ifndef ANNE_CONFIG_GRAPH
#define ANNE_CONFIG_GRAPH ANNE_CONFIG_F32
#endif

/* Activations layers may use: bit ANNE_ACT_BIT(a) for each anne_activation a; linear is always in. A
 * layer with an activation left out gets ANNE_ERR_BAD_ACTIVATION. The libm-heavy ones are worth
 * leaving out when unused: gelu (erfcf), elu/selu (expm1f), softplus (log1pf), tanh/gelu_tanh (tanhf),
 * and on Q16.16 their tables. int8 layers are affected by the softmax bit only (the int8 softmax
 * kernel); their other activations are lookup tables stored in the model. Generated C (anne convert
 * NAME.c) does not compile against a build that leaves out what its model needs. The kernels leave x unchanged for an activation left out. E.g. for the paper's networks:
 *   -DANNE_CONFIG_ACTIVATIONS="(ANNE_ACT_BIT(ANNE_ACT_RELU) | ANNE_ACT_BIT(ANNE_ACT_SIGMOID))" */
#define ANNE_ACT_BIT(a) (1u << (unsigned)(a))
#ifndef ANNE_CONFIG_ACTIVATIONS
#define ANNE_CONFIG_ACTIVATIONS 0xFFFFFFFFu
#endif
#define ANNE_CONFIG_HAS_ACTIVATION(a) \
    ((a) == ANNE_ACT_LINEAR || ((unsigned)(ANNE_CONFIG_ACTIVATIONS) & ANNE_ACT_BIT(a)) != 0u)

#endif /* ANNE_CONFIG_H */
