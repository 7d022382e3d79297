/* passes/checkwir.c: a module read from a .wir file is user input. Before any pass
 * runs on it, pass_check_wir re-derives everything the later passes, the backend
 * and the simulator rely on for the module's stage, and reports what is
 * wrong at its line and column in the file (the parser recorded them:
 * ir/wirpos.h). ir_verify stays for compiler bugs: after pass_check_wir, no input
 * can reach it. docs/ir.md ("Reading a .wir") lists the checks.
 *
 *   types      every op is typed again by the rules of the infer pass
 *              (ir_type_op) and the declared type must agree; outputs name
 *              computed values, once each; from stage infer on, the ops are
 *              in the canonical order (pass_order) with no dead code
 *   placement  exactly the ops place would place have a rectangle, inside
 *              the grid, not overlapping, no larger than the value's split
 *              allows (every core holds a part), with the tile (and K chunk)
 *              passes/mapping.c gives for it
 *   nets       sources and destinations inside the owning rectangles, boxes
 *              inside the value, colors below the target's, every route a
 *              tree from the source's ramp to exactly the destinations, no
 *              two nets on one color at a router; and the set of nets (what
 *              goes from where to where) is what route builds for the
 *              placement - the trees and colors may differ
 *   programs   cores inside their op's rectangle, buffers inside their
 *              value, DSRs below the target's count and inside their
 *              buffers, tasks and instructions valid (backend/isa.c),
 *              addresses inside SRAM; and every program is exactly what
 *              lower (and alloc) compute from the nets: writing a program
 *              by hand is refused, since checking one is recomputing it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "ir/wirpos.h"
#include "passes/mapping.h"
#include "passes/passes.h"
#include "targets/target.h"

typedef struct C {
  IrModule *m;
  const Target *t;
  const IrWirPos *w;
  int gw, gh;        /* the grid: the target's, or the module's smaller one */
} C;

static void err_at(C *c, WirPos at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err_at(C *c, WirPos at, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  SrcLoc l = {c->w->file, at.line, at.col, at.col + 1};
  diag_error(&l, "%s", msg);
}

static const WirOpPos *opos(C *c, const IrOp *op) { return &c->w->op[op->idx]; }
/* the position of a part of an op, or the op's line if it was not written */
static WirPos or_op(C *c, const IrOp *op, WirPos p) { return p.line ? p : opos(c, op)->at; }

static char *tstr(DType dt, const Shape *s, char *out, size_t n) {
  char sb[96];
  snprintf(out, n, "%s%s", ir_dtype_name(dt), shape_str(s, sb, sizeof sb));
  return out;
}
static char *boxstr(const Box *b, int rank, char *out, size_t n) {
  int o = snprintf(out, n, "[");
  for (int i = 0; i < rank && o < (int)n; i++)
    o += snprintf(out + o, n - (size_t)o, "%s%lld:%lld", i ? ", " : "", (long long)b->lo[i], (long long)(b->lo[i] + b->n[i]));
  if (o < (int)n) snprintf(out + o, n - (size_t)o, "]");
  return out;
}

/* ---- types -------------------------------------------------------------- */

static bool check_types(C *c) {
  IrModule *m = c->m;
  bool ok = true;
  for (int i = 0; i < m->nops && ok; i++) {
    IrOp *op = m->ops[i];
    const WirOpPos *p = opos(c, op);
    if (op->kind == IR_INPUT || op->kind == IR_PARAM) continue;
    if (op->kind == IR_CONST) {
      if (m->stage >= STAGE_INFER && !op->typed) {
        err_at(c, p->at, "const %%%s has no type; from stage infer on every op has one (': DTYPE[]')", op->name);
        ok = false;
      }
      continue;
    }
    for (int a = 0; a < op->nargs && ok; a++)
      if (op->arg[a]->kind == IR_OUTPUT) {
        err_at(c, p->at, "operand %d of %%%s is an output", a, op->name);
        ok = false;
      }
    if (!ok) break;
    bool declared = op->typed;
    DType dt = op->dt;
    Shape s = op->shape;
    if (m->stage >= STAGE_INFER && !declared) {
      err_at(c, p->at, "%%%s has no type; from stage infer on every op has one (': DTYPE[DIMS]')", op->name);
      ok = false;
      break;
    }
    if (op->kind == IR_TRANSPOSE && !p->noperm && p->nperm != op->arg[0]->shape.rank) {
      err_at(c, p->at, "the perm of %%%s has %d entries; its operand has %d axes", op->name, p->nperm, op->arg[0]->shape.rank);
      ok = false;
      break;
    }
    if (op->kind == IR_TRANSPOSE && p->noperm) /* the operand's rank is known now */
      for (int j = 0; j < IR_MAXRANK; j++) op->perm[j] = (int8_t)(j < op->arg[0]->shape.rank ? op->arg[0]->shape.rank - 1 - j : j);
    op->typed = false;
    if (!ir_type_op(op)) { /* reported at the op's line (pass_check_wir swapped the locations) */
      if (!diag_errors()) err_at(c, p->at, "%%%s cannot be typed", op->name);
      ok = false;
      break;
    }
    /* broadcasting and matmuls can make values larger than any declared
     * one; the passes count elements in int64 */
    int64_t count = 1;
    for (int k = 0; k < op->shape.rank && ok; k++) {
      if (count > (INT64_C(1) << 40) / op->shape.d[k]) {
        char tb[128];
        err_at(c, p->at, "%%%s would be %s: a value of at most %lld elements", op->kind == IR_OUTPUT ? op->arg[0]->name : op->name,
               tstr(op->dt, &op->shape, tb, sizeof tb), (long long)(INT64_C(1) << 40));
        ok = false;
      }
      count *= op->shape.d[k];
    }
    if (!ok) break;
    if (declared && (dt != op->dt || !shape_eq(&s, &op->shape))) {
      char ta[128], tb[128];
      err_at(c, or_op(c, op, p->type), "%%%s is declared %s but its operands make it %s", op->kind == IR_OUTPUT ? op->arg[0]->name : op->name,
             tstr(dt, &s, ta, sizeof ta), tstr(op->dt, &op->shape, tb, sizeof tb));
      ok = false;
    }
  }
  for (int i = 0; i < m->nops && ok; i++) {
    IrOp *op = m->ops[i];
    if (op->kind != IR_OUTPUT) continue;
    if (ir_is_preloaded(op->arg[0])) {
      err_at(c, opos(c, op)->at, "output '%s' is %s; outputs must be computed values or inputs", op->name,
             op->arg[0]->kind == IR_PARAM ? "a parameter" : "a constant or a view of one");
      ok = false;
    }
    /* the image's I/O map names inputs and outputs alike */
    IrOp *in = ir_find_op(m, op->name);
    if (ok && in && in->kind == IR_INPUT) {
      err_at(c, opos(c, op)->at, "output '%s' has the name of input %%%s; the image names inputs and outputs alike", op->name, in->name);
      ok = false;
    }
    for (int j = 0; j < i && ok; j++)
      if (m->ops[j]->kind == IR_OUTPUT && !strcmp(m->ops[j]->name, op->name)) {
        err_at(c, opos(c, op)->at, "output '%s' is defined twice", op->name);
        ok = false;
      }
  }
  if (!ok) return false;
  if (m->stage >= STAGE_INFER) {
    /* The canonical order: what pass_order lists must be what was read. */
    int n = m->nops;
    IrOp **was = xmalloc(sizeof(IrOp *) * (size_t)n + 1);
    const char **names = xmalloc(sizeof(char *) * (size_t)n + 1);
    memcpy(was, m->ops, sizeof(IrOp *) * (size_t)n);
    for (int i = 0; i < n; i++) names[i] = was[i]->name;
    pass_order(m);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++)
      if (i >= m->nops || m->ops[i] != was[i] || strcmp(names[i], was[i]->name)) bad = i;
    if (bad >= 0) {
      /* positions are by parse order: put the ops back first */
      for (int i = 0; i < n; i++) {
        was[i]->name = names[i];
        was[i]->idx = i;
      }
      memcpy(m->ops, was, sizeof(IrOp *) * (size_t)n);
      m->nops = n;
      IrOp *op = was[bad];
      bool dead = true;
      for (int i = 0; i < n; i++) {
        if (i == bad) continue;
        for (int a = 0; a < was[i]->nargs; a++) dead &= was[i]->arg[a] != op;
      }
      if (dead && op->kind != IR_OUTPUT && op->kind != IR_INPUT)
        err_at(c, opos(c, op)->at, "%%%s is not used by any output; from stage infer on dead ops are removed", op->name);
      else
        err_at(c, opos(c, op)->at,
               "%%%s is out of the canonical order; from stage infer on ops are listed as the infer pass lists them "
               "(operands first, from the outputs sorted by name; temporaries numbered by position)",
               op->name);
      ok = false;
    }
    free(was);
    free(names);
  }
  return ok;
}

