/* MEAN over positions in int8 (TFLite's MEAN over axes [1, 2], Keras' GlobalAveragePooling in an int8
 * model), the reference kernel of anne_quant_ops.h: TFLite's reference_ops::QuantizedMeanOrSum, an
 * exact int32 sum per channel, requantized once by a multiplier into which the host folded 1 / n. */
#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_s8_out.h"

void anne_mean_forward_s8(int8_t *out, const int8_t *in, uint32_t n, uint16_t c, const anne_s8_mean_params *p) {
    uint32_t pos, ch;
    for (ch = 0; ch < c; ch++) {
        const int8_t *v = in + ch; /* (n) with stride c: channel ch of every position */
        int32_t sum = 0;
        for (pos = 0; pos < n; pos++, v += c) sum += *v; /* |sum| <= 128 n <= 2^31 */
        /* TFLite subtracts the zero point once, from the sum: |sum - n in_zp| <= 255 n < 2^31 */
        out[ch] = anne__s8_out(anne_requantize(sum - (int32_t)n * p->in_zp, p->multiplier, p->shift), p->out_zp,
                               -128, 127);
    }
}
