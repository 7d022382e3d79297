/* ir/param.c: a param's values from its initialiser (load / zeros / ones /
 * full / randn), rounded to f16 for f16 params. */
#include <stdio.h>
#include <stdlib.h>
#include "common/f16.h"
#include "common/npy.h"
#include "common/rng.h"
#include "ir/diag.h"

/* A value computed at compile time from constants: a slice, transpose,
 * reshape or concat of preloaded values. */
static bool derived(const IrOp *p) { return ir_is_view_kind(p) || p->kind == IR_CONCAT; }

/* The values of a PARAM or CONST, from its initialiser. */
static float *leaf_data(const IrOp *p) {
  int64_t n = shape_count(&p->shape);
  float *v = NULL;
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
    rng_randn_fill(v, n, p->seed, p->std, p->sparsity);
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

/* Derived values are computed with an explicit stack, not by recursion:
 * a model may chain 10^5 views of a param (let a1 = transpose(a0); ...),
 * which overflowed the C stack. Each frame waits for its operands'
 * values; a finished value goes to the frame below. No rounding after a
 * gather: its sources were rounded. */
typedef struct Frame { const IrOp *op; int next; float *arg[2]; } Frame;

float *ir_param_data(const IrOp *p) {
  if (!derived(p)) return leaf_data(p);
  VEC(Frame) st = {0};
  Frame f0 = {p, 0, {NULL, NULL}};
  VEC_PUSH(st, f0);
  float *result = NULL;
  bool failed = false;
  while (st.n && !failed) {
    Frame *f = &st.v[st.n - 1];
    float *v;
    if (f->next < f->op->nargs) {
      const IrOp *a = f->op->arg[f->next++];
      if (derived(a)) {
        Frame g = {a, 0, {NULL, NULL}};
        VEC_PUSH(st, g); /* f is stale from here */
        continue;
      }
      v = leaf_data(a);
      if (!v) {
        failed = true;
        break;
      }
      f->arg[f->next - 1] = v;
      continue;
    }
    v = ir_gather(f->op, f->arg[0], f->arg[1]);
    free(f->arg[0]);
    free(f->arg[1]);
    st.n--;
    if (st.n) {
      Frame *below = &st.v[st.n - 1];
      below->arg[below->next - 1] = v;
    } else {
      result = v;
    }
  }
  for (int i = 0; i < st.n; i++) { /* after a failure: the values still waiting */
    free(st.v[i].arg[0]);
    free(st.v[i].arg[1]);
  }
  VEC_FREE(st);
  return failed ? NULL : result;
}

float *ir_known_values(const IrOp *op) {
  if (op->kind == IR_PARAM) return ir_param_data(op);
  if (op->kind == IR_CONST) {
    float *v = xmalloc(sizeof(float));
    v[0] = ir_round(op->dt, (float)op->fill);
    return v;
  }
  float *a = ir_known_values(op->arg[0]), *b = NULL;
  if (!a) return NULL;
  if (op->nargs > 1 && !(b = ir_known_values(op->arg[1]))) {
    free(a);
    return NULL;
  }
  float *r = ir_gather(op, a, b);
  free(a);
  free(b);
  return r;
}