/* ---- placement ----------------------------------------------------------- */

static bool wants_place(const IrModule *m, int i) {
  const IrOp *op = m->ops[i];
  if (ir_is_preloaded(op) || op->kind == IR_OUTPUT) return false;
  if (op->kind == IR_INPUT && op->host && !m->resident) return false; /* written into its streamed matmul's, reshape's or transpose's cores */
  if (ir_input_rhs_only(m, op)) return false;                          /* written into its host_rhs matmuls' cores */
  if (!ir_is_view_kind(op) || ir_host_written(op)) return true;
  for (int j = i + 1; j < m->nops; j++)
    if (m->ops[j]->kind == IR_OUTPUT && m->ops[j]->arg[0] == op) return true;
  return false;
}

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* An op written 'on %h' runs in place on h's cores (passes/place.c): an
 * elementwise op that is the only use of its operand on those cores, with
 * its other operands preloaded, on the rectangle of h, itself elementwise
 * of the same shape. */
static bool check_host(C *c, IrModule *m, int i) {
  IrOp *op = m->ops[i];
  const WirOpPos *p = opos(c, op);
  const IrOp *h = op->host;
  char sa[64], sb[64];
  if (op->kind == IR_INPUT) { /* written by the host into the cores of its only user, a streamed matmul (--exec=stream), a reshape or a transpose */
    int uses = 0;
    for (int j = 0; j < m->nops; j++)
      for (int a = 0; a < m->ops[j]->nargs; a++) uses += m->ops[j]->arg[a] == op;
    bool moves = h->kind == IR_RESHAPE || h->kind == IR_TRANSPOSE;
    if (!(h->stream || moves) || h->arg[0] != op || uses != 1 || (moves && m->resident))
      return err_at(c, p->at, "input %%%s is on %%%s, so %%%s is its only use and a streamed matmul with it as its left "
                    "operand, a reshape or a transpose of it (not in the resident layout)", op->name, h->name, h->name),
             false;
    if (h->kind == IR_TRANSPOSE && map_perm_runs(h) > 65536)
      return err_at(c, p->at, "input %%%s is on %%%s, a transpose whose tiles would be more than 65536 runs each (%lld)",
                    op->name, h->name, (long long)map_perm_runs(h)),
             false;
    return true;
  }
  if (!ir_is_elementwise(op))
    return err_at(c, p->at, "%%%s is on %%%s, but only an elementwise op runs on another op's cores", op->name, h->name),
           false;
  if (h->host || !h->placed || !(ir_is_elementwise(h) || h->stream) || !shape_eq(&h->shape, &op->shape))
    return err_at(c, p->at, "%%%s is on %%%s, which must be a placed elementwise op or streamed matmul of its shape %s "
                  "that runs on cores of its own (it is %s %s)", op->name, h->name, shape_str(&op->shape, sa, sizeof sa), ir_ops[h->kind].name,
                  shape_str(&h->shape, sb, sizeof sb)),
           false;
  if (op->place.x != h->place.x || op->place.y != h->place.y || op->place.w != h->place.w || op->place.h != h->place.h)
    return err_at(c, p->place, "%%%s is on %%%s, so its rectangle is %%%s's [%d,%d %dx%d]", op->name, h->name, h->name,
                  h->place.x, h->place.y, h->place.w, h->place.h),
           false;
  int on = -1;
  for (int a = 0; a < op->nargs; a++) {
    const IrOp *v = op->arg[a];
    if (ir_is_preloaded(v)) continue;
    if (on >= 0 || ir_cores_of(v) != h || !shape_eq(&v->shape, &op->shape) || v->dt != op->dt)
      return err_at(c, p->at, "%%%s is on %%%s, so its operands are one value of its type on those cores and preloaded "
                    "ones (operand %d, %%%s, is not)", op->name, h->name, a, v->name),
             false;
    on = a;
  }
  if (on < 0) return err_at(c, p->at, "%%%s is on %%%s but reads none of its values", op->name, h->name), false;
  for (int j = 0; j < m->nops; j++)
    for (int a = 0; a < m->ops[j]->nargs; a++)
      if (j != i && m->ops[j]->arg[a] == op->arg[on])
        return err_at(c, p->at, "%%%s is on %%%s and overwrites %%%s there, which %%%s also reads (an op in place is "
                      "its operand's only use)", op->name, h->name, op->arg[on]->name, m->ops[j]->name),
               false;
  return true;
}

