/* targets/target.h: target descriptions (XML, validated against
 * targets/target.rng, parsed with libxml2 with no network access and no
 * external entities). Built-in targets (wse2 - the default, wse3, small,
 * tiny) are embedded into the binary. */
#ifndef WSEC_TARGET_H
#define WSEC_TARGET_H
#include <stdint.h>
#include <stddef.h>

typedef struct Target {
  char name[32];
  uint32_t grid_w, grid_h;     /* usable cores */
  uint32_t sram_bytes;
  uint32_t colors;
  uint32_t dsrs;
  uint32_t microthreads;
  uint32_t simd_f32, simd_f16; /* lanes per cycle */
  uint32_t queue_depth;        /* wavelets per color buffered at a router / ramp */
  uint32_t clock_mhz;
} Target;

/* NAME is a built-in name ("wse2") or a path ending in ".xml". Returns 0, or
 * -1 with a message in err ("FILE:LINE: error: ..." for a bad file, or
 * "unknown target 'x' (built-in targets: wse2, wse3, small, tiny)"). */
int target_load(const char *name, Target *t, char *err, size_t errlen);
/* Names of the built-in targets, NULL-terminated. */
extern const char *const target_builtin_names[];
#endif
