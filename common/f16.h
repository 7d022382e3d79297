/* common/f16.h: IEEE 754 binary16 <-> binary32 conversion.
 * f32_to_f16 rounds to nearest, ties to even; overflow gives +-inf; NaN stays
 * NaN (quiet). f16_to_f32 is exact. */
#ifndef WSEC_F16_H
#define WSEC_F16_H
#include <stdint.h>
uint16_t f32_to_f16(float f);
float f16_to_f32(uint16_t h);
/* Round an f32 value to the nearest f16 and back (the f16 "store" rounding). */
static inline float round_f16(float f) { return f16_to_f32(f32_to_f16(f)); }
#endif