/* The rectangle of op inside the grid. */
static bool check_in_grid(C *c, const IrOp *op, const WirOpPos *p) {
  const Rect *r = &op->place;
  if ((int64_t)r->x + r->w <= c->gw && (int64_t)r->y + r->h <= c->gh) return true;
  err_at(c, p->place, "rectangle [%d,%d %dx%d] of %%%s is outside the %dx%d grid (target '%s'%s)", r->x, r->y, r->w, r->h,
         op->name, c->gw, c->gh, c->t->name, c->m->grid_w ? ", --grid" : "");
  return false;
}

/* A matmul's K chunk: per core row, or, streamed, per core column (at most
 * what a weight's 15-bit index holds); no other op has one. */
static bool check_k(C *c, const IrOp *op, const WirOpPos *p) {
  int64_t K = op->kind == IR_MATMUL ? op->arg[0]->shape.d[op->arg[0]->shape.rank - 1] : 0;
  int64_t k = op->kind == IR_MATMUL ? cdiv(K, op->stream ? op->place.w : op->place.h) : 0;
  if (op->stream && k > 0x7fff) {
    err_at(c, p->place, "%%%s has %lld of K a column, more than a weight's 15-bit index holds (32767)", op->name, (long long)k);
    return false;
  }
  if (op->ktile == k) return true;
  if (k) err_at(c, or_op(c, op, p->k), "K chunk of %%%s does not match its %d %s: the mapping gives 'k %lld'", op->name,
                op->stream ? op->place.w : op->place.h, op->stream ? "columns" : "rows", (long long)k);
  else err_at(c, p->k, "only a matmul has a K chunk ('k')");
  return false;
}

/* The resident layout (passes/place.c, place_resident): the model
 * qualifies (map_resident_ok); every input and computing op is on the
 * region of the first, 'on' it, with the tiles of map_resident_box; every
 * matmul is streamed, with every column holding some of its K and N (and of
 * every value's features), at most 2^15 - 1 of K a column; no more rows of
 * cores than tokens. */
static bool check_resident(C *c) {
  IrModule *m = c->m;
  char why[400];
  const IrOp *anchor = NULL;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    const WirOpPos *p = opos(c, op);
    if (!anchor && !map_resident_ok(m, why, sizeof why))
      return err_at(c, p->at, "the header says 'resident', but %s", why), false;
    bool want = !ir_is_preloaded(op) && op->kind != IR_OUTPUT;
    if (!want) {
      if (op->placed) return err_at(c, p->place, "%%%s is never placed: it is preloaded where used, or names a value", op->name), false;
      continue;
    }
    if (!op->placed) return err_at(c, p->at, "%%%s has no rectangle; in the resident layout every input and op has the region", op->name), false;
    const Rect *r = &op->place;
    if (!anchor) {
      anchor = op;
      if (op->host) return err_at(c, p->at, "%%%s, the first op of the resident layout, runs on cores of its own (no 'on')", op->name), false;
      if (!check_in_grid(c, op, p)) return false;
    } else {
      const Rect *a = &anchor->place;
      if (r->x != a->x || r->y != a->y || r->w != a->w || r->h != a->h || op->host != anchor)
        return err_at(c, p->place, "in the resident layout every op is 'on %%%s place [%d,%d %dx%d]', the first op's region",
                      anchor->name, a->x, a->y, a->w, a->h),
               false;
    }
    int w = r->w, h = r->h, rk = op->shape.rank;
    int64_t F = op->shape.d[rk - 1];
    if (F > 1 && w > F)
      return err_at(c, p->place, "the region is %d cores wide, but %%%s has %lld features: every column holds some", w, op->name,
                    (long long)F),
             false;
    if (rk == 2 && h > op->shape.d[0])
      return err_at(c, p->place, "the region is %d cores tall, but %%%s has %lld rows: every row of cores holds some", h,
                    op->name, (long long)op->shape.d[0]),
             false;
    if (op->kind == IR_MATMUL) {
      int64_t K = op->arg[0]->shape.d[1], N = op->shape.d[1];
      if (!op->stream) return err_at(c, p->place, "%%%s is a matmul of the resident layout: it is streamed ('stream')", op->name), false;
      if (w > K || w > N)
        return err_at(c, p->place, "the region is %d cores wide, but %%%s has K = %lld and N = %lld: every column holds some of each",
                      w, op->name, (long long)K, (long long)N),
               false;
    }
    Box b;
    map_resident_box(op, w, h, 0, 0, &b);
    bool same = p->ntile == rk;
    for (int k = 0; k < rk && same; k++) same = op->tile[k] == b.n[k];
    if (!same) {
      Shape ws = {rk, {0}};
      for (int k = 0; k < rk; k++) ws.d[k] = b.n[k];
      char sb[96];
      return err_at(c, p->tile, "tile of %%%s does not match the %dx%d region: the resident layout gives tile %s", op->name, w, h,
                    shape_str(&ws, sb, sizeof sb)),
             false;
    }
    if (!check_k(c, op, p)) return false;
  }
  return true;
}

