/* Private: inlining control for the runtime's kernels, in one place. Why: on the Cortex-M0+ the stack
 * high-water mark is the sum of the frames of the deepest call chain, and GCC's -Os inlining decides
 * those frames. ANNE__NOINLINE keeps a helper out of its callers, so a caller's frame does not carry
 * the helper's registers and 64-bit temporaries on every path (a frame of its own, only where it is
 * called); ANNE__ALWAYS_INLINE puts per-unit work into its one caller (no call per unit). */
#ifndef ANNE_INLINE_H
#define ANNE_INLINE_H

#if defined(__GNUC__)
#define ANNE__NOINLINE __attribute__((noinline))
#define ANNE__ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ANNE__NOINLINE
#define ANNE__ALWAYS_INLINE static inline
#endif

#endif /* ANNE_INLINE_H */
