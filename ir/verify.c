/* ir/verify.c: structural checks between passes. A failure is a compiler
 * bug, not a user error: it aborts with the pass that broke the IR. */
#include <stdlib.h>
#include <string.h>
#include "ir/ir.h"

#define FAIL(...) die("IR verifier: after %s: " __VA_ARGS__)

typedef struct RouterUse { int x, y, color, net; } RouterUse;

static int cmp_xy(int ax, int ay, int bx, int by) {
  if (ay != by) return ay < by ? -1 : 1;
  return (ax > bx) - (ax < bx);
}
static int cmp_use(const void *a, const void *b) {
  const RouterUse *p = a, *q = b;
  int c = cmp_xy(p->x, p->y, q->x, q->y);
  return c ? c : (p->color > q->color) - (p->color < q->color);
}
/* The hop of net n at (x, y) (hops are sorted by (y, x)), or NULL. */
static const IrHop *find_hop(const IrNet *n, int x, int y) {
  int lo = 0, hi = n->nhop - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = cmp_xy(n->hop[mid].x, n->hop[mid].y, x, y);
    if (c == 0) return &n->hop[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return NULL;
}

void ir_verify(const IrModule *m, const char *after) {
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->idx != i) FAIL("op %%%s has index %d at position %d", after, op->name, op->idx, i);
    if (op->nargs != ir_ops[op->kind].nargs) FAIL("op %%%s has %d operands", after, op->name, op->nargs);
    for (int a = 0; a < op->nargs; a++)
      if (!op->arg[a] || op->arg[a]->idx >= i || m->ops[op->arg[a]->idx] != op->arg[a])
        FAIL("operand %d of %%%s is not defined before it", after, a, op->name);
    if (m->stage >= STAGE_INFER && !op->typed) FAIL("op %%%s is untyped", after, op->name);
    if (m->stage >= STAGE_PLACE) {
      bool want = !ir_is_preloaded(op) && op->kind != IR_OUTPUT;
      if (want != op->placed && !(ir_is_view_kind(op) && !op->placed) && !(op->host && !op->placed) && !ir_input_rhs_only(m, op))
        FAIL("op %%%s is %splaced", after, op->name, op->placed ? "" : "not ");
      if (op->placed) {
        if (op->place.w < 1 || op->place.h < 1 || op->place.x < 0 || op->place.y < 0)
          FAIL("op %%%s has an empty rectangle", after, op->name);
        for (int j = 0; j < i; j++) {
          const IrOp *o = m->ops[j];
          if (!o->placed || ir_cores_of(o) == ir_cores_of(op)) continue; /* fused onto the same cores */
          if (op->place.x < o->place.x + o->place.w && o->place.x < op->place.x + op->place.w &&
              op->place.y < o->place.y + o->place.h && o->place.y < op->place.y + op->place.h)
            FAIL("rectangles of %%%s and %%%s overlap", after, op->name, o->name);
        }
      }
    }
  }
  /* Nets: each tree is connected from its source to every destination,
   * and no two nets share a color at a router. Hops are kept sorted by
   * (y, x), so neighbours are found by binary search; the color check sorts
   * all (router, color) uses once. */
  VEC(RouterUse) uses = {0};
  for (int i = 0; i < m->nnets && m->stage >= STAGE_ROUTE; i++) {
    const IrNet *n = m->nets[i];
    if (n->color < 0) FAIL("net %d has no color", after, n->id);
    int nsrc = 0, ndst = 0;
    for (int h = 0; h < n->nhop; h++) {
      const IrHop *hp = &n->hop[h];
      if (h && cmp_xy(hp->x, hp->y, n->hop[h - 1].x, n->hop[h - 1].y) <= 0)
        FAIL("net %d: hops not sorted by (y, x) at (%d,%d)", after, n->id, hp->x, hp->y);
      if (hp->in_port == PORT_R) {
        nsrc++;
        if (n->kind == NET_INGRESS) FAIL("net %d (weights from MemoryX) enters from a ramp", after, n->id);
        if (hp->x != n->from.x || hp->y != n->from.y) FAIL("net %d enters from a ramp away from its source", after, n->id);
      }
      if (n->kind == NET_INGRESS && hp->x == n->from.x && hp->y == n->from.y) {
        nsrc++; /* MemoryX's port: in from the north, off the wafer */
        if (hp->in_port != PORT_N || hp->y != 0) FAIL("net %d (weights from MemoryX) does not enter from the north edge", after, n->id);
      }
      if (hp->out_mask & 1) ndst++;
      for (int p = 1; p < PORT__COUNT; p++) {
        if (!(hp->out_mask & (1 << p))) continue;
        int nx = hp->x + (p == PORT_E) - (p == PORT_W), ny = hp->y + (p == PORT_S) - (p == PORT_N);
        int opp = p == PORT_N ? PORT_S : p == PORT_S ? PORT_N : p == PORT_E ? PORT_W : PORT_E;
        const IrHop *to = find_hop(n, nx, ny);
        if (!to || to->in_port != opp)
          FAIL("net %d: hop (%d,%d) sends %c to a router not on its tree", after, n->id, hp->x, hp->y, isa_port_names[p]);
      }
      RouterUse u = {hp->x, hp->y, n->color, n->id};
      VEC_PUSH(uses, u);
    }
    if (nsrc != 1 || ndst != n->ndst) FAIL("net %d: tree has %d sources and %d deliveries for %d destinations", after, n->id, nsrc, ndst, n->ndst);
  }
  if (uses.n) qsort(uses.v, (size_t)uses.n, sizeof(RouterUse), cmp_use);
  for (int i = 1; i < uses.n; i++)
    if (cmp_use(&uses.v[i - 1], &uses.v[i]) == 0)
      FAIL("nets %d and %d share color %d at router (%d,%d)", after, uses.v[i - 1].net, uses.v[i].net, uses.v[i].color,
           uses.v[i].x, uses.v[i].y);
  VEC_FREE(uses);
  for (int i = 0; i < m->ncores; i++) {
    const IrCore *c = m->cores[i];
    if (i && (c->y < m->cores[i - 1]->y || (c->y == m->cores[i - 1]->y && c->x <= m->cores[i - 1]->x)))
      FAIL("cores not sorted at (%d,%d)", after, c->x, c->y);
    for (int d = 0; d < c->ndsr; d++)
      if (c->dsr[d].kind == DSR_MEM && (c->dsr[d].buf < 0 || c->dsr[d].buf >= c->nbuf))
        FAIL("core (%d,%d) dsr %d names buffer %d", after, c->x, c->y, d, c->dsr[d].buf);
    for (int t = 0; t < c->ntask; t++)
      if (c->task[t].pc < 0 || c->task[t].pc >= c->ninsn) FAIL("core (%d,%d) task %d pc %d", after, c->x, c->y, t, c->task[t].pc);
    for (int k = 0; k < c->ninsn; k++) {
      const char *why = isa_check(c->insn[k], c->ndsr, c->ninsn, c->ntask);
      if (why) FAIL("core (%d,%d) pc %d: %s", after, c->x, c->y, k, why);
    }
    if (m->stage >= STAGE_ALLOC) {
      /* no two buffers live at the same time share bytes (a stage buffer
       * is dead before an accumulator or tile is written: passes/alloc.c) */
      for (int b = 0; b < c->nbuf; b++) {
        const IrBuf *p = &c->buf[b];
        int64_t pe = p->addr + p->elems * ir_dtype_size(p->dt);
        if (p->addr < c->code_bytes || pe > c->data_end)
          FAIL("core (%d,%d) buffer %d at 0x%llx is outside the data area", after, c->x, c->y, b, (long long)p->addr);
        for (int o = 0; o < b; o++) {
          const IrBuf *q = &c->buf[o];
          bool st_p = p->kind == BUF_STAGE, st_q = q->kind == BUF_STAGE;
          bool body_p = p->kind == BUF_ACC || p->kind == BUF_TILE, body_q = q->kind == BUF_ACC || q->kind == BUF_TILE;
          if ((st_p && body_q) || (st_q && body_p)) continue; /* never live together */
          if (p->live_to >= 0 && q->live_to >= 0 && (p->live_to < q->live_from || q->live_to < p->live_from))
            continue; /* resident layout: their lives do not meet */
          int64_t qe = q->addr + q->elems * ir_dtype_size(q->dt);
          if (p->addr < qe && q->addr < pe)
            FAIL("core (%d,%d) buffers %d and %d overlap", after, c->x, c->y, o, b);
        }
      }
    }
  }
}
