/* passes/heads.c: attention heads split by reshape become one chain per head
 * (part of the fuse pass: pass_fuse calls fuse_heads first).
 *
 * docs/wdl.md writes multi-head attention the NumPy way:
 *
 *   qh = transpose(reshape(q, [S, H, D]), perm=[1, 0, 2])    [H, S, D]
 *   kt = transpose(reshape(k, [S, H, D]), perm=[1, 2, 0])    [H, D, S]
 *   o  = reshape(transpose(softmax(qh @ kt) @ vh, perm=[1, 0, 2]), [S, H*D])
 *
 * Mapped as written, the heads are a batch axis, whole on every core
 * (docs/mapping.md): each reshape and transpose moves every element across
 * the fabric to cores that hold all H heads at once, and at GPT-2's sizes
 * that neither fits nor routes. But head h of qh is just columns
 * [h*D, (h+1)*D) of q: a slice, a view that reads q's own cores. So the
 * batch is taken apart: every op between the head splits and the head
 * merge is made once per head, on [S, D] slices, and the merge becomes a
 * concat of the heads along axis 1 - the form examples/gpt2_small.wdl
 * writes by hand. Every output element is the same arithmetic as before
 * (each head's ops see exactly the elements of their batch index).
 *
 * Algorithm. A head split is TRANSPOSE perm [1, 0, 2] or [1, 2, 0] of a
 * RESHAPE of a 2-D [S, F] value to [S, H, F/H]. In op order, an op is split
 * too when an operand is split and the op is one of: elementwise (its other
 * operand not batched: rank below the op's, broadcast to every head), a
 * matmul (the other operand split the same way or 2-D), a reduction over an
 * axis other than the heads, or a transpose that keeps the head axis
 * first. A TRANSPOSE perm [1, 0, 2] of a split [H, S, D] value whose every
 * user is a RESHAPE to [S, H*D] is a merge: each such reshape becomes the
 * heads' concat (a balanced tree; the reshape op is its root, so its users
 * and name stay). If any split value has another kind of user (an output,
 * a reduction over the heads, a reshape of another shape) nothing is
 * rewritten: the batched form is compiled as written.
 */
#include <stdlib.h>
#include <string.h>
#include "passes/passes.h"

/* H if op is a head split (see above), else 0. */
static int64_t head_split(const IrOp *op) {
  if (op->kind != IR_TRANSPOSE || op->shape.rank != 3) return 0;
  const IrOp *r = op->arg[0], *x = r->arg[0];
  if (r->kind != IR_RESHAPE || x->shape.rank != 2 || r->shape.rank != 3) return 0;
  if (r->shape.d[0] != x->shape.d[0] || r->shape.d[1] * r->shape.d[2] != x->shape.d[1]) return 0;
  bool qv = op->perm[0] == 1 && op->perm[1] == 0 && op->perm[2] == 2, kt = op->perm[0] == 1 && op->perm[1] == 2 && op->perm[2] == 0;
  return (qv || kt) && r->shape.d[1] >= 2 ? r->shape.d[1] : 0;
}

/* Whether op, some operand of which is split into H heads (nh[] per op
 * index, 0: not split), can be split too; see the block comment. */
static bool splits(const IrOp *op, const int64_t *nh, int64_t H) {
  int r = op->shape.rank;
  if (r < 1 || op->shape.d[0] != H) return false;
  for (int a = 0; a < op->nargs; a++) {
    const IrOp *p = op->arg[a];
    if (nh[p->idx]) {
      if (nh[p->idx] != H || p->shape.rank != r) return false;
    } else if (p->shape.rank >= r && !(op->kind == IR_MATMUL && p->shape.rank == 2)) {
      return false; /* it has a head axis of its own (of size 1 or H) */
    }
  }
  if (ir_is_elementwise(op)) return true;
  if (op->kind == IR_MATMUL) return r == 3;
  if (ir_is_reduction(op)) return op->keepdims && (op->axis < 0 ? op->axis + r : op->axis) != 0; /* [H, S, 1] */
  if (op->kind == IR_TRANSPOSE) return op->perm[0] == 0;
  return false;
}

