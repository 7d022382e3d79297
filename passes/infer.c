/* passes/infer.c: shape/type inference and canonical op order.
 *
 * 1. Types. Ops are visited in order (operands first). Elementwise binary
 *    ops need equal dtypes and NumPy-broadcastable shapes: shapes are
 *    right-aligned, and along each axis the sizes must be equal or one of
 *    them 1; the result takes the larger. A matmul needs two rank-2
 *    operands [M,K] and [K,N] and gives [M,N]. Every error names both
 *    shapes and the axis; all errors are reported, an op whose operand
 *    failed is skipped silently.
 * 2. Canonical order. So that the image does not depend on the order of
 *    declarations, ops are re-listed as a post-order walk from the outputs
 *    (sorted by name), operands in operand order; inputs nobody uses come
 *    last, sorted by name; unused params and dead lets are dropped.
 *    Temporaries (all-digit names) are renamed by their new position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "passes/passes.h"

static const char *op_symbol(IrOpKind k) {
  switch (k) {
  case IR_ADD: return "+";
  case IR_SUB: return "-";
  case IR_MUL: return "*";
  case IR_DIV: return "/";
  case IR_MATMUL: return "@";
  case IR_RMAX: return "max";
  default: return ir_ops[k].name;
  }
}

static char *type_str(const IrOp *v, char *buf, size_t n) {
  char s[96];
  snprintf(buf, n, "%s%s", ir_dtype_name(v->dt), shape_str(&v->shape, s, sizeof s));
  return buf;
}

/* A literal takes the dtype of what it meets (f32 if it meets only literals). */
static void type_const(IrOp *c, DType dt) {
  if (c->kind != IR_CONST || c->typed) return;
  c->typed = true;
  c->dt = dt;
  c->shape.rank = 0;
}

/* NumPy broadcasting of shapes a and b, right-aligned to rank r, over the
 * first n axes of the result: sets out->d[0..n). Returns -1, or the first
 * axis whose sizes disagree (neither is 1), with the sizes in *da, *db. */
static int broadcast(const Shape *a, const Shape *b, int r, int n, Shape *out, int64_t *da, int64_t *db) {
  for (int k = 0; k < n; k++) {
    int ia = k - (r - a->rank), ib = k - (r - b->rank);
    *da = ia >= 0 ? a->d[ia] : 1;
    *db = ib >= 0 ? b->d[ib] : 1;
    if (*da != *db && *da != 1 && *db != 1) return k;
    out->d[k] = *da > *db ? *da : *db;
  }
  return -1;
}

