/* passes/infer.c: type inference over the module and canonical op order.
 *
 * 1. Types. Ops are visited in order (operands first) and typed by
 *    ir_type_op (ir/type.c: by the typing class of the op table). All
 *    errors are reported; an op whose operand failed is skipped silently.
 * 2. Identity reshapes. A reshape to its operand's own shape moves no
 *    data, so its users (outputs too) read the operand instead, and the
 *    reshape is dropped with the dead ops below. (Mapped as an op, it would
 *    gather its operand into one column of cores for nothing.)
 * 3. Common subexpressions. An op that computes what an earlier one does
 *    (the same kind, operands, attributes and type: `x @ w1` written in two
 *    outputs) is that op: its users read the earlier one, and it is
 *    dropped. Each value is then computed once, on one rectangle.
 * 4. Canonical order. So that the image does not depend on the order of
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

/* Ops a and b compute the same value (operands already the representatives). */
static bool same_op(const IrOp *a, const IrOp *b) {
  if (a->kind != b->kind || a->dt != b->dt || !shape_eq(&a->shape, &b->shape) || a->nargs != b->nargs) return false;
  for (int k = 0; k < a->nargs; k++)
    if (a->arg[k] != b->arg[k]) return false;
  if (a->axis != b->axis || a->keepdims != b->keepdims || a->start != b->start || a->end != b->end) return false;
  if (memcmp(a->perm, b->perm, sizeof a->perm)) return false;
  if (a->kind == IR_CONST && memcmp(&a->fill, &b->fill, sizeof a->fill)) return false; /* the same bits: 0.0 is not -0.0 */
  return true;
}

static uint64_t op_hash(const IrOp *op) {
  uint64_t h = 1469598103934665603u;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211u)
  MIX(op->kind);
  MIX(op->dt);
  MIX(op->shape.rank);
  for (int k = 0; k < op->shape.rank; k++) MIX(op->shape.d[k]);
  for (int k = 0; k < op->nargs; k++) MIX(op->arg[k]->idx + 1);
  MIX(op->axis);
  MIX(op->start);
  MIX(op->end);
  if (op->kind == IR_CONST) {
    uint64_t bits;
    memcpy(&bits, &op->fill, sizeof bits);
    MIX(bits);
  }
#undef MIX
  return h;
}

/* Steps 2 and 3: every operand slot is pointed at its value's first
 * computation, in op order (operands come before their users). */
static void merge_same(IrModule *m) {
  ir_renumber(m);
  IrOp **repr = xcalloc((size_t)m->nops + 1, sizeof(IrOp *));
  size_t cap = 16;
  while (cap < 2 * (size_t)m->nops) cap *= 2;
  IrOp **tab = xcalloc(cap, sizeof(IrOp *));
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    for (int a = 0; a < op->nargs; a++) {
      IrOp *r = repr[op->arg[a]->idx] ? repr[op->arg[a]->idx] : op->arg[a];
      while (r->kind == IR_RESHAPE && shape_eq(&r->shape, &r->arg[0]->shape) && r->dt == r->arg[0]->dt) r = r->arg[0];
      op->arg[a] = r;
    }
    repr[i] = op;
    /* (not inputs and params, each its own value, nor outputs; a constant
     * is its literal, so `x * 2 + x * 2` multiplies once) */
    if (op->kind == IR_INPUT || op->kind == IR_PARAM || op->kind == IR_OUTPUT || !op->typed) continue;
    size_t j = (size_t)op_hash(op) & (cap - 1);
    while (tab[j] && !same_op(tab[j], op)) j = (j + 1) & (cap - 1);
    if (tab[j]) repr[i] = tab[j];
    else tab[j] = op;
  }
  free(tab);
  free(repr);
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
  merge_same(m);
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
