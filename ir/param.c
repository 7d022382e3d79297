/* ir/param.c: a param's values from its initialiser (load / zeros / ones /
 * full / randn), rounded to f16 for f16 params. */
#include <stdio.h>
#include <stdlib.h>
#include "common/f16.h"
#include "common/npy.h"
#include "common/rng.h"
#include "ir/diag.h"

float *ir_param_data(const IrOp *p) {
  int64_t n = shape_count(&p->shape);
  float *v = NULL;
  if (ir_is_view_kind(p) || p->kind == IR_CONCAT) { /* a slice, transpose or concat of constants */
    float *src = ir_param_data(p->arg[0]), *src2 = p->nargs > 1 ? ir_param_data(p->arg[1]) : NULL;
    if (!src || (p->nargs > 1 && !src2)) {
      free(src);
      free(src2);
      return NULL;
    }
    v = ir_gather(p, src, src2);
    free(src);
    free(src2);
    return v; /* already rounded: the sources were */
  }
  switch (p->init) {
  case INIT_LOAD: {
    NpyArray a;
    char err[256];
    if (npy_read(p->path, &a, err, sizeof err) != 0) {
      diag_error(&p->loc, "param '%s': cannot load \"%s\": %s", p->name, p->path, err);
      return NULL;
    }
    Shape s = {a.rank > IR_MAXRANK ? IR_MAXRANK : a.rank, {0}};
    for (int i = 0; i < s.rank; i++) s.d[i] = a.dim[i];
    if (a.rank != p->shape.rank || !shape_eq(&s, &p->shape)) {
      char sa[64], sb[64];
      diag_error(&p->loc, "param '%s': load(\"%s\") has shape %s but '%s' is declared %s%s", p->name, p->path,
                 shape_str(&s, sa, sizeof sa), p->name, ir_dtype_name(p->dt), shape_str(&p->shape, sb, sizeof sb));
      npy_free(&a);
      return NULL;
    }
    v = a.data;
    break;
  }
  case INIT_RANDN:
    v = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
    rng_randn_fill(v, n, p->seed, p->std);
    break;
  default: {
    if (p->init == INIT_NONE) die("param %s has no initialiser", p->name);
    float f = p->init == INIT_ONES ? 1.0f : p->init == INIT_FULL ? (float)p->fill : 0.0f;
    v = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++) v[i] = f;
  }
  }
  if (p->dt != DT_F32)
    for (int64_t i = 0; i < n; i++) v[i] = ir_round(p->dt, v[i]);
  return v;
}
