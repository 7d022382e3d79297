/* common/machine.c: the rows of MACHINE_PARAMS as data (common/machine.h). */
#include "common/machine.h"

#include <stdio.h>

const MachineParam machine_params[MP__COUNT] = {
#define X(f, e, a, lo, hi, mul, img, dflt, doc) {#f, e, a, lo, hi, mul, img, dflt, offsetof(Machine, f), doc},
    MACHINE_PARAMS(X)
#undef X
};

int machine_image_count(void) {
  int n = 0;
  for (int i = 0; i < MP__COUNT; i++) n += machine_params[i].in_image;
  return n;
}

const char *machine_check(int i, uint32_t v) {
  static char why[96];
  const MachineParam *p = &machine_params[i];
  if (v < p->min || v > p->max) {
    if (p->min == p->max) snprintf(why, sizeof why, "is not supported (wsecc's machine model has exactly %u)", p->min);
    else snprintf(why, sizeof why, "must be a whole number in [%u, %u]", p->min, p->max);
    return why;
  }
  if (v % p->multiple) {
    snprintf(why, sizeof why, "is not a multiple of %u", p->multiple);
    return why;
  }
  return NULL;
}
