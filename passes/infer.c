/* passes/infer.c: type inference over the module and canonical op order.
 *
 * 1. Types. Ops are visited in order (operands first) and typed by
 *    ir_type_op (ir/type.c: by the typing class of the op table). All
 *    errors are reported; an op whose operand failed is skipped silently.
 * 2. Identity reshapes. A reshape to its operand's own shape moves no
 *    data, so its users (outputs too) read the operand instead, and the
 *    reshape is dropped with the dead ops below. (Mapped as an op, it would
 *    gather its operand into one column of cores for nothing.)
 * 3. Canonical order. So that the image does not depend on the order of
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

static int cmp_name(const void *x, const void *y) {
  return strcmp((*(IrOp *const *)x)->name, (*(IrOp *const *)y)->name);
}

/* Post-order walk from op, operands in operand order, with an explicit
 * stack (a chain of 10^5 ops is 10^5 deep). */
static void visit(IrOp *root, bool *seen, IrOp **out, int *n) {
  typedef struct Frame { IrOp *op; int next; } Frame;
  VEC(Frame) st = {0};
  if (seen[root->idx]) return;
  seen[root->idx] = true;
  Frame f0 = {root, 0};
  VEC_PUSH(st, f0);
  while (st.n) {
    Frame *f = &st.v[st.n - 1];
    if (f->next < f->op->nargs) {
      IrOp *a = f->op->arg[f->next++];
      if (seen[a->idx]) continue;
      seen[a->idx] = true;
      Frame fa = {a, 0};
      VEC_PUSH(st, fa);
      continue;
    }
    out[(*n)++] = f->op;
    st.n--;
  }
  VEC_FREE(st);
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
    if (!op->typed && !ir_type_op(op)) ok = false;
    if (op->kind == IR_OUTPUT && op->typed && ir_is_preloaded(op->arg[0])) {
      if (op->arg[0]->kind == IR_PARAM)
        diag_error(&op->loc, "output '%s' is the parameter '%s'; outputs must be computed values or inputs", op->name,
                   op->arg[0]->name);
      else
        diag_error(&op->loc, "output '%s' is a constant; outputs must be computed values or inputs", op->name);
      ok = false;
    }
  }
  StrMap outs = {0}; /* output names seen so far */
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (op->kind != IR_OUTPUT) continue;
    if (strmap_get(&outs, op->name)) {
      diag_error(&op->loc, "output '%s' is defined twice", op->name);
      ok = false;
    } else {
      strmap_put(&outs, op->name, op);
    }
  }
  strmap_free(&outs);
  if (!ok) return false;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    for (int a = 0; a < op->nargs; a++) {
      IrOp *r = op->arg[a];
      while (r->kind == IR_RESHAPE && shape_eq(&r->shape, &r->arg[0]->shape) && r->dt == r->arg[0]->dt) r = r->arg[0];
      op->arg[a] = r;
    }
  }
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
