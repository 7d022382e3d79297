/* passes/mapping.c: the tiling scheme (see mapping.h and docs/mapping.md).
 *
 * A box is always expressed in the value's own index space (its real rank);
 * the matrix view is only how rows and columns are chosen:
 *   rank 2: rows = axis 0, cols = axis 1
 *   rank 1: rows = (none, one row), cols = axis 0
 *   rank 0: a single element.
 */
#include <limits.h>
#include <stdio.h>
#include "passes/mapping.h"

void map_chunk(int64_t n, int parts, int i, int64_t *lo, int64_t *len) {
  int64_t base = n / parts, rem = n % parts;
  *len = base + (i < rem ? 1 : 0);
  *lo = i * base + (i < rem ? i : rem);
}

void map_matrix(const Shape *s, int64_t *rows, int64_t *cols) {
  if (s->rank >= 2) {
    *rows = s->d[s->rank - 2];
    *cols = s->d[s->rank - 1];
  } else if (s->rank == 1) {
    *rows = 1;
    *cols = s->d[0];
  } else {
    *rows = 1;
    *cols = 1;
  }
}

int64_t map_batch(const Shape *s) {
  int64_t n = 1;
  for (int k = 0; k + 2 < s->rank; k++) n *= s->d[k];
  return n;
}

/* Build a box of a value from matrix rows/cols ranges; batch axes (all but
 * the last two) are whole. */
static Box box_from_matrix(const Shape *s, int64_t r0, int64_t rn, int64_t c0, int64_t cn) {
  Box b = {0};
  if (s->rank >= 2) {
    for (int k = 0; k + 2 < s->rank; k++) b.n[k] = s->d[k];
    b.lo[s->rank - 2] = r0; b.n[s->rank - 2] = rn;
    b.lo[s->rank - 1] = c0; b.n[s->rank - 1] = cn;
  } else if (s->rank == 1) {
    b.lo[0] = c0; b.n[0] = cn;
  }
  return b;
}

void map_box_matrix(const IrOp *v, const Box *b, int64_t *r0, int64_t *rn, int64_t *c0, int64_t *cn) {
  int r = v->shape.rank;
  if (r >= 2) {
    *r0 = b->lo[r - 2]; *rn = b->n[r - 2];
    *c0 = b->lo[r - 1]; *cn = b->n[r - 1];
  } else if (r == 1) {
    *r0 = 0; *rn = 1;
    *c0 = b->lo[0]; *cn = b->n[0];
  } else {
    *r0 = 0; *rn = 1; *c0 = 0; *cn = 1;
  }
}

bool map_streamable(const IrModule *m, const IrOp *op) { return m->exec_stream && map_weights_matmul(op); }

bool *map_output_named(const IrModule *m) {
  bool *named = xcalloc((size_t)m->nops + 1, 1);
  for (int i = 0; i < m->nops; i++)
    if (m->ops[i]->kind == IR_OUTPUT) named[m->ops[i]->arg[0]->idx] = true;
  return named;
}

bool map_host_rhs(const IrModule *m, const IrOp *op, const bool *named) {
  if (op->kind != IR_MATMUL || map_streamable(m, op) || m->resident) return false;
  const IrOp *v = op->arg[1];
  while (ir_is_view_kind(v) && !named[v->idx]) v = v->arg[0];
  return v->kind == IR_INPUT;
}

void map_resident_box(const IrOp *v, int w, int h, int cx, int cy, Box *out) {
  Box b = {0};
  int r = v->shape.rank, c = r - 1; /* rank 2 [M, F] or rank 1 [F] */
  if (r == 2) map_chunk(v->shape.d[0], h, cy, &b.lo[0], &b.n[0]);
  if (v->shape.d[c] == 1) b.n[c] = 1;
  else map_chunk(v->shape.d[c], w, cx, &b.lo[c], &b.n[c]);
  *out = b;
}

