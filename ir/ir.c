/* ir/ir.c: IR construction and the small value types (shapes, boxes). */
#include "common/f16.h"
#include "ir/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const IrOpInfo ir_ops[IR__COUNT] = {
#define X(e, s, n, c, i, w, d) {s, n, c, i, w, d},
    IR_OPS(X)
#undef X
};
const char *const ir_buf_kind_names[BUF__COUNT] = {
#define X(e, s, d) s,
    IR_BUF_KINDS(X)
#undef X
};
const char *const ir_buf_kind_docs[BUF__COUNT] = {
#define X(e, s, d) d,
    IR_BUF_KINDS(X)
#undef X
};
const char *const ir_type_class_names[] = {
#define X(e, s, d) s,
    IR_TYPE_CLASSES(X)
#undef X
};

int ir_op_wdl_function(const char *name) {
  for (int k = 0; k < IR__COUNT; k++)
    if (ir_ops[k].isa >= 0 && !strcmp(ir_ops[k].wdl, name)) return k;
  return -1;
}

static const char *const dtype_names[] = {"f32", "f16", "bf16"};
const char *ir_dtype_name(DType t) { return dtype_names[t]; }
int ir_dtype_size(DType t) { return t == DT_F32 ? 4 : 2; }
bool ir_dtype_parse(const char *name, DType *t) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, dtype_names[i])) {
      *t = (DType)i;
      return true;
    }
  return false;
}
float ir_round(DType t, float f) { return t == DT_F16 ? round_f16(f) : t == DT_BF16 ? round_bf16(f) : f; }

int64_t shape_count(const Shape *s) {
  int64_t n = 1;
  for (int i = 0; i < s->rank; i++) n *= s->d[i];
  return n;
}
bool shape_eq(const Shape *a, const Shape *b) {
  if (a->rank != b->rank) return false;
  for (int i = 0; i < a->rank; i++)
    if (a->d[i] != b->d[i]) return false;
  return true;
}
char *shape_str(const Shape *s, char *out, size_t n) {
  int o = snprintf(out, n, "[");
  for (int i = 0; i < s->rank && o < (int)n; i++)
    o += snprintf(out + o, n - (size_t)o, "%s%lld", i ? ", " : "", (long long)s->d[i]);
  if (o < (int)n) snprintf(out + o, n - (size_t)o, "]");
  return out;
}

int64_t box_count(const Box *b, int rank) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= b->n[i];
  return n;
}
Box box_union(const Box *a, const Box *b, int rank) {
  Box r = {0};
  for (int i = 0; i < rank; i++) {
    int64_t lo = a->lo[i] < b->lo[i] ? a->lo[i] : b->lo[i];
    int64_t ha = a->lo[i] + a->n[i], hb = b->lo[i] + b->n[i];
    r.lo[i] = lo;
    r.n[i] = (ha > hb ? ha : hb) - lo;
  }
  return r;
}

bool box_intersect(const Box *a, const Box *b, int rank, Box *out) {
  Box r = {0};
  for (int i = 0; i < rank; i++) {
    int64_t lo = a->lo[i] > b->lo[i] ? a->lo[i] : b->lo[i];
    int64_t ha = a->lo[i] + a->n[i], hb = b->lo[i] + b->n[i];
    int64_t hi = ha < hb ? ha : hb;
    if (hi <= lo) return false;
    r.lo[i] = lo;
    r.n[i] = hi - lo;
  }
  *out = r;
  return true;
}
bool box_eq(const Box *a, const Box *b, int rank) {
  for (int i = 0; i < rank; i++)
    if (a->lo[i] != b->lo[i] || a->n[i] != b->n[i]) return false;
  return true;
}

const char *ir_stage_name(IrStage s) {
  static const char *const n[] = {"parsed", "infer", "fuse", "split", "place", "route", "lower", "alloc"};
  return (unsigned)s < ARRAY_LEN(n) ? n[s] : "?";
}

IrModule *ir_new(const char *name) {
  IrModule *m = xcalloc(1, sizeof *m);
  m->name = arena_strdup(&m->arena, name);
  m->target = "wse2";
  m->stage = STAGE_PARSED;
  return m;
}