static bool check_place(C *c) {
  IrModule *m = c->m;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    bool streamable = map_streamable(m, op);
    if (op->stream != streamable && (op->placed || op->stream)) {
      const WirOpPos *p = opos(c, op);
      if (streamable)
        err_at(c, p->place, "%%%s multiplies by weights known at compile time under 'exec stream': place streams it ('stream' "
               "after its tile)", op->name);
      else
        err_at(c, p->place, "%%%s is 'stream', but only a matmul of an activation by weights known at compile time, under "
               "'exec stream', is streamed", op->name);
      return false;
    }
  }
  /* host_rhs is where place puts it: a matmul not streamed whose right
   * operand is an input through views no output names */
  bool *named = map_output_named(m);
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (op->host_rhs == map_host_rhs(m, op, named)) continue;
    const WirOpPos *p = opos(c, op);
    free(named);
    if (op->host_rhs)
      err_at(c, p->place, "%%%s is 'host_rhs', but only a matmul (not streamed, outside the resident layout) whose right "
             "operand is an input, through views no output names, takes it from the host", op->name);
    else
      err_at(c, p->place, "%%%s takes its right operand, an input, from the host: place marks it 'host_rhs' (after its tile)",
             op->name);
    return false;
  }
  free(named);
  if (m->resident) return check_resident(c);
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    const WirOpPos *p = opos(c, op);
    bool want = wants_place(m, i);
    if (want && !op->placed) {
      err_at(c, p->at, "%%%s has no rectangle; from stage place on every input and computing op has 'place [X,Y WxH] tile [..]'",
             op->name);
      return false;
    }
    if (!want && op->placed) {
      err_at(c, p->place, "%%%s is never placed: %s", op->name,
             op->kind == IR_OUTPUT ? "an output names a value"
             : ir_is_preloaded(op) ? "params, consts and their views and concats are preloaded where used"
                                   : "a view that no output names is read from the cores under it");
      return false;
    }
    if (!op->placed) {
      if (p->tile.line || p->k.line) return err_at(c, p->at, "a tile without a rectangle"), false;
      if (op->host && !check_host(c, m, i)) return false;
      continue;
    }
    const Rect *r = &op->place;
    if (!check_in_grid(c, op, p)) return false;
    int64_t wmax, hmax;
    if (op->stream) { /* rows over y (every batch on each); K and N over x, some of each in every column */
      wmax = op->arg[1]->shape.d[0] < op->arg[1]->shape.d[1] ? op->arg[1]->shape.d[0] : op->arg[1]->shape.d[1];
      hmax = op->shape.d[op->shape.rank - 2];
    } else if (op->kind == IR_MATMUL) {
      wmax = op->shape.d[op->shape.rank - 1];
      hmax = op->arg[0]->shape.d[op->arg[0]->shape.rank - 1];
    } else if (op->kind == IR_RESHAPE) { /* one column, or one row (map_reshape_row_ok) */
      wmax = 1;
      hmax = op->shape.rank ? op->shape.d[map_reshape_axis(&op->shape)] : 1;
      if (r->w > 1 && map_reshape_row_ok(&op->shape)) {
        wmax = hmax;
        hmax = 1;
      }
    } else {
      map_matrix(ir_is_reduction(op) ? &op->arg[0]->shape : &op->shape, &hmax, &wmax);
    }
    if (r->w > wmax || r->h > hmax) {
      err_at(c, p->place, "a %dx%d rectangle is too large for %%%s: at most %lldx%lld cores, so that every core holds a part of it",
             r->w, r->h, op->name, (long long)wmax, (long long)hmax);
      return false;
    }
    if (op->host && !check_host(c, m, i)) return false;
    for (int j = 0; j < i; j++) {
      const IrOp *o = m->ops[j];
      if (!o->placed || ir_cores_of(o) == ir_cores_of(op)) continue; /* in place on the same cores */
      if (r->x < o->place.x + o->place.w && o->place.x < r->x + r->w && r->y < o->place.y + o->place.h &&
          o->place.y < r->y + r->h) {
        err_at(c, p->place, "rectangle [%d,%d %dx%d] of %%%s overlaps [%d,%d %dx%d] of %%%s (line %d)", r->x, r->y, r->w, r->h,
               op->name, o->place.x, o->place.y, o->place.w, o->place.h, o->name, opos(c, o)->at.line);
        return false;
      }
    }
  }
  /* Tiles: what place records for the rectangle (all rectangles are known
   * now: a matmul's K order depends on where its left operand is). */
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed) continue;
    const WirOpPos *p = opos(c, op);
    Box b = {0};
    bool found = false;
    for (int cy = 0; cy < op->place.h; cy++)
      for (int cx = 0; cx < op->place.w; cx++) {
        Box h;
        bool holds = map_held(op, cx, cy, &h);
        /* a matmul's result is on its bottom row, a reduction's on its last
         * column or row; every other core holds a part of the value */
        if (!holds && op->kind != IR_MATMUL && !ir_is_reduction(op)) {
          err_at(c, p->place, "core (%d,%d) of the rectangle of %%%s would hold none of it", op->place.x + cx, op->place.y + cy,
                 op->name);
          return false;
        }
        if (holds && !found) b = h;
        found |= holds;
        if (op->kind == IR_INPUT) continue;
        for (int a = 0; a < op->nargs; a++) {
          Box nb;
          if (!map_need(op, a, cx, cy, &nb) && op->kind != IR_CONCAT && !(op->stream && a == 1)) {
            err_at(c, p->place, "core (%d,%d) of the rectangle of %%%s would need none of operand %d", op->place.x + cx,
                   op->place.y + cy, op->name, a);
            return false;
          }
        }
      }
    int64_t want[IR_MAXRANK];
    for (int k = 0; k < op->shape.rank; k++) want[k] = b.n[k];
    bool same = p->ntile == op->shape.rank;
    for (int k = 0; k < op->shape.rank && same; k++) same = op->tile[k] == want[k];
    if (!same) {
      Shape ws = {op->shape.rank, {0}};
      for (int k = 0; k < ws.rank; k++) ws.d[k] = want[k];
      char sb[96];
      err_at(c, p->tile, "tile of %%%s does not match its %dx%d rectangle: the mapping gives tile %s", op->name, op->place.w,
             op->place.h, shape_str(&ws, sb, sizeof sb));
      return false;
    }
    if (!check_k(c, op, p)) return false;
  }
  return true;
}

/* ---- nets ---------------------------------------------------------------- */

static bool in_rect(const Rect *r, int x, int y) { return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h; }

