/* common/f16.h: IEEE 754 binary16 and bfloat16 <-> binary32 conversion.
 * f32_to_f16 rounds to nearest, ties to even; overflow gives +-inf; NaN stays
 * NaN (quiet). f16_to_f32 is exact. */
#ifndef WSEC_F16_H
#define WSEC_F16_H
#include <stdint.h>
#include <string.h>
uint16_t f32_to_f16(float f);
float f16_subnormal_to_f32(uint16_t h);
/* exact; inline because the simulator converts every f16 element it reads */
static inline float f16_to_f32(uint16_t h) {
  uint32_t exp = (h >> 10) & 0x1fu;
  if (exp == 0) return f16_subnormal_to_f32(h);
  uint32_t x = ((uint32_t)(h & 0x8000u) << 16) | ((uint32_t)(h & 0x3ffu) << 13);
  x |= exp == 31 ? 0x7f800000u : (exp - 15 + 127) << 23;
  float f;
  memcpy(&f, &x, 4);
  return f;
}
/* Round an f32 value to the nearest f16 and back (the f16 "store" rounding). */
static inline float round_f16(float f) { return f16_to_f32(f32_to_f16(f)); }

/* bfloat16: the top half of a binary32. f32_to_bf16 rounds to nearest, ties
 * to even (overflow gives +-inf); NaN stays NaN (quiet). */
static inline uint16_t f32_to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}
static inline float bf16_to_f32(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static inline float round_bf16(float f) { return bf16_to_f32(f32_to_bf16(f)); }
#endif