void ir_free(IrModule *m) {
  if (!m) return;
  free(m->ops);
  free(m->nets);
  free(m->cores);
  arena_free(&m->arena);
  free(m);
}

/* Grow an array of n entries for one more: it holds at least the next power
 * of two above n (so appending is amortised O(1); shrinking, as pass_order
 * does, keeps that true). */
static void *grow(void *v, int n, size_t esize) {
  if (n == 0 || (n & (n - 1)) == 0) v = xrealloc(v, esize * (size_t)(n ? 2 * n : 1));
  return v;
}

IrOp *ir_add_op(IrModule *m, IrOpKind k, const char *name) {
  IrOp *op = ARENA_NEW(&m->arena, IrOp, 1);
  op->kind = k;
  op->name = arena_strdup(&m->arena, name);
  op->nargs = ir_ops[k].nargs;
  op->idx = m->nops;
  m->ops = grow(m->ops, m->nops, sizeof(IrOp *));
  m->ops[m->nops++] = op;
  return op;
}

IrOp *ir_add_temp(IrModule *m, IrOpKind k, IrOp *a, IrOp *b, SrcLoc loc) {
  IrOp *op = ir_add_op(m, k, arena_printf(&m->arena, "%d", m->nops));
  op->nargs = b ? 2 : a ? 1 : 0;
  op->arg[0] = a;
  op->arg[1] = b;
  op->loc = loc;
  return op;
}

IrOp *ir_concat_tree(IrModule *m, IrOp *const *parts, int n, int axis, IrOp *into, SrcLoc loc) {
  if (n == 1) return parts[0];
  IrOp *l = ir_concat_tree(m, parts, n / 2, axis, NULL, loc), *r = ir_concat_tree(m, parts + n / 2, n - n / 2, axis, NULL, loc);
  IrOp *c = into ? into : ir_add_temp(m, IR_CONCAT, NULL, NULL, loc);
  c->kind = IR_CONCAT;
  c->nargs = 2;
  c->arg[0] = l;
  c->arg[1] = r;
  c->axis = axis;
  c->typed = false;
  if (!ir_type_op(c)) die("a concat of %d parts along axis %d does not type", n, axis);
  return c;
}

IrNet *ir_add_net(IrModule *m) {
  IrNet *n = ARENA_NEW(&m->arena, IrNet, 1);
  n->id = m->nnets;
  n->color = -1;
  m->nets = grow(m->nets, m->nnets, sizeof(IrNet *));
  m->nets[m->nnets++] = n;
  return n;
}

IrCore *ir_add_core(IrModule *m, int x, int y) {
  IrCore *c = ARENA_NEW(&m->arena, IrCore, 1);
  c->x = x;
  c->y = y;
  m->cores = grow(m->cores, m->ncores, sizeof(IrCore *));
  m->cores[m->ncores++] = c;
  return c;
}

static bool rhs_only_from(const IrModule *m, const IrOp *v) {
  bool any = false;
  for (int i = v->idx + 1; i < m->nops; i++) {
    const IrOp *u = m->ops[i];
    for (int a = 0; a < u->nargs; a++) {
      if (u->arg[a] != v) continue;
      if (u->kind == IR_MATMUL && a == 1 && u->host_rhs) any = true;
      else if (ir_is_view_kind(u) && !u->placed && rhs_only_from(m, u)) any = true;
      else return false;
    }
  }
  return any;
}

bool ir_input_rhs_only(const IrModule *m, const IrOp *v) { return v->kind == IR_INPUT && !v->placed && !v->host && rhs_only_from(m, v); }

IrOp *ir_find_op(IrModule *m, const char *name) {
  for (int i = 0; i < m->nops; i++)
    if (m->ops[i]->kind != IR_OUTPUT && !strcmp(m->ops[i]->name, name)) return m->ops[i];
  return NULL;
}

void ir_renumber(IrModule *m) {
  for (int i = 0; i < m->nops; i++) m->ops[i]->idx = i;
}
