/* passes/fuse.c: horizontal matmul fusion.
 *
 * Several matmuls that multiply the same activation by weights - q, k and
 * v of an attention layer: a @ w_q, a @ w_k, a @ w_v - each need the
 * activation multicast to the K rows of their own rectangle: the same data
 * turned the same corner three times, which costs three times the colors
 * where routes are scarcest. They become one matmul by the concatenated
 * weights (GPT-2's own c_attn: a @ [w_q | w_k | w_v]), and each of them a
 * slice of its result - a view, so their users read straight from the
 * fused matmul's cores. The concatenated weights are computed at compile
 * time (a concat of preloaded values is preloaded: ir/param.c).
 *
 * Not two matmuls whose results meet in one op (x @ w1 - x @ w2), directly
 * or through a reduction (layernorm(x @ w1) + x @ w2: seed 186 of fuzz.py
 * --wide did not route fused): apart,
 * the second takes the first's tiling and each core of that op reads both
 * operands from the cores above it; fused, it would read two column ranges
 * of the fused result, tiled unlike itself, from across the rectangle -
 * the routes of 12 of fuzz.py --wide's seeds 0-299 that did not fit.
 *
 * Algorithm: for each value A in op order, the MATMUL users whose left
 * operand is A, whose right operand is preloaded and 2-D, and whose result
 * is 2-D, in op order; if there are two or more, their weights are joined
 * (a balanced tree of concats along axis 1), one matmul A @ Wcat is made,
 * and each old matmul turns into `slice axis 1 [off:off+N]` of it. The
 * arithmetic of every output element is unchanged (one column of the
 * fused product is the same dot product). Then the canonical op order is
 * restored (pass_order).
 */
#include <stdlib.h>
#include "passes/passes.h"

static bool fusable(const IrOp *op, const IrOp *a) {
  return op->kind == IR_MATMUL && op->arg[0] == a && op->shape.rank == 2 && op->arg[1]->shape.rank == 2 &&
         ir_is_preloaded(op->arg[1]) && op->arg[0] != op->arg[1];
}

bool pass_fuse(IrModule *m, const Target *t) {
  (void)t;
  fuse_heads(m); /* passes/heads.c */
  /* streamed weights cost no SRAM and a wide fused layer fans out to more
   * users from each core: --exec=stream keeps the matmuls apart */
  if (m->exec_stream) return true;
  bool changed = false;
  int n0 = m->nops;
  ir_renumber(m);
  /* the fusable matmuls of each left operand, in op order: one pass over
   * the ops instead of one per operand */
  typedef VEC(IrOp *) OpVec;
  OpVec *users = xcalloc((size_t)n0 + 1, sizeof(OpVec));
  for (int j = 0; j < n0; j++) {
    IrOp *op = m->ops[j];
    if (op->kind == IR_MATMUL && fusable(op, op->arg[0])) VEC_PUSH(users[op->arg[0]->idx], op);
  }
  /* Which of one activation's matmuls have results that meet in one op:
   * directly, or through elementwise ops, views and at least one reduction
   * (layernorm(x @ w1) + x @ w2). Per activation with two or more, a bit per
   * matmul (the first 64) is carried forward through such ops (bits), and
   * past a reduction (rbits); an op whose operands carry different bits is
   * where they meet. (Not through elementwise ops alone: fused, the
   * SwiGLU silu(x @ w1) * (x @ w3) routes, and apart it did not.) */
  bool *meet = xcalloc((size_t)n0 + 1, 1);
  uint64_t *bits = xcalloc((size_t)n0 + 1, sizeof(uint64_t)), *rbits = xcalloc((size_t)n0 + 1, sizeof(uint64_t));
  for (int i = 0; i < n0; i++) {
    if (users[i].n < 2) continue;
    int first = users[i].v[0]->idx;
    for (int j = first; j < n0; j++) bits[j] = rbits[j] = 0;
    for (int k = 0; k < users[i].n && k < 64; k++) bits[users[i].v[k]->idx] = (uint64_t)1 << k;
    for (int j = first; j < n0; j++) {
      const IrOp *op = m->ops[j];
      if (!(ir_is_elementwise(op) || ir_is_reduction(op) || ir_is_view_kind(op))) continue;
      uint64_t all = 0, rall = 0, one = op->nargs ? bits[op->arg[0]->idx] : 0;
      bool differ = false, direct = op->nargs == 2;
      for (int a = 0; a < op->nargs; a++) {
        uint64_t b = bits[op->arg[a]->idx];
        differ |= b && one && b != one;
        one = one ? one : b;
        all |= b;
        rall |= rbits[op->arg[a]->idx];
        direct &= op->arg[a]->kind == IR_MATMUL;
      }
      bits[j] |= all;
      rbits[j] = ir_is_reduction(op) ? all : rall;
      for (int k = 0; k < users[i].n && k < 64 && differ && (direct || rall); k++)
        if (all >> k & 1) meet[users[i].v[k]->idx] = true;
    }
    int o = 0;
    for (int k = 0; k < users[i].n; k++)
      if (!meet[users[i].v[k]->idx]) users[i].v[o++] = users[i].v[k];
    users[i].n = o;
  }
  free(bits);
  free(rbits);
  free(meet);
  for (int i = 0; i < n0; i++) {
    IrOp *a = m->ops[i];
    if (ir_is_preloaded(a) || a->kind == IR_OUTPUT) continue;
    VEC(IrOp *) mm = {0};
    for (int j = 0; j < users[i].n; j++)
      if (!mm.n || users[i].v[j]->dt == mm.v[0]->dt) VEC_PUSH(mm, users[i].v[j]);
    if (mm.n < 2) {
      VEC_FREE(mm);
      continue;
    }
    /* the weights, joined pairwise (depth log2 n) */
    VEC(IrOp *) w = {0};
    for (int k = 0; k < mm.n; k++) VEC_PUSH(w, mm.v[k]->arg[1]);
    while (w.n > 1) {
      int o = 0;
      for (int k = 0; k < w.n; k += 2) {
        IrOp *x = w.v[k];
        if (k + 1 < w.n) {
          x = ir_add_temp(m, IR_CONCAT, w.v[k], w.v[k + 1], mm.v[0]->loc);
          x->axis = 1;
          if (!ir_type_op(x)) die("fuse: concat of weights does not type");
        }
        w.v[o++] = x;
      }
      w.n = o;
    }
    IrOp *f = ir_add_temp(m, IR_MATMUL, a, w.v[0], mm.v[0]->loc);
    f->name = arena_printf(&m->arena, "fused$%s", mm.v[0]->name);
    if (!ir_type_op(f)) die("fuse: fused matmul does not type");
    int64_t off = 0;
    for (int k = 0; k < mm.n; k++) {
      IrOp *op = mm.v[k];
      int64_t nk = op->shape.d[1];
      op->kind = IR_SLICE;
      op->nargs = 1;
      op->arg[0] = f;
      op->arg[1] = NULL;
      op->axis = 1;
      op->start = off;
      op->end = off + nk;
      off += nk;
    }
    VEC_FREE(w);
    VEC_FREE(mm);
    changed = true;
  }
  for (int i = 0; i < n0; i++) VEC_FREE(users[i]);
  free(users);
  if (changed) pass_order(m);
  return true;
}