/* A head merge: TRANSPOSE perm [1, 0, 2] of a split [H, S, D] value. */
static bool merge_transpose(const IrOp *op, const int64_t *nh) {
  return op->kind == IR_TRANSPOSE && op->shape.rank == 3 && nh[op->arg[0]->idx] && op->perm[0] == 1 && op->perm[1] == 0 &&
         op->perm[2] == 2;
}

/* ... and a RESHAPE of one to [S, H*D]. */
static bool merge_reshape(const IrOp *op, const int64_t *nh) {
  if (op->kind != IR_RESHAPE || !merge_transpose(op->arg[0], nh)) return false;
  const Shape *t = &op->arg[0]->shape;
  return op->shape.rank == 2 && op->shape.d[0] == t->d[0] && op->shape.d[1] == t->d[1] * t->d[2];
}

static IrOp *typed(IrOp *op) {
  if (!ir_type_op(op)) die("heads: a per-head %s does not type", ir_ops[op->kind].name);
  return op;
}

void fuse_heads(IrModule *m) {
  int n0 = m->nops;
  ir_renumber(m);
  int64_t *nh = xcalloc((size_t)n0 + 1, sizeof(int64_t));
  bool any = false;
  for (int i = 0; i < n0; i++) {
    IrOp *op = m->ops[i];
    int64_t H = head_split(op);
    for (int a = 0; a < op->nargs && !H; a++)
      if (nh[op->arg[a]->idx] && splits(op, nh, nh[op->arg[a]->idx])) H = nh[op->arg[a]->idx];
    nh[i] = H;
    any |= H > 0;
  }
  /* every user of a split value is split, a merge transpose, or (of a merge
   * transpose) a merge reshape: else the batch stays as written */
  bool ok = any;
  for (int i = 0; i < n0 && ok; i++) {
    const IrOp *op = m->ops[i];
    if (nh[i]) continue;
    for (int a = 0; a < op->nargs; a++) {
      const IrOp *p = op->arg[a];
      if (nh[p->idx] && !merge_transpose(op, nh)) ok = false;
      if (merge_transpose(p, nh) && !merge_reshape(op, nh)) ok = false;
    }
  }
  if (!ok) {
    free(nh);
    return;
  }
  IrOp ***per = xcalloc((size_t)n0 + 1, sizeof(IrOp **));
  for (int i = 0; i < n0; i++) {
    IrOp *op = m->ops[i];
    if (merge_reshape(op, nh)) {
      IrOp **heads = per[op->arg[0]->arg[0]->idx];
      ir_concat_tree(m, heads, (int)nh[op->arg[0]->arg[0]->idx], 1, op, op->loc);
      continue;
    }
    if (!nh[i]) continue;
    int64_t H = nh[i];
    per[i] = xcalloc((size_t)H, sizeof(IrOp *));
    for (int64_t h = 0; h < H; h++) {
      IrOp *o;
      if (head_split(op)) { /* columns [h*D, (h+1)*D) of the 2-D value, transposed for k^T */
        IrOp *x = op->arg[0]->arg[0];
        int64_t D = op->arg[0]->shape.d[2];
        o = ir_add_temp(m, IR_SLICE, x, NULL, op->loc);
        o->axis = 1;
        o->start = h * D;
        o->end = (h + 1) * D;
        typed(o);
        if (op->perm[1] == 2) { /* [1, 2, 0]: [D, S] */
          o = ir_add_temp(m, IR_TRANSPOSE, o, NULL, op->loc);
          o->perm[0] = 1;
          o->perm[1] = 0;
          typed(o);
        }
      } else {
        IrOp *a0 = op->arg[0], *a1 = op->nargs > 1 ? op->arg[1] : NULL;
        o = ir_add_temp(m, op->kind, per[a0->idx] ? per[a0->idx][h] : a0, a1 && per[a1->idx] ? per[a1->idx][h] : a1, op->loc);
        o->dt = op->dt; /* a cast's dtype */
        o->keepdims = op->keepdims;
        o->axis = (op->axis < 0 ? op->axis + op->shape.rank : op->axis) - 1; /* a reduction's, without the heads */
        for (int k = 0; k + 1 < op->shape.rank; k++) o->perm[k] = (int8_t)(op->perm[k + 1] - 1);
        typed(o);
      }
      per[i][h] = o;
    }
  }
  for (int i = 0; i < n0; i++) free(per[i]);
  free(per);
  free(nh);
  pass_order(m);
}
