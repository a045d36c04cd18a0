/* Dense layer in Q16.16 and the float <-> Q16.16 conversions. The 64-bit accumulator holds every
 * product exactly (Q32.32) and is rounded once, at the end. */
#include <string.h>

#include "anne_dense_layer.h"
#include "anne_format.h"
#include "anne_q16_math.h"
#include "anne_quant.h"

int32_t anne_q16_mul(int32_t a, int32_t b) {
    return anne__q16_mul(a, b);
}

/* Works on the float's bits (sign, exponent, 24-bit significand m): x * 2^16 = m * 2^(e - 134). */
int32_t anne_q16_from_f32(float x) {
    uint32_t u, m, e, mag;
    int neg;
    memcpy(&u, &x, sizeof u);
    neg = (u >> 31) != 0;
    e = (u >> 23) & 0xFFu;
    m = u & 0x7FFFFFu;
    if (e == 0xFFu) {
        if (m != 0) return 0; /* NaN */
        return neg ? INT32_MIN : INT32_MAX;
    }
    if (e == 0) return 0;   /* zero and subnormals (< 2^-126) round to 0 */
    m |= 0x800000u;
    if (e >= 134u) {
        if (e - 134u >= 8u) return neg ? INT32_MIN : INT32_MAX; /* m * 2^8 >= 2^31 */
        {
            uint64_t v = (uint64_t)m << (e - 134u);
            if (neg) return v >= 0x80000000u ? INT32_MIN : -(int32_t)v;
            return v > 0x7FFFFFFFu ? INT32_MAX : (int32_t)v;
        }
    }
    if (134u - e > 25u) return 0; /* m / 2^26 < 0.25 */
    {
        uint32_t s = 134u - e;
        mag = (m + (1u << (s - 1u))) >> s; /* ties away from zero: on the magnitude */
    }
    return neg ? -(int32_t)mag : (int32_t)mag;   /* mag <= 2^24: no overflow */
}

#if defined(__ARM_ARCH_6M__) || defined(ANNE_Q16_HALVES)
/* ARMv6-M has no 32x32->64 multiply: GCC would call __aeabi_lmul (a 64x64 multiply) for every
 * product. Here w = wh 2^16 + wl and x = xh 2^16 + xl (wl, xl unsigned 16-bit), so
 * w x = 2^32 wh xh + 2^16 (wl xh + wh xl) + wl xl: four MULS whose products all fit 32 bits
 * (|wh xh| <= 2^30, |wl xh|, |wh xl| < 2^31, wl xl < 2^32), added into one (hi, lo) pair of words
 * with explicit carries: wh xh to hi alone (it is needed modulo 2^32 only), each middle product m as
 * m 2^16 (low word m << 16 with its carry, high word floor(m / 2^16)), wl xl with its carry. The pair
 * is the sum modulo 2^64; the exact sum fits int64 (row L1 bound), so it is the 64-bit kernel's sum,
 * bit for bit, for every input. */
