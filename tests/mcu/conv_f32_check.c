/* anne_conv2d_forward_f32 and anne_depthwise_conv2d_forward_f32 (depth multipliers 1 and 2) at many shapes (input channels not a multiple of 4, output channels not a
 * multiple of 8, 1x1 and 3x3 and 5x1 kernels, a kernel as large as the input, strides, dilations, TF's
 * 'same' padding), with and without bias, run on the host and on the boards by
 * tests/cli/mcu_kernels_f32.sh: every output must have the bits of a plain scalar sum in the documented
 * order (+0, then the products over ky, kx, c, each rounded, padding positions skipped, bias last),
 * nothing outside the output may be written, and the hash of all outputs must be the host's (the script
 * compares). On the M33 this checks the eight-channel FPU paths against the contract; on the host and
 * the M0+ the reference loops. Exit 0: all agree; 1: a difference. */
#include "anne_ops.h"
#include "f32_check.h"

typedef struct anne_chk_case {
    uint16_t h, w, c, out_c, kh, kw, stride, dilation, same;
} anne_chk_case;

static const anne_chk_case anne_chk_cases[] = {
    {6, 6, 4, 8, 3, 3, 1, 1, 0},  {6, 6, 4, 8, 3, 3, 1, 1, 1},   {7, 5, 5, 9, 3, 3, 1, 1, 1},
    {5, 7, 6, 16, 3, 3, 2, 1, 1}, {8, 8, 16, 16, 3, 3, 1, 1, 1}, {8, 8, 16, 17, 3, 3, 2, 1, 0},
    {7, 7, 8, 24, 3, 3, 1, 2, 1}, {9, 9, 3, 8, 3, 3, 1, 1, 1},   {6, 6, 1, 8, 3, 3, 1, 1, 0},
    {5, 5, 9, 7, 3, 3, 1, 1, 1},  {4, 4, 12, 8, 1, 1, 1, 1, 0},  {5, 5, 7, 15, 1, 1, 2, 1, 1},
    {4, 4, 8, 8, 4, 4, 1, 1, 0},  {4, 4, 8, 8, 4, 4, 1, 1, 1},   {1, 20, 6, 16, 1, 5, 1, 1, 0},
    {1, 20, 6, 16, 1, 5, 1, 1, 1}, {1, 17, 16, 32, 1, 3, 2, 1, 1}, {1, 12, 13, 11, 1, 3, 1, 3, 1},
};

#define ANNE_CHK_MAX_IN (9u * 9u * 16u)
#define ANNE_CHK_MAX_KERNEL (32u * 3u * 3u * 16u)
#define ANNE_CHK_MAX_OUT (9u * 9u * 32u)

static float anne_chk_x[ANNE_CHK_MAX_IN];
static float anne_chk_k[ANNE_CHK_MAX_KERNEL];
static float anne_chk_b[32];
static float anne_chk_want[ANNE_CHK_MAX_OUT];
static float anne_chk_got[ANNE_CHK_MAX_OUT + 2u]; /* out[-1] and out[n] are guards */

/* TF's output size and leading padding on one axis ('same': ceil(n / stride) outputs, the padding's
 * smaller half first; 'valid': none). */
static uint16_t anne_chk_axis(uint16_t n, uint16_t k, uint16_t stride, uint16_t dilation, uint16_t same,
                              uint16_t *pad) {
    uint32_t span = (uint32_t)dilation * (k - 1u) + 1u, out, total;
    if (!same) {
        *pad = 0;
        return (uint16_t)((n - span) / stride + 1u);
    }
    out = (n + stride - 1u) / stride;
    total = (out - 1u) * stride + span;
    *pad = (uint16_t)(total > n ? (total - n) / 2u : 0u);
    return (uint16_t)out;
}

/* The references: each output's sum, plainly, in the documented order, reading the input as a padded
 * plane would be read (padding positions skipped: they add nothing, not even a -0 product). Conv2D:
 * kernel (out.c, kh, kw, in.c), the products over ky, kx, c. Depthwise: kernel (kh, kw, out.c), output
 * channel o = c * m + j filters input channel c alone, the products over ky, kx. Bias last. */
static void anne_chk_reference(float *out, const float *in, const float *kernel, const float *bias,
                               const anne_window_params *p, int depthwise) {
    const anne_window *win = p->win;
    uint32_t m = p->out.c / p->in.c, y, x, o, ky, kx, c;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            for (o = 0; o < p->out.c; o++) {
                float acc = 0.0f;
                for (ky = 0; ky < win->kernel_h; ky++) {
                    for (kx = 0; kx < win->kernel_w; kx++) {
                        int32_t iy = (int32_t)(y * win->stride_h + ky * win->dilation_h) - win->pad_top;
                        int32_t ix = (int32_t)(x * win->stride_w + kx * win->dilation_w) - win->pad_left;
                        uint32_t tap = ky * win->kernel_w + kx;
                        const float *src;
                        if (iy < 0 || ix < 0 || iy >= (int32_t)p->in.h || ix >= (int32_t)p->in.w) continue;
                        src = in + ((uint32_t)iy * p->in.w + (uint32_t)ix) * p->in.c;
                        if (depthwise) {
                            float prod = kernel[tap * p->out.c + o] * src[o / m];
                            acc = acc + prod;
                            continue;
                        }
                        for (c = 0; c < p->in.c; c++) {
                            float prod = kernel[(o * win->kernel_h * win->kernel_w + tap) * p->in.c + c] * src[c];
                            acc = acc + prod;
                        }
                    }
                }
                *out++ = bias ? acc + bias[o] : acc;
            }
        }
    }
}