int *map_last_uses(const IrModule *m) {
  int *last = xmalloc(sizeof(int) * ((size_t)m->nops + 1));
  for (int i = 0; i < m->nops; i++) {
    last[i] = i;
    for (int a = 0; a < m->ops[i]->nargs; a++) {
      int *l = &last[m->ops[i]->arg[a]->idx];
      *l = m->ops[i]->kind == IR_OUTPUT ? INT_MAX : *l > i ? *l : i;
    }
  }
  return last;
}

bool map_weights_matmul(const IrOp *op) {
  return op->kind == IR_MATMUL && ir_is_preloaded(op->arg[1]) && !ir_is_preloaded(op->arg[0]) &&
         op->arg[0]->shape.rank >= 2 && op->arg[1]->shape.rank == 2;
}

int64_t map_param_bytes(const IrModule *m, const IrOp **big) {
  int64_t bytes = 0;
  const IrOp *b = NULL;
  for (int i = 0; i < m->nops; i++)
    if (m->ops[i]->kind == IR_PARAM) {
      bytes += shape_count(&m->ops[i]->shape) * ir_dtype_size(m->ops[i]->dt);
      if (!b || shape_count(&m->ops[i]->shape) > shape_count(&b->shape)) b = m->ops[i];
    }
  if (big) *big = b;
  return bytes;
}

bool map_resident_ok(const IrModule *m, char *why, size_t n) {
  char tmp[8];
  if (!why) why = tmp, n = sizeof tmp;
#define NO(op, ...) do { \
    int o_ = snprintf(why, n, "%%%s (%s, line %d) ", (op)->name, ir_ops[(op)->kind].name, (op)->loc.line); \
    if (o_ >= 0 && (size_t)o_ < n) snprintf(why + o_, n - (size_t)o_, __VA_ARGS__); \
    return false; \
  } while (0)
  int64_t M = -1;
  const IrOp *first = NULL;
  bool any = false;
  if (!m->exec_stream) return snprintf(why, n, "the model is not compiled with --exec=stream"), false;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->kind == IR_OUTPUT) {
      if (ir_is_preloaded(op->arg[0])) NO(op, "names a value known at compile time");
      continue;
    }
    if (ir_is_preloaded(op)) continue;
    if (op->kind != IR_INPUT && op->kind != IR_MATMUL && !ir_is_reduction(op) && !ir_is_elementwise(op))
      NO(op, "is a %s: the resident layout has no slices, transposes, concats or reshapes yet", ir_ops[op->kind].name);
    int r = op->shape.rank;
    if (r < 1 || r > 2) NO(op, "is of rank %d: the resident layout holds matrices [tokens, features] and vectors", r);
    if (r == 2 && M >= 0 && op->shape.d[0] != M)
      NO(op, "has %lld rows where %%%s has %lld: the resident layout holds one number of tokens", (long long)op->shape.d[0],
         first->name, (long long)M);
    if (r == 2 && M < 0) M = op->shape.d[0], first = op;
    if (r == 1 && op->kind != IR_INPUT && !ir_is_elementwise(op)) NO(op, "is a vector that is not an input or an elementwise op");
    if (op->kind == IR_INPUT) continue;
    if (op->kind == IR_MATMUL) {
      if (!map_streamable(m, op))
        NO(op, "multiplies two activations (its weights are not known at compile time): the resident layout has no "
               "activation x activation matmuls yet");
      any = true;
    } else if (ir_is_reduction(op)) {
      if (op->axis != 1 || !op->keepdims) NO(op, "reduces other than each row with keepdims=true");
    } else if (ir_is_elementwise(op)) {
      for (int a = 0; a < op->nargs; a++) {
        const IrOp *p = op->arg[a];
        int pr = p->shape.rank;
        if (ir_is_preloaded(p)) {
          if (pr > 2) NO(op, "has a preloaded operand of rank %d", pr);
          continue;
        }
        int64_t pf = p->shape.d[pr - 1], of = op->shape.d[op->shape.rank - 1]; /* rank 1 or 2: checked at p */
        if (pf != of && pf != 1) NO(op, "broadcasts an activation along its features");
      }
    }
  }
