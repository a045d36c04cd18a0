/* PCG32 random numbers (O'Neill, XSH RR 64/32): integer arithmetic only, so a seed gives the same
 * weights, shuffles and splits on every target. */
#include "anne_train.h"

#define ANNE__PCG_MULT 6364136223846793005ull

uint32_t anne_rng_u32(anne_rng *rng) {
    uint64_t old = rng->state;
    uint32_t xorshifted, rot;
    rng->state = old * ANNE__PCG_MULT + rng->inc;
    xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

void anne_rng_seed(anne_rng *rng, uint64_t seed, uint64_t stream) {
    /* pcg32_srandom_r of the reference implementation */
    rng->state = 0u;
    rng->inc = (stream << 1u) | 1u;
    (void)anne_rng_u32(rng);
    rng->state += seed;
    (void)anne_rng_u32(rng);
}

float anne_rng_uniform(anne_rng *rng) {
    return (float)(anne_rng_u32(rng) >> 8u) * (1.0f / 16777216.0f);
}

uint32_t anne_rng_below(anne_rng *rng, uint32_t n) {
    /* rejection of the low values that would make some results more likely (pcg32_boundedrand_r) */
    uint32_t threshold, r;
    if (n <= 1u) return 0u;
    threshold = (0u - n) % n;
    do {
        r = anne_rng_u32(rng);
    } while (r < threshold);
    return r % n;
}
