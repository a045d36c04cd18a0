/* Private: the byte layout of the model file (docs/format.md) and little-endian access helpers,
 * shared by the loader and the writer so the two cannot drift apart. */
#ifndef ANNE_FORMAT_H
#define ANNE_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "anne.h"

/* File header: magic, version, size, CRC, section count; then the section table. */
#define ANNE__MAGIC "ANNE"
#define ANNE__MAGIC_WORD 0x454E4E41u /* "ANNE" read as a little-endian u32 */
#define ANNE__HDR_MAGIC 0u        /* 4 bytes "ANNE" */
#define ANNE__HDR_MAJOR 4u        /* u16 */
#define ANNE__HDR_MINOR 6u        /* u16 */
#define ANNE__HDR_FILE_SIZE 8u    /* u32: bytes of the whole file */
#define ANNE__HDR_CRC 12u         /* u32: CRC-32 of every byte but these four: [0, 12) then [16, file_size) */
#define ANNE__HDR_N_SECTIONS 16u  /* u16 */
#define ANNE__HDR_RESERVED 18u    /* u16, 0 */
#define ANNE__HDR_SIZE 20u        /* the section table starts here */
#define ANNE__CRC_START 16u       /* first byte after the CRC field */

/* Section table entry: type, offset (from file start, 4-aligned), size (bytes). */
#define ANNE__SEC_ENTRY_SIZE 12u

typedef enum anne__section_type {
    ANNE__SEC_GRAPH = 1,        /* model header and layer records */
    ANNE__SEC_WEIGHTS = 2,      /* kernels and biases, each 4-aligned */
    ANNE__SEC_SCALING = 3,      /* input scaling */
    ANNE__SEC_CLASSES = 4,      /* class names */
    ANNE__SEC_NAME = 5          /* model name */
} anne__section_type;

/* GRAPH section: n_inputs u16, n_layers u16, reserved u32, then the layer records. */
#define ANNE__GRAPH_HDR_SIZE 8u

/* Layer record, 52 bytes. Offsets are relative to the WEIGHTS section. */
#define ANNE__L_KIND 0u           /* u8 anne_layer_kind */
#define ANNE__L_DTYPE 1u          /* u8 anne_dtype */
#define ANNE__L_ACT 2u            /* u8 anne_activation */
#define ANNE__L_FLAGS 3u          /* u8: bit 0 = has bias; other bits 0 */
#define ANNE__L_N_IN 4u           /* u16 */
#define ANNE__L_N_OUT 6u          /* u16 */
#define ANNE__L_PARAM 8u          /* 3 x f32 */
#define ANNE__L_KERNEL_OFF 20u    /* u32 */
#define ANNE__L_KERNEL_SIZE 24u   /* u32 */
#define ANNE__L_BIAS_OFF 28u      /* u32 */
#define ANNE__L_BIAS_SIZE 32u     /* u32 (0 without bias) */
#define ANNE__L_AUX_OFF 36u       /* u32: quantization parameters (0 for f32) */
#define ANNE__L_AUX_SIZE 40u      /* u32 (0 for f32) */
#define ANNE__L_ACT_OFF 44u       /* u32: per-unit activation parameters (prelu alphas, f32); 0 otherwise */
#define ANNE__L_ACT_SIZE 48u      /* u32: 4 * n_out for prelu, 0 otherwise */
#define ANNE__LAYER_SIZE 52u
#define ANNE__L_FLAG_BIAS 1u

/* SCALING section: kind u32, then a (n_inputs f32), b (n_inputs f32). */
#define ANNE__SCALING_HDR_SIZE 4u

/* CLASSES section: count u32, then count NUL-terminated strings, zero padding to 4 bytes. */
#define ANNE__CLASSES_HDR_SIZE 4u