bool pass_type_op(IrOp *op) {
  if (op->nargs == 2) {
    IrOp *a = op->arg[0], *b = op->arg[1];
    if (a->kind == IR_CONST && b->typed) type_const(a, b->dt);
    if (b->kind == IR_CONST && a->typed) type_const(b, a->dt);
  }
  for (int i = 0; i < op->nargs; i++) type_const(op->arg[i], DT_F32);
  for (int i = 0; i < op->nargs; i++)
    if (!op->arg[i]->typed) return false; /* already reported */
  IrOp *a = op->arg[0], *b = op->nargs > 1 ? op->arg[1] : NULL;
  char ta[128], tb[128];
  if (b && a->dt != b->dt) {
    diag_error(&op->loc, "operands of '%s' have different dtypes: %s and %s", op_symbol(op->kind),
               ir_dtype_name(a->dt), ir_dtype_name(b->dt));
    diag_note(&a->loc, "the left operand is %s", type_str(a, ta, sizeof ta));
    diag_note(&b->loc, "the right operand is %s", type_str(b, tb, sizeof tb));
    return false;
  }
  if (op->kind != IR_CAST) op->dt = a->dt; /* a cast's dtype came from the source */
  switch (op->kind) {
  case IR_NEG:
  case IR_RELU:
  case IR_ABS:
  case IR_EXP:
  case IR_LOG:
  case IR_SQRT:
  case IR_RSQRT:
  case IR_TANH:
  case IR_SIGMOID:
  case IR_GELU:
  case IR_CAST:
  case IR_OUTPUT:
    op->shape = a->shape;
    break;
  case IR_SUM:
  case IR_MEAN:
  case IR_RMAX: {
    if (a->shape.rank == 0) {
      diag_error(&op->loc, "%s() of a scalar: there is no axis to reduce", op_symbol(op->kind));
      return false;
    }
    int ax = op->axis < 0 ? op->axis + a->shape.rank : op->axis;
    if (ax < 0 || ax >= a->shape.rank) {
      diag_error(&op->loc, "axis %d is out of range for %s (rank %d: axis must be in [%d, %d])", op->axis,
                 type_str(a, ta, sizeof ta), a->shape.rank, -a->shape.rank, a->shape.rank - 1);
      return false;
    }
    op->axis = ax;
    op->shape.rank = 0;
    for (int k = 0; k < a->shape.rank; k++) {
      if (k == ax && !op->keepdims) continue;
      op->shape.d[op->shape.rank++] = k == ax ? 1 : a->shape.d[k];
    }
    break;
  }
  case IR_TRANSPOSE: {
    int r = a->shape.rank;
    bool seen[IR_MAXRANK] = {false}, ok = true;
    for (int k = 0; k < r; k++) {
      int j = op->perm[k];
      ok = ok && j >= 0 && j < r && !seen[j];
      if (j >= 0 && j < r) seen[j] = true;
    }
    if (!ok) {
      char pb[64];
      int o = 0;
      for (int k = 0; k < r; k++) o += snprintf(pb + o, sizeof pb - (size_t)o, "%s%d", k ? ", " : "", op->perm[k]);
      diag_error(&op->loc, "transpose perm=[%s] is not a permutation of the %d axes of %s (each of 0..%d once)", pb, r,
                 type_str(a, ta, sizeof ta), r - 1);
      return false;
    }
    op->shape.rank = r;
    for (int k = 0; k < r; k++) op->shape.d[k] = a->shape.d[op->perm[k]];
    break;
  }
  case IR_RESHAPE: /* the target shape was set when the op was made */
    if (shape_count(&op->shape) != shape_count(&a->shape)) {
      char sb[64];
      diag_error(&op->loc, "cannot reshape %s (%lld elements) to %s (%lld elements)", type_str(a, ta, sizeof ta),
                 (long long)shape_count(&a->shape), shape_str(&op->shape, sb, sizeof sb),
                 (long long)shape_count(&op->shape));
      return false;
    }
    break;
  case IR_SLICE: {
    int ax = op->axis < 0 ? op->axis + a->shape.rank : op->axis;
    if (a->shape.rank == 0 || ax < 0 || ax >= a->shape.rank) {
      diag_error(&op->loc, "axis %d is out of range for %s (rank %d)", op->axis, type_str(a, ta, sizeof ta), a->shape.rank);
      return false;
    }
    int64_t d = a->shape.d[ax];
    if (op->start < 0) op->start += d;
    if (op->end < 0) op->end += d;
    if (op->start < 0 || op->end > d || op->start >= op->end) {
      diag_error(&op->loc, "slice [%lld:%lld] of axis %d is empty or outside %s (that axis has %lld)", (long long)op->start,
                 (long long)op->end, ax, type_str(a, ta, sizeof ta), (long long)d);
      return false;
    }
    op->axis = ax;
    op->shape = a->shape;
    op->shape.d[ax] = op->end - op->start;
    break;
  }
  case IR_CONCAT: {
    int r = a->shape.rank;
    int ax = op->axis < 0 ? op->axis + r : op->axis;
    bool ok = r == b->shape.rank && ax >= 0 && ax < r;
    for (int k = 0; k < r && ok; k++) ok = k == ax || a->shape.d[k] == b->shape.d[k];
    if (!ok) {
      diag_error(&op->loc, "cannot concatenate %s and %s along axis %d: the other axes must match", type_str(a, ta, sizeof ta),
                 type_str(b, tb, sizeof tb), op->axis);
      return false;
    }
    op->axis = ax;
    op->shape = a->shape;
    op->shape.d[ax] += b->shape.d[ax];
    break;
  }
  case IR_MATMUL: {
    /* NumPy matmul: [.., M, K] @ [.., K, N] -> [.., M, N], the batch axes
     * (all but the last two) broadcast against each other. */
    int ra = a->shape.rank, rb = b->shape.rank;
    if (ra < 2 || rb < 2) {
      diag_error(&op->loc, "'@' needs operands of rank 2 to 4 (matrices or batches of them), got %s @ %s",
                 type_str(a, ta, sizeof ta), type_str(b, tb, sizeof tb));
      return false;
    }
    if (a->shape.d[ra - 1] != b->shape.d[rb - 2]) {
      diag_error(&op->loc, "matmul shapes %s @ %s: inner dimensions %lld and %lld differ", type_str(a, ta, sizeof ta),
                 type_str(b, tb, sizeof tb), (long long)a->shape.d[ra - 1], (long long)b->shape.d[rb - 2]);
      diag_note(&a->loc, "the left operand is %s", ta);
      diag_note(&b->loc, "the right operand is %s", tb);
      return false;
    }
    int r = ra > rb ? ra : rb, k;
    int64_t da, db;
    op->shape.rank = r;
    if ((k = broadcast(&a->shape, &b->shape, r, r - 2, &op->shape, &da, &db)) >= 0) {
      diag_error(&op->loc, "matmul shapes %s @ %s: batch axis %d has %lld vs %lld", type_str(a, ta, sizeof ta),
                 type_str(b, tb, sizeof tb), k - r, (long long)da, (long long)db);
      diag_note(&a->loc, "the left operand is %s", ta);
      diag_note(&b->loc, "the right operand is %s", tb);
      return false;
    }
    op->shape.d[r - 2] = a->shape.d[ra - 2];
    op->shape.d[r - 1] = b->shape.d[rb - 1];
    break;
  }
  default: { /* broadcasting */
    int r = a->shape.rank > b->shape.rank ? a->shape.rank : b->shape.rank, k;
    int64_t da, db;
    op->shape.rank = r;
    if ((k = broadcast(&a->shape, &b->shape, r, r, &op->shape, &da, &db)) >= 0) {
      diag_error(&op->loc, "cannot broadcast %s with %s: axis %d has %lld vs %lld", type_str(a, ta, sizeof ta),
                 type_str(b, tb, sizeof tb), k - r, (long long)da, (long long)db);
      diag_note(&a->loc, "the left operand is %s", ta);
      diag_note(&b->loc, "the right operand is %s", tb);
      return false;
    }
  }
  }
  op->typed = true;
  return true;
}

