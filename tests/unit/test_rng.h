/* Test helper shared by the seeded random tiers: xorshift64* (Marsaglia,
 * "Xorshift RNGs", 2003; Vigna's * multiplier), deterministic per seed. */
#ifndef VTOP_TEST_RNG_H
#define VTOP_TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

#endif
