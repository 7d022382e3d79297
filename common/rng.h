/* common/rng.h: the documented deterministic generator behind randn().
 *
 * state = seed; next64(): SplitMix64
 *   state += 0x9E3779B97F4A7C15; z = state;
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
 *   z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
 *   return z ^ (z >> 31);
 * uniform(): (next64() >> 11) * 2^-53, in [0, 1)
 * randn(): Box-Muller in double precision, one value per pair of uniforms:
 *   u1 = 1 - uniform()  (in (0,1]),  u2 = uniform();
 *   n = sqrt(-2 ln u1) * cos(2 pi u2)
 * param value i (C order) = (float)(std * n_i).
 * With sparsity s > 0 (randn(..., sparsity=s)) every value takes three
 * uniforms - u1, u2, then u3 - and is 0 when u3 < s.
 * tests/golden/wdlrand.py reimplements this independently in NumPy. */
#ifndef WSEC_RNG_H
#define WSEC_RNG_H
#include <stdint.h>
void rng_randn_fill(float *out, int64_t n, uint64_t seed, double std, double sparsity);
#endif