static int cmp_xy(int ax, int ay, int bx, int by) {
  if (ay != by) return ay < by ? -1 : 1;
  return (ax > bx) - (ax < bx);
}
static int find_hop(const IrNet *n, int x, int y) {
  int lo = 0, hi = n->nhop - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int cc = cmp_xy(n->hop[mid].x, n->hop[mid].y, x, y);
    if (cc == 0) return mid;
    if (cc < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

typedef struct Use { int x, y, color, net, hop; } Use;
static int cmp_use(const void *a, const void *b) {
  const Use *p = a, *q = b;
  int cc = cmp_xy(p->x, p->y, q->x, q->y);
  if (cc) return cc;
  if (p->color != q->color) return p->color < q->color ? -1 : 1;
  return (p->net > q->net) - (p->net < q->net);
}

static bool check_tree(C *c, const IrNet *n, const WirNetPos *p, char *seen, int *stack) {
  int in0 = n->kind == NET_INGRESS ? PORT_N : PORT_R; /* a weight stream comes in off the wafer's north edge */
  for (int h = 0; h < n->nhop; h++) {
    const IrHop *hp = &n->hop[h];
    if (hp->x >= c->gw || hp->y >= c->gh) {
      err_at(c, p->hop[h], "router (%d,%d) is outside the %dx%d grid", hp->x, hp->y, c->gw, c->gh);
      return false;
    }
    if (h && cmp_xy(hp->x, hp->y, n->hop[h - 1].x, n->hop[h - 1].y) <= 0) {
      err_at(c, p->hop[h], "routers are listed once each, sorted by (y, x): (%d,%d) comes after (%d,%d)", hp->x, hp->y,
             n->hop[h - 1].x, n->hop[h - 1].y);
      return false;
    }
    if (hp->in_port == PORT_R && (in0 != PORT_R || hp->x != n->from.x || hp->y != n->from.y)) {
      err_at(c, p->hop[h], "router (%d,%d) takes net %d from its ramp, but the net's source is (%d,%d)", hp->x, hp->y, n->id,
             n->from.x, n->from.y);
      return false;
    }
  }
  int s = find_hop(n, n->from.x, n->from.y);
  if (s < 0 || n->hop[s].in_port != in0) {
    err_at(c, p->route, "the route of net %d does not start with '(%d,%d) %c>...' at its source", n->id, n->from.x, n->from.y,
           isa_port_names[in0]);
    return false;
  }
  memset(seen, 0, (size_t)n->nhop);
  int top = 0;
  stack[top++] = s;
  seen[s] = 1;
  while (top) {
    int h = stack[--top];
    const IrHop *hp = &n->hop[h];
    for (int q = 1; q < PORT__COUNT; q++) {
      if (!(hp->out_mask & (1 << q))) continue;
      int nx = hp->x + (q == PORT_E) - (q == PORT_W), ny = hp->y + (q == PORT_S) - (q == PORT_N);
      int opp = q == PORT_N ? PORT_S : q == PORT_S ? PORT_N : q == PORT_E ? PORT_W : PORT_E;
      int to = nx < 0 || ny < 0 ? -1 : find_hop(n, nx, ny);
      if (to < 0 || n->hop[to].in_port != opp) {
        err_at(c, p->hop[h], "router (%d,%d) sends net %d %c to (%d,%d), which %s", hp->x, hp->y, n->id, isa_port_names[q], nx, ny,
               to < 0 ? "is not on its route" : "does not take it from that side");
        return false;
      }
      if (seen[to]) {
        err_at(c, p->hop[to], "the route of net %d reaches router (%d,%d) twice: it is not a tree", n->id, n->hop[to].x, n->hop[to].y);
        return false;
      }
      seen[to] = 1;
      stack[top++] = to;
    }
  }
  for (int h = 0; h < n->nhop; h++)
    if (!seen[h]) {
      err_at(c, p->hop[h], "router (%d,%d) is not reached from the source (%d,%d) of net %d", n->hop[h].x, n->hop[h].y, n->from.x,
             n->from.y, n->id);
      return false;
    }
  /* deliveries (R out) exactly at the destination cores */
  for (int h = 0; h < n->nhop; h++) {
    if (!(n->hop[h].out_mask & 1)) continue;
    bool dest = false;
    for (int d = 0; d < n->ndst && !dest; d++) dest = n->to[d].x == n->hop[h].x && n->to[d].y == n->hop[h].y;
    if (!dest) {
      err_at(c, p->hop[h], "router (%d,%d) delivers net %d to its core, which is not a destination", n->hop[h].x, n->hop[h].y, n->id);
      return false;
    }
  }
  for (int d = 0; d < n->ndst; d++) {
    int h = find_hop(n, n->to[d].x, n->to[d].y);
    if (h < 0 || !(n->hop[h].out_mask & 1)) {
      err_at(c, p->dst[d], "destination (%d,%d) of net %d is not reached by its route (no '(%d,%d) ...>R')", n->to[d].x, n->to[d].y,
             n->id, n->to[d].x, n->to[d].y);
      return false;
    }
  }
  return true;
}

static bool same_net(const IrNet *a, const IrNet *b) {
  if (a->kind != b->kind || a->src != b->src || a->dt != b->dt || a->from.x != b->from.x || a->from.y != b->from.y ||
      a->ndst != b->ndst || !box_eq(&a->box, &b->box, a->src->shape.rank))
    return false;
  for (int d = 0; d < a->ndst; d++)
    if (a->to[d].x != b->to[d].x || a->to[d].y != b->to[d].y || a->to[d].op != b->to[d].op || a->to[d].argi != b->to[d].argi)
      return false;
  return true;
}

static void net_desc(const IrNet *n, char *out, size_t len) {
  char bs[128];
  int o = snprintf(out, len, "%s %%%s %s box %s from (%d,%d) to {",
                   n->kind == NET_PSUM ? "psum" : n->kind == NET_INGRESS ? "ingress" : "operand", n->src->name,
                   ir_dtype_name(n->dt), boxstr(&n->box, n->src->shape.rank, bs, sizeof bs), n->from.x, n->from.y);
  for (int d = 0; d < n->ndst && o < (int)len - 8; d++) {
    o += snprintf(out + o, len - (size_t)o, "%s(%d,%d)", d ? ", " : "", n->to[d].x, n->to[d].y);
    if (n->kind == NET_OPERAND && o < (int)len) o += snprintf(out + o, len - (size_t)o, " %%%s.%d", n->to[d].op->name, n->to[d].argi);
    if (d == 3 && n->ndst > 5) {
      o += snprintf(out + o, len - (size_t)o, ", ... %d more", n->ndst - 4);
      break;
    }
  }
  if (o < (int)len) snprintf(out + o, len - (size_t)o, "}");
}

static bool check_nets(C *c) {
  IrModule *m = c->m;
  const Target *t = c->t;
  if (c->w->nnets != m->nnets) die("check: %d net positions for %d nets", c->w->nnets, m->nnets);
  int maxhop = 1;
  for (int i = 0; i < m->nnets; i++) maxhop = m->nets[i]->nhop > maxhop ? m->nets[i]->nhop : maxhop;
  char *seen = xmalloc((size_t)maxhop);
  int *stack = xmalloc(sizeof(int) * (size_t)maxhop);
  VEC(Use) uses = {0};
  bool ok = true;
  char bs[128];
  for (int i = 0; i < m->nnets && ok; i++) {
    const IrNet *n = m->nets[i];
    const WirNetPos *p = &c->w->net[i];
    const IrOp *src = n->src;
    /* a MemoryX stream carries a box of the matmul's weights, from the north
     * edge above its columns */
    bool ingress = n->kind == NET_INGRESS;
    const IrOp *bv = ingress && src->kind == IR_MATMUL ? src->arg[1] : src;
    ok = false;
    if (!src->placed) err_at(c, p->at, "net %d carries %%%s, which has no cores", n->id, src->name);
    else if (ingress && !src->stream) err_at(c, p->at, "net %d brings weights of %%%s, which is not streamed", n->id, src->name);
    else if (p->boxrank != bv->shape.rank)
      err_at(c, p->box, "the box of net %d has %d dimensions; %%%s has %d", n->id, p->boxrank, bv->name, bv->shape.rank);
    else if (ingress && (n->from.y != 0 || n->from.x < src->place.x || n->from.x >= src->place.x + src->place.w))
      err_at(c, p->from, "net %d enters at (%d,%d); a weight stream enters on the north edge (y = 0) above a column of %%%s",
             n->id, n->from.x, n->from.y, src->name);
    else if (!ingress && !in_rect(&src->place, n->from.x, n->from.y))
      err_at(c, p->from, "net %d comes from (%d,%d), outside the rectangle of %%%s", n->id, n->from.x, n->from.y, src->name);
    else if (n->color < 0) err_at(c, p->color, "net %d has no color; from stage route on every net has one", n->id);
    else if (n->color >= (int)t->colors)
      err_at(c, p->color, "color %d: target '%s' has %u colors (0 to %u)", n->color, t->name, t->colors, t->colors - 1);
    else ok = true;
    for (int k = 0; k < bv->shape.rank && ok; k++)
      if (n->box.lo[k] + n->box.n[k] > bv->shape.d[k]) {
        char ta[128];
        err_at(c, p->box, "box %s of net %d is outside %%%s (%s)", boxstr(&n->box, p->boxrank, bs, sizeof bs), n->id, bv->name,
               tstr(bv->dt, &bv->shape, ta, sizeof ta));
        ok = false;
      }
    for (int d = 0; d < n->ndst && ok; d++) {
      const IrOp *o = n->to[d].op;
      if (!o->placed || !in_rect(&o->place, n->to[d].x, n->to[d].y)) {
        err_at(c, p->dst[d], "destination (%d,%d) of net %d is outside the rectangle of %%%s", n->to[d].x, n->to[d].y, n->id, o->name);
        ok = false;
      }
    }
    if (ok) ok = check_tree(c, n, p, seen, stack);
    for (int h = 0; h < n->nhop && ok; h++) {
      Use u = {n->hop[h].x, n->hop[h].y, n->color, i, h};
      VEC_PUSH(uses, u);
    }
  }
  free(seen);
  free(stack);
  if (ok && uses.n) {
    qsort(uses.v, (size_t)uses.n, sizeof(Use), cmp_use);
    for (int i = 1; i < uses.n && ok; i++)
      if (uses.v[i - 1].x == uses.v[i].x && uses.v[i - 1].y == uses.v[i].y && uses.v[i - 1].color == uses.v[i].color) {
        const Use *u = &uses.v[i];
        err_at(c, c->w->net[u->net].hop[u->hop], "nets %d and %d both use color %d at router (%d,%d)", uses.v[i - 1].net, u->net,
               u->color, u->x, u->y);
        ok = false;
      }
  }
  VEC_FREE(uses);
  if (!ok) return false;
  /* What the nets carry must be what route builds for this placement. */
  IrNet **saved = m->nets;
  int nsaved = m->nnets;
  m->nets = NULL;
  m->nnets = 0;
  IrStage st = m->stage;
  m->stage = STAGE_PLACE;
  int before = diag_errors();
  bool routed = pass_route(m, t) && diag_errors() == before;
  m->stage = st;
  IrNet **fresh = m->nets;
  int nfresh = m->nnets;
  m->nets = saved;
  m->nnets = nsaved;
  if (!routed) {
    free(fresh);
    return false;
  }
  for (int i = 0; i < nsaved && ok; i++) {
    if (i >= nfresh) {
      err_at(c, c->w->net[i].at, "net %d is one too many: the route pass builds %d nets for this placement", i, nfresh);
      ok = false;
    } else if (!same_net(saved[i], fresh[i])) {
      char d[400];
      net_desc(fresh[i], d, sizeof d);
      err_at(c, c->w->net[i].at,
             "net %d is not what the route pass builds for this placement (expected: %s); only routes and colors "
             "may be edited at stage route (edit the placement of a place-stage dump to change the nets)",
             i, d);
      ok = false;
    }
  }
  if (ok && nfresh > nsaved) {
    char d[400];
    net_desc(fresh[nsaved], d, sizeof d);
    err_at(c, nsaved ? c->w->net[nsaved - 1].at : opos(c, m->ops[m->nops - 1])->at, "net %d is missing after this (route builds %d nets; the next is %s)", nsaved, nfresh, d);
    ok = false;
  }
  free(fresh);
  return ok;
}

/* ---- programs ------------------------------------------------------------ */

static const char *const dsr_kinds[] = {"none", "mem", "fabin", "fabout"};
static const char *const task_kinds[] = {"main", "data", "local"};

static void buf_desc(const IrBuf *b, char *out, size_t n) {
  char bs[128];
  int o = snprintf(out, n, "%s %%%s %s %s %lld @", ir_buf_kind_names[b->kind], b->val->name, boxstr(&b->box, b->val->shape.rank, bs, sizeof bs),
                   ir_dtype_name(b->dt), (long long)b->elems);
  if (b->addr < 0) snprintf(out + o, n - (size_t)o, "?");
  else snprintf(out + o, n - (size_t)o, "0x%04llx", (long long)b->addr);
}
static void dsr_desc(const IrDsr *d, char *out, size_t n) {
  int o = snprintf(out, n, "%s %s ", dsr_kinds[d->kind], ir_dtype_name(d->dt));
  if (d->kind == DSR_MEM) {
    o += snprintf(out + o, n - (size_t)o, "buf %d+%lld dims [", d->buf, (long long)d->off);
    for (int k = 0; k < d->ndim; k++) o += snprintf(out + o, n - (size_t)o, "%s%lld", k ? ", " : "", (long long)d->dim[k]);
    o += snprintf(out + o, n - (size_t)o, "] strides [");
    for (int k = 0; k < d->ndim; k++) o += snprintf(out + o, n - (size_t)o, "%s%lld", k ? ", " : "", (long long)d->stride[k]);
    snprintf(out + o, n - (size_t)o, "]");
  } else {
    snprintf(out + o, n - (size_t)o, "color %d len %lld", d->color, (long long)d->dim[0]);
  }
}
static bool same_dsr(const IrDsr *a, const IrDsr *b) {
  if (a->kind != b->kind || a->dt != b->dt || a->ndim != b->ndim) return false;
  if (a->kind == DSR_MEM) {
    if (a->buf != b->buf || a->off != b->off) return false;
    for (int k = 0; k < a->ndim; k++)
      if (a->dim[k] != b->dim[k] || a->stride[k] != b->stride[k]) return false;
    return true;
  }
  return a->color == b->color && a->dim[0] == b->dim[0];
}

static bool check_core_shape(C *c, const IrCore *core, const WirCorePos *p) {
  const Target *t = c->t;
  const IrOp *op = core->op;
  char bs[128], ta[128];
  if (!op->placed || !in_rect(&op->place, core->x, core->y)) {
    err_at(c, p->at, "core (%d,%d) is outside the rectangle of %%%s", core->x, core->y, op->name);
    return false;
  }
  if (core->ndsr > (int)t->dsrs) {
    err_at(c, p->dsr[t->dsrs], "DSR %u: a core of target '%s' has %u DSRs (0 to %u)", t->dsrs, t->name, t->dsrs, t->dsrs - 1);
    return false;
  }
  if (p->sram.line && (core->code_bytes != (((int64_t)core->ninsn * 8 + 15) & ~(int64_t)15) || core->data_end > (int64_t)t->sram_bytes)) {
    err_at(c, p->sram, "'sram code %lld end %lld': the code of %d instructions takes %lld bytes, and the end is at most %u", (long long)core->code_bytes,
           (long long)core->data_end, core->ninsn, (long long)(((int64_t)core->ninsn * 8 + 15) & ~(int64_t)15), t->sram_bytes);
    return false;
  }
  for (int b = 0; b < core->nbuf; b++) {
    const IrBuf *x = &core->buf[b];
    const IrOp *v = x->val;
    if (p->buf[b].boxrank != v->shape.rank) {
      err_at(c, p->buf[b].at, "the box of buffer %d has %d dimensions; %%%s has %d", b, p->buf[b].boxrank, v->name, v->shape.rank);
      return false;
    }
    for (int k = 0; k < v->shape.rank; k++)
      if (x->box.lo[k] + x->box.n[k] > v->shape.d[k]) {
        err_at(c, p->buf[b].at, "box %s of buffer %d is outside %%%s (%s)", boxstr(&x->box, v->shape.rank, bs, sizeof bs), b, v->name,
               tstr(v->dt, &v->shape, ta, sizeof ta));
        return false;
      }
    if (x->kind != BUF_ACC && x->elems != box_count(&x->box, v->shape.rank)) { /* an acc is scratch */
      err_at(c, p->buf[b].at, "buffer %d holds box %s: %lld elements, not %lld", b, boxstr(&x->box, v->shape.rank, bs, sizeof bs),
             (long long)box_count(&x->box, v->shape.rank), (long long)x->elems);
      return false;
    }
    if (x->addr >= 0) {
      int64_t end = x->addr + x->elems * ir_dtype_size(x->dt);
      if (x->addr < core->code_bytes || end > core->data_end || end > (int64_t)t->sram_bytes) {
        err_at(c, p->buf[b].at, "buffer %d at 0x%llx..0x%llx is outside the data area 0x%llx..0x%llx of the core's %u bytes of SRAM", b,
               (long long)x->addr, (long long)end, (long long)core->code_bytes, (long long)core->data_end, t->sram_bytes);
        return false;
      }
    }
  }
  for (int d = 0; d < core->ndsr; d++) {
    const IrDsr *x = &core->dsr[d];
    if (x->kind == DSR_MEM) {
      if (x->buf >= core->nbuf) {
        err_at(c, p->dsr[d], "DSR %d names buffer %d; the core has %d", d, x->buf, core->nbuf);
        return false;
      }
      const IrBuf *b = &core->buf[x->buf];
      int64_t lo = x->off, hi = x->off;
      for (int k = 0; k < x->ndim; k++) {
        int64_t span = (x->dim[k] - 1) * x->stride[k];
        if (span < 0) lo += span;
        else hi += span;
      }
      if (x->dt != b->dt || lo < 0 || hi >= b->elems) {
        err_at(c, p->dsr[d], "DSR %d walks elements %lld..%lld of buffer %d (%s, %lld elements)", d, (long long)lo, (long long)hi,
               x->buf, ir_dtype_name(b->dt), (long long)b->elems);
        return false;
      }
    } else if (x->color >= (int)t->colors) {
      err_at(c, p->dsr[d], "DSR %d: color %d, but target '%s' has %u colors (0 to %u)", d, x->color, t->name, t->colors, t->colors - 1);
      return false;
    }
  }
  for (int k = 0; k < core->ntask; k++) {
    const IrTask *x = &core->task[k];
    if (x->pc >= core->ninsn) {
      err_at(c, p->task[k], "task %d starts at pc %d, past the core's %d instructions", k, x->pc, core->ninsn);
      return false;
    }
    if (x->kind == 1 && x->color >= (int)t->colors) {
      err_at(c, p->task[k], "task %d: color %d, but target '%s' has %u colors (0 to %u)", k, x->color, t->name, t->colors, t->colors - 1);
      return false;
    }
  }
  for (int k = 0; k < core->ninsn; k++) {
    const char *why = isa_check(core->insn[k], core->ndsr, core->ninsn, core->ntask);
    if (why) {
      err_at(c, p->insn[k], "instruction %d: %s", k, why);
      return false;
    }
  }
  return true;
}

static bool compare_core(C *c, const IrCore *a, const IrCore *b, const WirCorePos *p) {
  char d[300], f[300];
  const char *why = "its program is not what lower computes from the nets";
  if (a->x != b->x || a->y != b->y || a->op != b->op) {
    err_at(c, p->at, "core (%d,%d) %%%s: the lower pass gives core (%d,%d) %%%s here", a->x, a->y, a->op->name, b->x, b->y, b->op->name);
    return false;
  }
  int nb = a->nbuf < b->nbuf ? a->nbuf : b->nbuf;
  for (int i = 0; i < nb; i++) {
    const IrBuf *x = &a->buf[i], *y = &b->buf[i];
    if (x->kind != y->kind || x->val != y->val || x->dt != y->dt || x->elems != y->elems || x->addr != y->addr ||
        !box_eq(&x->box, &y->box, x->val->shape.rank)) {
      buf_desc(y, d, sizeof d);
      err_at(c, p->buf[i].at, "buffer %d of core (%d,%d): %s (expected: buf %d %s)", i, a->x, a->y, why, i, d);
      return false;
    }
  }
  if (a->nbuf != b->nbuf) {
    err_at(c, p->at, "core (%d,%d) has %d buffers; %s, which has %d", a->x, a->y, a->nbuf, why, b->nbuf);
    return false;
  }
  int nd = a->ndsr < b->ndsr ? a->ndsr : b->ndsr;
  for (int i = 0; i < nd; i++)
    if (!same_dsr(&a->dsr[i], &b->dsr[i])) {
      dsr_desc(&b->dsr[i], d, sizeof d);
      err_at(c, p->dsr[i], "DSR %d of core (%d,%d): %s (expected: dsr %d %s)", i, a->x, a->y, why, i, d);
      return false;
    }
  if (a->ndsr != b->ndsr) {
    err_at(c, p->at, "core (%d,%d) has %d DSRs; %s, which has %d", a->x, a->y, a->ndsr, why, b->ndsr);
    return false;
  }
  int nt = a->ntask < b->ntask ? a->ntask : b->ntask;
  for (int i = 0; i < nt; i++) {
    const IrTask *x = &a->task[i], *y = &b->task[i];
    if (x->kind != y->kind || x->pc != y->pc || (x->kind == 1 && x->color != y->color)) {
      if (y->kind == 1) snprintf(d, sizeof d, "task %d data color %d @%d", i, y->color, y->pc);
      else snprintf(d, sizeof d, "task %d %s @%d", i, task_kinds[y->kind], y->pc);
      err_at(c, p->task[i], "task %d of core (%d,%d): %s (expected: %s)", i, a->x, a->y, why, d);
      return false;
    }
  }
  if (a->ntask != b->ntask) {
    err_at(c, p->at, "core (%d,%d) has %d tasks; %s, which has %d", a->x, a->y, a->ntask, why, b->ntask);
    return false;
  }
  int ni = a->ninsn < b->ninsn ? a->ninsn : b->ninsn;
  for (int i = 0; i < ni; i++) {
    const Insn *x = &a->insn[i], *y = &b->insn[i];
    if (x->op != y->op || x->a != y->a || x->b != y->b || x->c != y->c || x->imm != y->imm) {
      isa_format(f, sizeof f, *y);
      err_at(c, p->insn[i], "instruction %d of core (%d,%d): %s (expected: %s)", i, a->x, a->y, why, f);
      return false;
    }
  }
  if (a->ninsn != b->ninsn) {
    err_at(c, p->at, "core (%d,%d) has %d instructions; %s, which has %d", a->x, a->y, a->ninsn, why, b->ninsn);
    return false;
  }
  if (a->code_bytes != b->code_bytes || a->data_end != b->data_end) {
    err_at(c, p->sram.line ? p->sram : p->at, "core (%d,%d): 'sram code %lld end %lld' is not what alloc computes ('sram code %lld end %lld')",
           a->x, a->y, (long long)a->code_bytes, (long long)a->data_end, (long long)b->code_bytes, (long long)b->data_end);
    return false;
  }
  return true;
}

static bool check_cores(C *c) {
  IrModule *m = c->m;
  const Target *t = c->t;
  if (c->w->ncores != m->ncores) die("check: %d core positions for %d cores", c->w->ncores, m->ncores);
  for (int i = 0; i < m->ncores; i++) {
    const IrCore *core = m->cores[i];
    const WirCorePos *p = &c->w->core[i];
    if (i && cmp_xy(core->x, core->y, m->cores[i - 1]->x, m->cores[i - 1]->y) <= 0) {
      err_at(c, p->at, "cores are listed once each, sorted by (y, x): (%d,%d) comes after (%d,%d)", core->x, core->y,
             m->cores[i - 1]->x, m->cores[i - 1]->y);
      return false;
    }
    if (!check_core_shape(c, core, p)) return false;
  }
  /* Recompute the programs and compare. */
  IrCore **saved = m->cores;
  int nsaved = m->ncores;
  m->cores = NULL;
  m->ncores = 0;
  IrStage st = m->stage;
  m->stage = STAGE_ROUTE;
  int before = diag_errors();
  bool ok = pass_lower(m, t) && diag_errors() == before;
  if (ok && st >= STAGE_ALLOC) ok = pass_alloc(m, t) && diag_errors() == before;
  m->stage = st;
  IrCore **fresh = m->cores;
  int nfresh = m->ncores;
  m->cores = saved;
  m->ncores = nsaved;
  for (int i = 0; i < nsaved && ok; i++) {
    if (i >= nfresh) {
      err_at(c, c->w->core[i].at, "core (%d,%d): the lower pass gives only %d core programs", saved[i]->x, saved[i]->y, nfresh);
      ok = false;
    } else {
      ok = compare_core(c, saved[i], fresh[i], &c->w->core[i]);
    }
  }
  if (ok && nfresh > nsaved) {
    err_at(c, nsaved ? c->w->core[nsaved - 1].at : (WirPos){2, 1}, "the program of core (%d,%d) %%%s is missing (lower gives %d cores, the file %d)",
           fresh[nsaved]->x, fresh[nsaved]->y, fresh[nsaved]->op->name, nfresh, nsaved);
    ok = false;
  }
  free(fresh);
  return ok;
}

bool pass_check_wir(IrModule *m, const Target *t) {
  if (!m->wir) return true;
  C c = {m, t, m->wir, (int)t->grid_w, (int)t->grid_h};
  if (m->grid_w > 0 && m->grid_w < c.gw) c.gw = m->grid_w;
  if (m->grid_h > 0 && m->grid_h < c.gh) c.gh = m->grid_h;
  if (c.w->nops != m->nops) die("check: %d op positions for %d ops", c.w->nops, m->nops);
  /* The passes report errors at an op's source location; while checking,
   * that is the op's line in the .wir. */
  SrcLoc *locs = xmalloc(sizeof(SrcLoc) * (size_t)m->nops + 1);
  for (int i = 0; i < m->nops; i++) {
    locs[i] = m->ops[i]->loc;
    m->ops[i]->loc = (SrcLoc){c.w->file, c.w->op[i].at.line, c.w->op[i].at.col, c.w->op[i].at.col + 1};
  }
  IrOp **ops = xmalloc(sizeof(IrOp *) * (size_t)m->nops + 1);
  memcpy(ops, m->ops, sizeof(IrOp *) * (size_t)m->nops);
  int nops = m->nops;
  int before = diag_errors();
  bool ok = check_types(&c);
  if (ok && m->stage >= STAGE_PLACE) ok = check_place(&c);
  if (ok && m->stage >= STAGE_ROUTE) ok = check_nets(&c);
  if (ok && m->stage >= STAGE_LOWER) ok = check_cores(&c);
  for (int i = 0; i < nops; i++) ops[i]->loc = locs[i];
  free(locs);
  free(ops);
  m->wir = NULL; /* positions are by parse order; passes change it */
  return ok && diag_errors() == before;
}
