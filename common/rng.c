/* common/rng.c: SplitMix64 + Box-Muller; see rng.h for the exact recipe. */
#include "common/rng.h"
#include <math.h>

static uint64_t next64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double uniform(uint64_t *s) { return (double)(next64(s) >> 11) * 0x1.0p-53; }

void rng_randn_fill(float *out, int64_t n, uint64_t seed, double std, double sparsity) {
  uint64_t s = seed;
  for (int64_t i = 0; i < n; i++) {
    double u1 = 1.0 - uniform(&s);
    double u2 = uniform(&s);
    double v = sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2);
    out[i] = (float)(std * v);
    if (sparsity > 0 && uniform(&s) < sparsity) out[i] = 0.0f;
  }
}