#undef NO
  if (!any) return snprintf(why, n, "the model has no matmul by weights to stream"), false;
  return true;
}

void map_matmul_chunks(const IrOp *op, int cx, int cy, int64_t *k0, int64_t *kn,
                       int64_t *n0, int64_t *nn) {
  if (op->stream) { /* K and N both over the columns (the weights are [K, N]) */
    map_chunk(op->arg[1]->shape.d[0], op->place.w, cx, k0, kn);
    map_chunk(op->arg[1]->shape.d[1], op->place.w, cx, n0, nn);
    return;
  }
  int64_t K = op->arg[0]->shape.d[op->arg[0]->shape.rank - 1], N = op->shape.d[op->shape.rank - 1];
  /* K chunks go down the rows in order, except where the left operand's
   * cores lie to the west and (by their centre) higher, or to the east and
   * lower: then its columns (nearest first) feed the rows from the bottom
   * up, so that the routes (vertical, then horizontal) do not cross. */
  const IrOp *a = map_root(op->arg[0], NULL);
  const Rect *r = &a->place, *o = &op->place;
  bool up = 2 * r->y + r->h < 2 * o->y + o->h, down = 2 * r->y + r->h > 2 * o->y + o->h; /* centres */
  bool rev = a->placed && ((r->x + r->w <= o->x && up) || (r->x >= o->x + o->w && down));
  map_chunk(K, o->h, rev ? o->h - 1 - cy : cy, k0, kn);
  map_chunk(N, op->place.w, cx, n0, nn);
}

const IrOp *map_root(const IrOp *v, ViewMap *m) {
  ViewMap vm;
  vm.rank = v->shape.rank;
  for (int k = 0; k < IR_MAXRANK; k++) {
    vm.perm[k] = k;
    vm.off[k] = 0;
  }
  while (ir_is_view_kind(v) && !v->placed) {
    /* compose: view index -> index in v's source */
    if (v->kind == IR_SLICE) {
      /* t[a] = s[a] + start: the offset of source axis a grows */
      ViewMap nm = vm;
      nm.off[v->axis] += v->start;
      vm = nm;
    } else {
      /* transpose: v[m] = s[P[m]], so axis m of v becomes axis P[m] of
       * the source, offsets included */
      ViewMap nm = vm;
      for (int k = 0; k < vm.rank; k++) nm.perm[k] = v->perm[vm.perm[k]];
      for (int m = 0; m < v->shape.rank; m++) nm.off[v->perm[m]] = vm.off[m];
      vm = nm;
    }
    v = v->arg[0];
  }
  if (m) *m = vm;
  return v;
}

Box map_view_box(const ViewMap *m, const Box *b) {
  Box r = {0};
  for (int k = 0; k < m->rank; k++) {
    r.lo[m->perm[k]] = b->lo[k] + m->off[m->perm[k]];
    r.n[m->perm[k]] = b->n[k];
  }
  return r;
}

bool map_batch_reduce(const IrOp *op) {
  return ir_is_reduction(op) && op->arg[0]->shape.rank > 2 && op->axis < op->arg[0]->shape.rank - 2;
}

bool map_reduces_cols(const IrOp *op) {
  const Shape *s = &op->arg[0]->shape;
  return s->rank == 1 || op->axis == s->rank - 1;
}