/* Fills the input, kernel and bias (n values each) for variant k: bit 0 with bias; k >= 2 zero inputs
 * and negative weights (every product -0, every sum +0). Returns the bias or NULL. */
static const float *anne_chk_fill(uint32_t n_in, uint32_t n_kernel, uint32_t n_bias, uint32_t k) {
    unsigned zero_x = k >= 2u;
    uint32_t i;
    for (i = 0; i < n_in; i++) anne_chk_x[i] = zero_x ? 0.0f : anne_chk_value();
    for (i = 0; i < n_kernel; i++) {
        float v = anne_chk_value();
        anne_chk_k[i] = zero_x ? -1.0f - (v < 0.0f ? -v : v) : v;
    }
    for (i = 0; i < n_bias; i++) anne_chk_b[i] = zero_x ? 0.0f : anne_chk_value();
    return (k & 1u) ? anne_chk_b : NULL;
}

/* Compares the kernel's n outputs (between guards) with the reference's; prints what differs. */
static uint32_t anne_chk_compare(const char *what, uint32_t a, uint32_t k, uint32_t n) {
    uint32_t diff = anne_chk_differences(anne_chk_got + 1, anne_chk_want, n);
    if (anne_chk_bits(anne_chk_got[0]) != ANNE_CHK_GUARD || anne_chk_bits(anne_chk_got[n + 1u]) != ANNE_CHK_GUARD) {
        diff++;
        anne_port_puts("  written outside out: ");
    }
    if (diff != 0u) {
        anne_port_puts("FAIL: ");
        anne_port_puts(what);
        anne_port_puts(", case ");
        anne_port_put_u32(a);
        anne_port_puts((k & 1u) ? ", bias" : ", no bias");
        anne_port_puts(k >= 2u ? ", zero inputs: " : ": ");
        anne_port_put_u32(diff);
        anne_port_puts(" outputs differ from the scalar sum\n");
    }
    return diff;
}

static void anne_chk_guards(uint32_t n) {
    uint32_t i;
    for (i = 0; i < n + 2u; i++) anne_chk_got[i] = anne_chk_float(ANNE_CHK_GUARD);
}

int anne_app_main(int argc, char **argv) {
    uint32_t hash = 2166136261u, bad = 0, cases = 0, a, k;
    (void)argc;
    (void)argv;
    for (a = 0; a < sizeof anne_chk_cases / sizeof anne_chk_cases[0]; a++) {
        const anne_chk_case *t = &anne_chk_cases[a];
        anne_window win;
        anne_window_params p;
        uint32_t n_in, n_kernel, n_out;
        win.kernel_h = t->kh;
        win.kernel_w = t->kw;
        win.stride_h = t->h > 1u ? t->stride : 1u;
        win.stride_w = t->stride;
        win.dilation_h = t->h > 1u ? t->dilation : 1u;
        win.dilation_w = t->dilation;
        p.in.h = t->h;
        p.in.w = t->w;
        p.in.c = t->c;
        p.out.h = anne_chk_axis(t->h, t->kh, win.stride_h, win.dilation_h, t->same, &win.pad_top);
        p.out.w = anne_chk_axis(t->w, t->kw, win.stride_w, win.dilation_w, t->same, &win.pad_left);
        p.out.c = t->out_c;
        p.win = &win;
        n_in = (uint32_t)t->h * t->w * t->c;
        n_kernel = (uint32_t)t->out_c * t->kh * t->kw * t->c;
        n_out = (uint32_t)p.out.h * p.out.w * p.out.c;
        for (k = 0; k < 4u; k++) {
            const float *bias = anne_chk_fill(n_in, n_kernel, t->out_c, k);
            anne_chk_reference(anne_chk_want, anne_chk_x, anne_chk_k, bias, &p, 0);
            anne_chk_guards(n_out);
            anne_conv2d_forward_f32(anne_chk_got + 1, anne_chk_x, anne_chk_k, bias, &p);
            bad += anne_chk_compare("conv2d", a, k, n_out);
            hash = anne_chk_hash(hash, anne_chk_got + 1, n_out);
            cases++;
        }
        for (k = 0; k < 8u; k++) { /* depthwise, multiplier 1 (k < 4) and 2 */
            uint32_t m = k < 4u ? 1u : 2u;
            const float *bias = anne_chk_fill(n_in, (uint32_t)t->kh * t->kw * t->c * m, t->c * m, k & 3u);
            p.out.c = (uint16_t)(t->c * m);
            n_out = (uint32_t)p.out.h * p.out.w * p.out.c;
            anne_chk_reference(anne_chk_want, anne_chk_x, anne_chk_k, bias, &p, 1);
            anne_chk_guards(n_out);
            anne_depthwise_conv2d_forward_f32(anne_chk_got + 1, anne_chk_x, anne_chk_k, bias, &p);
            bad += anne_chk_compare("depthwise", a, k, n_out);
            hash = anne_chk_hash(hash, anne_chk_got + 1, n_out);
            cases++;
        }
    }
    return anne_chk_report(cases, bad, hash, anne_chk_got + 1);
}