static int cmp_name(const void *x, const void *y) {
  return strcmp((*(IrOp *const *)x)->name, (*(IrOp *const *)y)->name);
}

static void visit(IrOp *op, bool *seen, IrOp **out, int *n) {
  if (seen[op->idx]) return;
  seen[op->idx] = true;
  for (int i = 0; i < op->nargs; i++) visit(op->arg[i], seen, out, n);
  out[(*n)++] = op;
}

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

bool pass_infer(IrModule *m, const Target *t) {
  (void)t;
  bool ok = true;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (op->kind == IR_INPUT || op->kind == IR_PARAM) continue;
    if (op->kind == IR_CONST) continue; /* typed where it is used */
    if (!op->typed && !pass_type_op(op)) ok = false;
    if (op->kind == IR_OUTPUT && op->typed && ir_is_preloaded(op->arg[0])) {
      if (op->arg[0]->kind == IR_PARAM)
        diag_error(&op->loc, "output '%s' is the parameter '%s'; outputs must be computed values or inputs", op->name,
                   op->arg[0]->name);
      else
        diag_error(&op->loc, "output '%s' is a constant; outputs must be computed values or inputs", op->name);
      ok = false;
    }
  }
  for (int i = 0; i < m->nops; i++)
    for (int j = i + 1; j < m->nops; j++)
      if (m->ops[i]->kind == IR_OUTPUT && m->ops[j]->kind == IR_OUTPUT && !strcmp(m->ops[i]->name, m->ops[j]->name)) {
        diag_error(&m->ops[j]->loc, "output '%s' is defined twice", m->ops[j]->name);
        ok = false;
      }
  if (!ok) return false;
  pass_order(m);
  return true;
}

void pass_order(IrModule *m) {
  /* Canonical order. */
  ir_renumber(m);
  int n = 0, nout = 0, nin = 0;
  bool *seen = xcalloc((size_t)m->nops + 1, 1);
  IrOp **order = xcalloc((size_t)m->nops + 1, sizeof(IrOp *));
  IrOp **outs = xcalloc((size_t)m->nops + 1, sizeof(IrOp *));
  IrOp **ins = xcalloc((size_t)m->nops + 1, sizeof(IrOp *));
  for (int i = 0; i < m->nops; i++) {
    if (m->ops[i]->kind == IR_OUTPUT) outs[nout++] = m->ops[i];
    if (m->ops[i]->kind == IR_INPUT) ins[nin++] = m->ops[i];
  }
  qsort(outs, (size_t)nout, sizeof(IrOp *), cmp_name);
  qsort(ins, (size_t)nin, sizeof(IrOp *), cmp_name);
  for (int i = 0; i < nout; i++) visit(outs[i], seen, order, &n);
  for (int i = 0; i < nin; i++)
    if (!seen[ins[i]->idx]) visit(ins[i], seen, order, &n);
  memcpy(m->ops, order, sizeof(IrOp *) * (size_t)n);
  m->nops = n;
  ir_renumber(m);
  for (int i = 0; i < n; i++)
    if (all_digits(m->ops[i]->name)) m->ops[i]->name = arena_printf(&m->arena, "%d", i);
  free(seen);
  free(order);
  free(outs);
  free(ins);
}
