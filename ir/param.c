/* ir/param.c: a param's values from its initialiser (load / zeros / ones /
 * full / randn), rounded to f16 for f16 params. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "common/f16.h"
#include "common/npy.h"
#include "common/rng.h"
#include "ir/diag.h"

/* A value computed at compile time from constants: a slice, transpose,
 * reshape or concat of preloaded values. */
static bool derived(const IrOp *p) { return ir_is_view_kind(p) || p->kind == IR_CONCAT; }

/* ---- randn() values made ahead, on a thread of their own ----
 *
 * Drawing GPT-2 small's 85 M normal values takes seconds, and nothing the
 * passes decide changes them. ir_param_prefetch records the initialiser
 * of every large randn() param and draws their values on a second thread
 * while the passes run; leaf_data takes a param's values from there (the
 * first take waits for the thread), so the values are the same bytes
 * whatever the timing. The thread reads nothing of the module: each job
 * is a copy of what it needs. Values are kept in the param's dtype
 * (exact: they are rounded to it anyway), which halves the memory of f16
 * weights while they wait. */
typedef struct Pre {
  const IrOp *op;
  int64_t n;
  uint64_t seed;
  double std, sparsity;
  DType dt;
  void *v; /* n values of dt once drawn */
} Pre;
static struct {
  Pre *job;
  int n;
  bool running;
  pthread_t th;
  atomic_bool stop;
} pre;

/* Params smaller than this are drawn when asked for. */
#define PREFETCH_MIN 4096

static void *pre_main(void *arg) {
  (void)arg;
  for (int i = 0; i < pre.n && !atomic_load(&pre.stop); i++) {
    Pre *q = &pre.job[i];
    float *v = xmalloc(sizeof(float) * (size_t)q->n);
    rng_randn_fill(v, q->n, q->seed, q->std, q->sparsity);
    if (q->dt != DT_F32) { /* in place, front to back: element k's 2 bytes overwrite what was read already */
      uint8_t *b = (uint8_t *)v;
      for (int64_t k = 0; k < q->n; k++) {
        float f;
        memcpy(&f, b + 4 * k, 4);
        uint16_t h = q->dt == DT_F16 ? f32_to_f16(f) : f32_to_bf16(f);
        memcpy(b + 2 * k, &h, 2);
      }
      v = xrealloc(v, 2 * (size_t)q->n);
    }
    q->v = v;
  }
  return NULL;
}

static int cmp_pre(const void *a, const void *b) {
  uintptr_t p = (uintptr_t)((const Pre *)a)->op, q = (uintptr_t)((const Pre *)b)->op;
  return (p > q) - (p < q);
}

void ir_param_prefetch(const IrModule *m) {
  if (pre.job) return;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *p = m->ops[i];
    if (p->kind != IR_PARAM || p->init != INIT_RANDN || shape_count(&p->shape) < PREFETCH_MIN) continue;
    pre.job = xrealloc(pre.job, sizeof(Pre) * (size_t)(pre.n + 1));
    pre.job[pre.n++] = (Pre){p, shape_count(&p->shape), p->seed, p->std, p->sparsity, p->dt, NULL};
  }
  if (!pre.n) return;
  qsort(pre.job, (size_t)pre.n, sizeof(Pre), cmp_pre);
  atomic_store(&pre.stop, false);
  pre.running = pthread_create(&pre.th, NULL, pre_main, NULL) == 0; /* else drawn when asked for */
}

void ir_param_prefetch_end(void) {
  atomic_store(&pre.stop, true);
  if (pre.running) pthread_join(pre.th, NULL);
  pre.running = false;
  for (int i = 0; i < pre.n; i++) free(pre.job[i].v);
  free(pre.job);
  pre.job = NULL;
  pre.n = 0;
}

/* p's drawn values as f32, or NULL (not prefetched, or taken already). */
static float *pre_take(const IrOp *p) {
  if (!pre.n) return NULL;
  if (pre.running) {
    pthread_join(pre.th, NULL);
    pre.running = false;
  }
  Pre key = {.op = p};
  Pre *q = bsearch(&key, pre.job, (size_t)pre.n, sizeof(Pre), cmp_pre);
  if (!q || !q->v) return NULL;
  float *v = q->v;
  if (q->dt != DT_F32) {
    const uint8_t *b = q->v;
    v = xmalloc(sizeof(float) * (size_t)q->n);
    for (int64_t k = 0; k < q->n; k++) {
      uint16_t h;
      memcpy(&h, b + 2 * k, 2);
      v[k] = q->dt == DT_F16 ? f16_to_f32(h) : bf16_to_f32(h);
    }
    free(q->v);
  }
  q->v = NULL;
  return v;
}

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
    if ((v = pre_take(p))) return v; /* rounded already */
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