static inline uint16_t anne__rd16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t anne__rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* A little-endian int32 (two's complement, without implementation-defined conversions). */
static inline int32_t anne__rdi32(const uint8_t *p) {
    uint32_t u = anne__rd32(p);
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static inline float anne__rdf32(const uint8_t *p) {
    uint32_t u = anne__rd32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline void anne__wr16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void anne__wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void anne__wrf32(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    anne__wr32(p, u);
}

/* True when the float's bits are neither NaN nor infinite (no FPU needed). */
static inline int anne__finite_bits(uint32_t u) {
    return ((u >> 23) & 0xFFu) != 0xFFu;
}

static inline int anne__finite(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return anne__finite_bits(u);
}

/* True when one input's scaling (a, b) of `kind`, given as the floats' bits, maps every finite input
 * to a finite value: both finite, and the divisor (std, or max - min rounded as float arithmetic
 * rounds it) a normal positive float; a subnormal divisor would turn ordinary inputs into inf. Integer
 * operations only, so that a loader without float code (the int8 raw API on a core without FPU) links
 * no soft-float; tests/test_loader_bits.c checks it against the float computation. */
static inline int anne__scaling_ok_bits(uint32_t kind, uint32_t a, uint32_t b) {
    uint32_t ma = a & 0x7FFFFFFFu, mb = b & 0x7FFFFFFFu, big, small, eb, es, sig, d;
    if (ma >= 0x7F800000u || mb >= 0x7F800000u) return 0; /* inf or NaN */
    if (kind != (uint32_t)ANNE_SCALING_MINMAX) return b - 0x00800000u < 0x7F000000u; /* FLT_MIN <= b <= FLT_MAX */
    if (((a ^ b) >> 31) != 0) { /* opposite signs: b - a = +-(|a| + |b|) */
        if ((b >> 31) != 0) return 0;
        if (ma + mb < 0x00800000u) return 0; /* a sum below FLT_MIN has two subnormals: exact in the bits */
        big = ma > mb ? ma : mb;
        small = ma + mb - big;
        if ((big >> 23) != 254u) return 1; /* below 2^127 each: the sum is at most FLT_MAX */
        /* rounds to inf iff the sum >= 2^128 - 2^103, i.e. small / 2^103 >= 2^24 - 2 * mantissa(big) - 1 */
        es = small >> 23;
        sig = (small & 0x007FFFFFu) | 0x00800000u;
        d = es < 230u ? 0u : es == 254u ? sig << 1 : sig >> (253u - es); /* floor(small / 2^103) */
        return d < 0x01000000u - 2u * (big & 0x007FFFFFu) - 1u;
    }
    /* same sign: b - a = big - small, positive only when big is b's magnitude (a's for negatives) */
    big = (b >> 31) != 0 ? ma : mb;
    small = (b >> 31) != 0 ? mb : ma;
    if (big <= small) return 0;
    eb = big >> 23 != 0 ? big >> 23 : 1u; /* value = significand * 2^(e - 150), subnormals with e = 1 */
    es = small >> 23 != 0 ? small >> 23 : 1u;
    if (eb - es >= 2u) return 1; /* small < big / 2, big >= 2^-124: the difference is > 2^-125 */
    /* the exact difference in units of 2^(es - 150) (at most 25 bits); FLT_MIN is 2^(24 - es) of them */
    d = (((big & 0x007FFFFFu) | (big >= 0x00800000u ? 0x00800000u : 0u)) << (eb - es)) -
        ((small & 0x007FFFFFu) | (small >= 0x00800000u ? 0x00800000u : 0u));
    return es >= 25u || (d >> (24u - es)) != 0;
}

/* The same on floats (the writer and the trainer check descriptions in memory with it). */
static inline int anne__scaling_ok(uint32_t kind, float a, float b) {
    uint32_t ua, ub;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    return anne__scaling_ok_bits(kind, ua, ub);
}

/* anne_activation_check's rule on the parameters' bits (integer operations only, for the loader):
 * a known activation, parameters 0 and 2 finite, parameter 1 finite except relu's max_value, which is
 * +inf (no clip) or >= 0 (-0 included, as -0.0f >= 0.0f). tests/test_loader_bits.c checks the two
 * agree. */
static inline int anne__activation_ok_bits(uint32_t act, uint32_t p0, uint32_t p1, uint32_t p2) {
    if (act >= (uint32_t)ANNE_ACT_COUNT || !anne__finite_bits(p0) || !anne__finite_bits(p2)) return 0;
    return act == (uint32_t)ANNE_ACT_RELU ? p1 <= 0x7F800000u || p1 == 0x80000000u : anne__finite_bits(p1);
}

/* A word of the model at a 4-aligned position: the loader checks that the bytes and every offset it
 * reads this way are 4-aligned, and the target is little-endian (anne_model.c), so one load replaces
 * anne__rd32's four byte loads (much smaller code on a Cortex-M0+, which has no unaligned loads). */
static inline uint32_t anne__w32(const uint8_t *p) {
    return *(const uint32_t *)(const void *)p;
}

/* A u16 of the model at a 2-aligned position, read in place as anne__w32 reads words. */
static inline uint16_t anne__w16(const uint8_t *p) {
    return *(const uint16_t *)(const void *)p;
}

/* The input scaling of values first .. first + n - 1 of the model's input row: out (n) = scale(in (n)).
 * anne_model_scale_input() scales the whole row; a graph model with several inputs, each input into
 * its own place in the arena. */
void anne__scale_span(const anne_model *model, float *out, const float *in, uint32_t first, uint32_t n);

/* The data of section `type` of the model file p and its size, or NULL when the file has none (the
 * loader checks the section table first: at most one entry of each known type). */
const uint8_t *anne__section(const uint8_t *p, uint32_t type, uint32_t *size);

/* Bytes one element of a number format takes in a kernel (0 for unknown formats). */
static inline uint32_t anne__dtype_size(anne_dtype dtype) {
    return dtype == ANNE_DTYPE_F32 || dtype == ANNE_DTYPE_Q16 ? 4u : dtype == ANNE_DTYPE_S8 ? 1u : 0u;
}

/* The file's CRC-32: it covers the whole file except the CRC field itself, so that a damaged minor
 * version or file size is caught as well as damaged sections. */
static inline uint32_t anne__file_crc(const uint8_t *p, uint32_t file_size) {
    return anne_crc32(anne_crc32(0, p, ANNE__HDR_CRC), p + ANNE__CRC_START, file_size - ANNE__CRC_START);
}

/* Rounds n up to a multiple of 4 (n well below 2^32 by construction of the callers). */
static inline uint32_t anne__pad4(uint32_t n) {
    return (n + 3u) & ~3u;
}

#endif /* ANNE_FORMAT_H */