static int64_t anne__u2i64(uint64_t u) { /* the int64 with the bits of u, without impl.-defined casts */
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

#if defined(__ARM_ARCH_6M__) && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(ANNE_Q16_HALVES)
/* By hand, the C version below instruction for instruction: GCC's own allocation of it spills most of
 * the words (64 cycles per MAC). The pointers, the pair and the four halves fill the eight low
 * registers; wh waits in r8 and the end pointer is in r10. 27.5 cycles per MAC by the table: two LDMs
 * (4), the halves (4), four MULS (4), two MOVs, hi += wh xh (1), 4 for each middle product, 3 for
 * wl xl, and 3 of loop per two MACs (unrolled; for odd n the loop is entered at its second half). */
#define ANNE__Q16_MAC                                                                                  \
    "ldmia %[pw]!, {%[a]}\n\tldmia %[px]!, {%[b]}\n\t"                                                  \
    "asrs %[t], %[a], #16\n\tasrs %[u], %[b], #16\n\tuxth %[a], %[a]\n\tuxth %[b], %[b]\n\t"             \
    "mov %[s], %[t]\n\tmuls %[t], %[u], %[t]\n\tadds %[hi], %[hi], %[t]\n\t"  /* hi += wh xh */          \
    "muls %[u], %[a], %[u]\n\tlsls %[t], %[u], #16\n\tasrs %[u], %[u], #16\n\t" /* m = wl xh */           \
    "adds %[lo], %[lo], %[t]\n\tadcs %[hi], %[hi], %[u]\n\t"                                             \
    "mov %[t], %[s]\n\tmuls %[t], %[b], %[t]\n\tlsls %[u], %[t], #16\n\tasrs %[t], %[t], #16\n\t" /* wh xl */ \
    "adds %[lo], %[lo], %[u]\n\tadcs %[hi], %[hi], %[t]\n\t"                                             \
    "muls %[a], %[b], %[a]\n\tmovs %[b], #0\n\tadds %[lo], %[lo], %[a]\n\tadcs %[hi], %[hi], %[b]\n\t" /* wl xl */
#if defined(__GNUC__)
__attribute__((noinline)) /* inlined, its fixed registers make the unit loop around it spill */
#endif
static int64_t anne__dot_q16(const int32_t *w, const int32_t *x, uint16_t n) {
    uint32_t lo = 0, hi = 0, a, b, t = n, u;
    register uint32_t s __asm__("r8");
    register const int32_t *pend __asm__("r10") = w + n;
    if (n == 0) return 0;
    __asm__ volatile(".syntax unified\n\t"
                     "lsrs %[t], %[t], #1\n\t" /* n odd (carry set): start at the second MAC */
                     "bcs 2f\n"
                     "1:\n\t" ANNE__Q16_MAC
                     "2:\n\t" ANNE__Q16_MAC
                     "cmp %[pw], %[pend]\n\t"
                     "bne 1b\n\t"
                     ".syntax divided\n\t"
                     : [pw] "+l"(w), [px] "+l"(x), [lo] "+l"(lo), [hi] "+l"(hi), [a] "=&l"(a), [b] "=&l"(b),
                       [t] "+l"(t), [u] "=&l"(u), [s] "=&r"(s)
                     : [pend] "r"(pend)
                     : "cc", "memory");
    return anne__u2i64((uint64_t)hi << 32 | lo);
}
#else
static int32_t anne__hi16(int32_t x) { /* floor(x / 2^16): LSRS and SXTH */
    return (int32_t)(int16_t)(uint16_t)((uint32_t)x >> 16);
}

static int64_t anne__dot_q16(const int32_t *w, const int32_t *x, uint16_t n) {
    uint32_t lo = 0, hi = 0;
    const int32_t *end = w + n;
    while (w != end) {
        int32_t a = *w++, b = *x++, ah = anne__hi16(a), bh = anne__hi16(b), m;
        uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu, t;
        hi += (uint32_t)(ah * bh);
        m = (int32_t)al * bh;
        t = (uint32_t)m << 16;
        lo += t;
        hi += (uint32_t)anne__hi16(m) + (lo < t ? 1u : 0u);
        m = ah * (int32_t)bl;
        t = (uint32_t)m << 16;
        lo += t;
        hi += (uint32_t)anne__hi16(m) + (lo < t ? 1u : 0u);
        t = al * bl;
        lo += t;
        hi += lo < t ? 1u : 0u;
    }
    return anne__u2i64((uint64_t)hi << 32 | lo);
}
#endif
#endif

/* A unit's output: the Q32.32 sum rounded to Q16.16 (ties toward +inf) and saturated, as
 * anne__sat32(anne__round_shift64(acc, 16)), on the two words of acc + 2^-17: the result fits int32
 * exactly when the high word, as a signed number, is in [-2^15, 2^15); its bits are then the middle
 * 32 of the 64. (|acc| < 2^63 - 2^15 by the bounds below: the addition does not overflow.) */
static int32_t anne__q16_out(int64_t acc) {
    uint64_t u = (uint64_t)acc + 0x8000u;
    uint32_t hi = (uint32_t)(u >> 32), lo = (uint32_t)u;
    uint32_t v = (hi << 16) | (lo >> 16);
    if (hi + 0x8000u > 0xFFFFu) v = 0x7FFFFFFFu + (hi >> 31); /* INT32_MAX or INT32_MIN's bits */
    return v <= (uint32_t)INT32_MAX ? (int32_t)v : -(int32_t)(~v) - 1;
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void anne__q16_units(int32_t *out, const int32_t *in, const int32_t *kernel, const int32_t *bias,
                                   uint32_t n_in, uint32_t n_out) {
    const int32_t *w = kernel; /* (n_in): unit j's weights */
    uint32_t j;
    for (j = 0; j < n_out; j++, w += n_in) {
        /* |bias * 2^16| < 2^47 and sum |w_i x_i| <= 2^31 * 2^31 (row L1 bound): below 2^63 - 2^47 */
        int64_t acc = bias != NULL ? (int64_t)bias[j] * 65536 : 0;
#if defined(__ARM_ARCH_6M__) || defined(ANNE_Q16_HALVES)
        acc += anne__dot_q16(w, in, (uint16_t)n_in); /* n_in <= 65535: a record field of 16 bits */
#else
        const int32_t *wi = w, *xi = in, *w_end = w + n_in;
        while (wi != w_end) acc += (int64_t)*wi++ * *xi++;
#endif
        out[j] = anne__q16_out(acc);
    }
}

void anne_dense_forward_q16(int32_t *out, const int32_t *in, const int32_t *kernel, const int32_t *bias,
                            uint16_t n_in, uint16_t n_out) {
    anne__q16_units(out, in, kernel, bias, n_in, n_out);
}

/* The predict loop's entry (anne_dense_layer.h). */
void anne__dense_q16_layer(int32_t *out, const int32_t *in, const uint32_t *rec, const uint8_t *weights) {
    uint32_t head = rec[ANNE__L_KIND / 4u], shape = rec[ANNE__L_N_IN / 4u];
    anne__q16_units(out, in, (const int32_t *)(const void *)(weights + rec[ANNE__L_KERNEL_OFF / 4u]),
                    (head >> 24) & ANNE__L_FLAG_BIAS ? (const int32_t *)(const void *)(weights + rec[ANNE__L_BIAS_OFF / 4u])
                                                     : NULL,
                    shape & 0xFFFFu, shape >> 16);
}
