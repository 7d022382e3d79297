/* targets/target.h: target descriptions (XML, validated against
 * targets/target.rng, parsed with libxml2 with no network access and no
 * external entities). Built-in targets (wse2 - the default, wse3, small,
 * tiny) are embedded into the binary. */
#ifndef WSEC_TARGET_H
#define WSEC_TARGET_H
#include <stdint.h>
#include <stddef.h>
#include "common/machine.h"

/* The machine parameters (common/machine.h: one table for the reader, the
 * image and the simulator). */
typedef Machine Target;

/* NAME is a built-in name ("wse2") or a path ending in ".xml". Returns 0, or
 * -1 with a message in err ("FILE:LINE: error: ..." for a bad file, or
 * "unknown target 'x' (built-in targets: wse2, wse3, small, tiny)"). */
int target_load(const char *name, Target *t, char *err, size_t errlen);
/* Names of the built-in targets, NULL-terminated. */
extern const char *const target_builtin_names[];
#endif
