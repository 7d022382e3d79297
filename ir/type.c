/* ir/type.c: the type of an op from its operands' types.
 *
 * Each op is typed by its typing class in the op table (ir/ir.h): unary
 * elementwise ops keep their operand's type; binary ones need equal dtypes
 * and NumPy-broadcastable shapes (right-aligned; along each axis the sizes
 * are equal or one of them is 1, and the result takes the larger); a
 * matmul [.., M, K] @ [.., K, N] gives [.., M, N] with the batch axes
 * broadcast; and so on. Every error names both shapes and the axis.
 * The frontend types each op as it builds it, the infer pass types a
 * parsed module, and passes that add ops type them the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "ir/ir.h"

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

bool ir_type_op(IrOp *op) {
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
  if (ir_ops[op->kind].ty != TY_CAST) op->dt = a->dt; /* a cast's dtype came from the source */
  switch (ir_ops[op->kind].ty) {
  case TY_LEAF:
    die("ir_type_op: %%%s is a leaf (input, param and const are typed where they are declared or used)", op->name);
  case TY_UNARY:
  case TY_CAST:
  case TY_OUTPUT:
    op->shape = a->shape;
    break;
  case TY_REDUCE: {
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
  case TY_TRANSPOSE: {
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
  case TY_RESHAPE: /* the target shape was set when the op was made */
    if (shape_count(&op->shape) != shape_count(&a->shape)) {
      char sb[64];
      diag_error(&op->loc, "cannot reshape %s (%lld elements) to %s (%lld elements)", type_str(a, ta, sizeof ta),
                 (long long)shape_count(&a->shape), shape_str(&op->shape, sb, sizeof sb),
                 (long long)shape_count(&op->shape));
      return false;
    }
    break;
  case TY_SLICE: {
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
  case TY_CONCAT: {
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
  case TY_MATMUL: {
    /* NumPy matmul: [.., M, K] @ [.., K, N] -> [.., M, N], the batch axes
     * (all but the last two) broadcast against each other. */
    int ra = a->shape.rank, rb = b->shape.rank;
    if (ra < 2 || rb < 2) {
      diag_error(&op->loc, "'@' needs operands of rank 1 to 4 (vectors, matrices or batches of them), got %s @ %s",
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
  case TY_BINARY: { /* broadcasting */
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