int64_t map_reduce_acc(const IrOp *op, int cx, int cy, Box *out) {
  const IrOp *a = op->arg[0];
  int ra = a->shape.rank;
  int64_t R, C, r0, rn, c0, cn, nb = map_batch(&a->shape);
  map_matrix(&a->shape, &R, &C);
  map_chunk(R, op->place.h, cy, &r0, &rn);
  map_chunk(C, op->place.w, cx, &c0, &cn);
  Box b = {0};
  for (int k = 0; k + 2 < ra; k++) b.n[k] = a->shape.d[k]; /* batch axes: whole */
  if (map_reduces_cols(op)) {
    if (ra >= 2) { /* out [.., R, 1] or [.., R] */
      b.lo[ra - 2] = r0;
      b.n[ra - 2] = rn;
      b.lo[ra - 1] = 0;
      b.n[ra - 1] = 1;
    } else { /* out [1] or [] */
      b.lo[0] = 0;
      b.n[0] = 1;
    }
    *out = b;
    return ra >= 2 ? nb * rn : 1;
  }
  if (op->keepdims) { /* out [.., 1, C] */
    b.lo[ra - 2] = 0;
    b.n[ra - 2] = 1;
    b.lo[ra - 1] = c0;
    b.n[ra - 1] = cn;
  } else { /* out [.., C] */
    b.lo[ra - 2] = c0;
    b.n[ra - 2] = cn;
  }
  *out = b;
  return nb * cn;
}

void map_matmul_acc(const IrOp *op, int cx, Box *out) {
  int64_t k0, kn, n0, nn;
  map_matmul_chunks(op, cx, 0, &k0, &kn, &n0, &nn);
  *out = box_from_matrix(&op->shape, 0, op->shape.d[op->shape.rank - 2], n0, nn);
}

bool map_held(const IrOp *op, int cx, int cy, Box *out) {
  if (!op->placed) return false;
  if (ir_is_reduction(op) && !map_batch_reduce(op)) {
    bool last = map_reduces_cols(op) ? cx == op->place.w - 1 : cy == op->place.h - 1;
    if (!last) return false;
    int64_t n = map_reduce_acc(op, cx, cy, out);
    return n > 0;
  }
  if (op->kind == IR_RESHAPE) { /* one column (or row); contiguous runs of C order */
    int s = map_reshape_axis(&op->shape);
    Box b = {0};
    for (int k = 0; k < op->shape.rank; k++) b.n[k] = op->shape.d[k];
    bool row = op->place.w > 1; /* (map_reshape_row_ok) */
    if (op->shape.rank) map_chunk(op->shape.d[s], row ? op->place.w : op->place.h, row ? cx : cy, &b.lo[s], &b.n[s]);
    *out = b;
    return (row ? cy : cx) == 0 && (!op->shape.rank || b.n[s] > 0);
  }
  if (op->kind == IR_MATMUL && op->stream) { /* rows over y, N over x: an elementwise op's tiling (batches whole) */
    int64_t r0, rn, n0, nn, r = op->shape.rank;
    map_chunk(op->shape.d[r - 2], op->place.h, cy, &r0, &rn);
    map_chunk(op->shape.d[r - 1], op->place.w, cx, &n0, &nn);
    if (rn <= 0 || nn <= 0) return false;
    *out = box_from_matrix(&op->shape, r0, rn, n0, nn);
    return true;
  }
  if (op->kind == IR_MATMUL) {
    if (cy != op->place.h - 1) return false;
    map_matmul_acc(op, cx, out);
    return out->n[op->shape.rank - 1] > 0;
  }
  int64_t R, C, r0, rn, c0, cn;
  map_matrix(&op->shape, &R, &C);
  map_chunk(R, op->place.h, cy, &r0, &rn);
  map_chunk(C, op->place.w, cx, &c0, &cn);
  if (rn <= 0 || cn <= 0) return false;
  *out = box_from_matrix(&op->shape, r0, rn, c0, cn);
  return true;
}

bool map_shares_operand(const IrOp *op) {
  return op->nargs == 2 && op->arg[0] == op->arg[1] && ir_is_elementwise(op);
}

