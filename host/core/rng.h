/* rng.h — a small seeded generator (splitmix64 seeding xoshiro256**), so
 * random scenes and points are reproducible from one 64-bit seed. */
#ifndef DRT_HOST_RNG_H
#define DRT_HOST_RNG_H

#include <stdint.h>

typedef struct drt__rng {
  uint64_t s[4];
} drt__rng;

void drt__rng_seed(drt__rng *rng, uint64_t seed);
uint64_t drt__rng_next(drt__rng *rng);
/* Uniform double in [0, 1), 53 random bits. */
double drt__rng_uniform(drt__rng *rng);

#endif