bool map_need(const IrOp *op, int argi, int cx, int cy, Box *out) {
  const IrOp *a = op->arg[argi];
  Box b = {0};
  if (op->kind == IR_MATMUL && op->stream) { /* A's rows of the core's row, its column's K chunk; B streams in */
    int64_t r0, rn, k0, kn;
    map_chunk(op->shape.d[op->shape.rank - 2], op->place.h, cy, &r0, &rn);
    map_chunk(a->shape.d[a->shape.rank - 1], op->place.w, cx, &k0, &kn);
    if (argi != 0 || rn <= 0 || kn <= 0) return false;
    *out = box_from_matrix(&a->shape, r0, rn, k0, kn);
    return true;
  }
  if (op->kind == IR_MATMUL) {
    int64_t k0, kn, n0, nn;
    map_matmul_chunks(op, cx, cy, &k0, &kn, &n0, &nn);
    if (kn <= 0 || nn <= 0) return false;
    if (argi == 0) *out = box_from_matrix(&a->shape, 0, a->shape.d[a->shape.rank - 2], k0, kn);
    else *out = box_from_matrix(&a->shape, k0, kn, n0, nn);
    return true;
  }
  if (map_batch_reduce(op)) { /* the result's box, with the whole reduced axis */
    Box o;
    if (!map_held(op, cx, cy, &o)) return false;
    int ax = op->axis;
    for (int k = 0, j = 0; k < a->shape.rank; k++) {
      if (k == ax) {
        b.lo[k] = 0;
        b.n[k] = a->shape.d[k];
        j += op->keepdims;
        continue;
      }
      b.lo[k] = o.lo[j];
      b.n[k] = o.n[j];
      j++;
    }
    *out = b;
    return true;
  }
  if (ir_is_reduction(op)) { /* the operand's tile, split like an elementwise op's */
    int64_t R, C, r0, rn, c0, cn;
    map_matrix(&a->shape, &R, &C);
    map_chunk(R, op->place.h, cy, &r0, &rn);
    map_chunk(C, op->place.w, cx, &c0, &cn);
    if (rn <= 0 || cn <= 0) return false;
    *out = box_from_matrix(&a->shape, r0, rn, c0, cn);
    return true;
  }
  if (op->kind == IR_RESHAPE) {
    Box o;
    if (!map_held(op, cx, cy, &o)) return false;
    int64_t f0 = map_flat(&op->shape, o.lo), n = box_count(&o, op->shape.rank);
    *out = map_flat_bounds(&a->shape, f0, n);
    return true;
  }
  if (op->kind == IR_TRANSPOSE || op->kind == IR_SLICE || op->kind == IR_CONCAT) {
    Box o;
    if (!map_held(op, cx, cy, &o)) return false;
    b = o;
    if (op->kind == IR_TRANSPOSE) {
      for (int k = 0; k < op->shape.rank; k++) {
        b.lo[op->perm[k]] = o.lo[k];
        b.n[op->perm[k]] = o.n[k];
      }
    } else if (op->kind == IR_SLICE) {
      b.lo[op->axis] += op->start;
    } else if (op->kind == IR_CONCAT) {
      int64_t da = op->arg[0]->shape.d[op->axis];
      int64_t lo = o.lo[op->axis], hi = lo + o.n[op->axis];
      int64_t rlo = argi == 0 ? 0 : da, rhi = argi == 0 ? da : op->shape.d[op->axis];
      if (lo < rlo) lo = rlo;
      if (hi > rhi) hi = rhi;
      if (hi <= lo) return false;
      b.lo[op->axis] = lo - rlo;
      b.n[op->axis] = hi - lo;
    }
    *out = b;
    return true;
  }
  /* Elementwise: the output tile, mapped through NumPy broadcasting
   * (operand axes right-aligned; an operand axis of size 1 is broadcast). */
  Box o;
  if (!map_held(op, cx, cy, &o)) return false;
  int off = op->shape.rank - a->shape.rank;
  for (int k = 0; k < a->shape.rank; k++) {
    if (a->shape.d[k] == 1) {
      b.lo[k] = 0;
      b.n[k] = 1;
    } else {
      b.lo[k] = o.lo[k + off];
      b.n[k] = o.n[k + off];
    }
  }
  *out = b;
  return true;
}

/* ---- reshape: runs of C order ---- */

int map_reshape_axis(const Shape *s) {
  for (int k = 0; k < s->rank; k++)
    if (s->d[k] > 1) return k;
  return 0;
}

bool map_reshape_row_ok(const Shape *s) { return s->rank && map_reshape_axis(s) == s->rank - 1; }

int64_t map_flat(const Shape *s, const int64_t *idx) {
  int64_t f = 0;
  for (int k = 0; k < s->rank; k++) f = f * s->d[k] + idx[k];
  return f;
}

static void unflat(const Shape *s, int64_t f, int64_t *idx) {
  for (int k = s->rank - 1; k >= 0; k--) {
    idx[k] = f % s->d[k];
    f /= s->d[k];
  }
}

Box map_flat_bounds(const Shape *s, int64_t f0, int64_t n) {
  Box b = {0};
  if (s->rank == 0) return b;
  int64_t A[IR_MAXRANK], B[IR_MAXRANK];
  unflat(s, f0, A);
  unflat(s, f0 + n - 1, B);
  int k = 0;
  while (k < s->rank && A[k] == B[k]) k++;
  for (int j = 0; j < s->rank; j++) {
    if (j < k) {
      b.lo[j] = A[j];
      b.n[j] = 1;
    } else if (j == k) {
      b.lo[j] = A[j];
      b.n[j] = B[j] - A[j] + 1;
    } else { /* below the first axis that differs the run wraps: whole */
      b.lo[j] = 0;
      b.n[j] = s->d[j];
    }
  }
  return b;
}

/* Pieces of [f0, f0+n) below axis k, inside the slab whose indices on the
 * axes before k are idx[0..k). */
static int pieces(const Shape *s, int k, int64_t *idx, int64_t f0, int64_t n, Box *out, int np) {
  if (n <= 0) return np;
  int64_t slab = 1; /* elements per step of axis k */
  for (int j = k + 1; j < s->rank; j++) slab *= s->d[j];
  int64_t base = 0; /* flat index of the start of this slab */
  for (int j = 0; j < k; j++) base = base * s->d[j] + idx[j];
  base *= s->d[k] * slab;
  int64_t a = f0 - base, e = a + n; /* relative to the slab */
  int64_t a1 = (a + slab - 1) / slab * slab, e0 = e / slab * slab;
  if (a1 > e0) { /* inside one step of axis k: go down */
    idx[k] = a / slab;
    return pieces(s, k + 1, idx, f0, n, out, np);
  }
  if (a < a1) { /* the head: the end of step a/slab */
    idx[k] = a / slab;
    np = pieces(s, k + 1, idx, f0, a1 - a, out, np);
  }
  if (e0 > a1) { /* whole steps */
    Box b = {0};
    for (int j = 0; j < k; j++) {
      b.lo[j] = idx[j];
      b.n[j] = 1;
    }
    b.lo[k] = a1 / slab;
    b.n[k] = (e0 - a1) / slab;
    for (int j = k + 1; j < s->rank; j++) b.n[j] = s->d[j];
    out[np++] = b;
  }
  if (e > e0) { /* the tail: the start of step e0/slab */
    idx[k] = e0 / slab;
    np = pieces(s, k + 1, idx, base + e0, e - e0, out, np);
  }
  return np;
}

int map_perm_lead(const int *perm, int rank) {
  int p = rank ? rank - 1 : 0;
  while (p > 0 && perm[p - 1] < perm[p]) p--;
  return p;
}

int64_t map_perm_runs(const IrOp *tr) {
  int64_t n = 1;
  int perm[IR_MAXRANK];
  for (int k = 0; k < tr->shape.rank; k++) perm[k] = tr->perm[k];
  for (int k = 0; k < map_perm_lead(perm, tr->shape.rank); k++) n *= tr->shape.d[k];
  return n;
}

int map_flat_pieces(const Shape *s, int64_t f0, int64_t n, Box *out) {
  int64_t idx[IR_MAXRANK] = {0};
  if (s->rank == 0) {
    out[0] = (Box){{0}, {0}};
    return 1;
  }
  return pieces(s, 0, idx, f0, n, out, 0);
}
