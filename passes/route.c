/* passes/route.c: static routing - nets, multicast trees and colors.
 *
 * Algorithm
 *  1. Nets. For every placed value and every op that uses it (params and
 *     constants are preloaded instead), each consumer core asks mapping.h
 *     which box of the operand it needs; each producer core knows which box
 *     it holds. Every non-empty intersection is a transfer (producer core,
 *     box) -> consumer core. Transfers with the same producer core and box
 *     become one multicast net, across all the value's users; a producer
 *     core with more than MERGE_BOXES different boxes (more than one, when
 *     all go to matmuls' left operands) whose bounding box is at most
 *     MERGE_BYTES sends their bounding
 *     box once to all of their users instead (each receiver stages it and
 *     copies out its part), which keeps its router's colors; with more
 *     than CLUSTER_BOXES boxes and a larger bounding box, each run of
 *     consecutive boxes within MERGE_BYTES goes as one. Each MATMUL
 *     also gets one PSUM net per vertically adjacent core pair of its
 *     rectangle: the partial sums flow down each column to the bottom row.
 *  2. Trees. A net's tree is the union of dimension-ordered paths from its
 *     source to each destination: first along x (XY), then along y. Paths
 *     from one source in one order share prefixes, so the union is a tree
 *     and every router on it has exactly one input port.
 *  3. Colors. A router holds one entry per color (input port -> output
 *     ports), so two nets may share a color only if their trees share no
 *     router. Nets are routed in creation order. For each, the XY and the
 *     YX tree are built and the one through less-loaded routers is taken
 *     (cost: sum over its routers of 1 + (colors in use)^2, so hot spots
 *     are avoided) if some color is free on every router of it; else the
 *     least-loaded detour (through a row or column near the net's box,
 *     at distances 1, 2, 3, 4, 6, 9, ...) with a free color.
 *  4. Rip-up and reroute. A net that finds no free color on any shape takes
 *     the (shape, color) whose current holders cost least - a holder costs
 *     1 + the times it was ripped up before, so the same nets are not
 *     bumped back and forth (one walk over a shape's routers, at each only
 *     the colors it uses, a color dropping out once it costs as much as
 *     the best so far) - rips those holders up and puts them on a
 *     queue, which is drained (the same way) before the next new net. A net
 *     ripped up RIPUP_BUDGET times is never bumped again, and there are at
 *     most 1000 + (nets / 2) rip-ups in all; when every choice would bump
 *     a net out of budget, or the total is spent, the error names the
 *     router and link that ran out of colors and the nets that hold them.
 *  Cost. A shape's tree is built at most once per routing of a net; a
 *  detour is built only when its routers, read as straight runs
 *  (shape_segs), leave a color free, and the rip-up compares holders from
 *  those runs, building only the shape it takes. Debug builds check that
 *  the runs are exactly the tree's routers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"

/* ---- per-router color use, one entry per router of the grid ---- */
typedef struct Router { uint32_t used; int *net_of_color; } Router;
_Static_assert(MACHINE_COLORS_MAX <= 32, "Router.used is a 32-bit mask of colors");
typedef struct RMap { Router *r; int w, h; } RMap;

static Router *rmap_get(RMap *m, int x, int y, int ncolors) {
  if (x < 0 || y < 0 || x >= m->w || y >= m->h) die("route: router (%d,%d) outside the grid", x, y);
  Router *r = &m->r[(size_t)y * (size_t)m->w + (size_t)x];
  if (!r->net_of_color) {
    r->net_of_color = xmalloc(sizeof(int) * (size_t)ncolors);
    for (int i = 0; i < ncolors; i++) r->net_of_color[i] = -1;
  }
  return r;
}
static void rmap_free(RMap *m) {
  for (size_t i = 0; i < (size_t)m->w * (size_t)m->h; i++) free(m->r[i].net_of_color);
  free(m->r);
}

/* ---- net construction ---- */

static int cmp_dest(const void *a, const void *b) {
  const IrDest *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

typedef VEC(IrDest) DestVec;

static IrNet *new_net(IrModule *m, IrNetKind kind, IrOp *src, IrCoord from, Box box, DType dt, const IrDest *to,
                      int nto) {
  IrNet *n = ir_add_net(m);
  n->kind = kind;
  n->src = src;
  n->from = from;
  n->box = box;
  n->dt = dt;
  n->ndst = nto;
  n->to = ARENA_NEW(&m->arena, IrDest, nto);
  memcpy(n->to, to, sizeof(IrDest) * (size_t)nto);
  qsort(n->to, (size_t)nto, sizeof(IrDest), cmp_dest);
  n->color = -1;
  return n;
}

/* More distinct boxes than this from one producer core are sent as one
 * bounding box, multicast to all their users; when every user is the left
 * operand of a matmul (the corner turn into its K rows, where colors are
 * scarcest) more than one already. Each staged net costs its receiver
 * DSRs and a copy, so other users keep up to two boxes apart. */
#define MERGE_BOXES 2
/* ... as long as that bounding box is at most this many bytes: each
 * receiver stages all of it. */
#define MERGE_BYTES 8192
/* More boxes than this whose bounding box is larger: runs of them, each
 * within MERGE_BYTES, are sent as one (a core's router has 24 colors). */
#define CLUSTER_BOXES 8
/* ... and no receiver stages more than this many bytes of them in all. */
#define STAGE_BUDGET 24576
/* Bytes staged so far per core, row-major over the target's grid. */
typedef struct Staged { int32_t *b; int w; } Staged;

static bool has_core(const DestVec *d, int x, int y) {
  for (int i = 0; i < d->n; i++)
    if (d->v[i].x == x && d->v[i].y == y) return true;
  return false;
}

/* One bounding box u from core `from`, multicast to the users of n boxes
 * (dests[0..n)): a net per set of distinct cores (a core that uses two of
 * the boxes gets a second net); each receiver stages u and keeps its part.
 * False, sending nothing, if that would stage more than STAGE_BUDGET bytes
 * on a receiver. */
static bool send_merged(IrModule *m, IrOp *v, IrCoord from, Box u, const DestVec *dests, int n, Staged *st) {
  /* each receiver stages u (counted for every one: a receiver that needs
   * all of u stages nothing, but one that needs a part does) */
  int64_t ub = box_count(&u, v->shape.rank) * ir_dtype_size(v->dt);
  for (int j = 0; j < n; j++)
    for (int d = 0; d < dests[j].n; d++)
      if (st->b[(size_t)dests[j].v[d].y * (size_t)st->w + (size_t)dests[j].v[d].x] + ub > STAGE_BUDGET) return false;
  for (int j = 0; j < n; j++)
    for (int d = 0; d < dests[j].n; d++) st->b[(size_t)dests[j].v[d].y * (size_t)st->w + (size_t)dests[j].v[d].x] += (int32_t)ub;
  VEC(DestVec) merged = {0};
  for (int j = 0; j < n; j++)
    for (int d = 0; d < dests[j].n; d++) {
      IrDest dd = dests[j].v[d];
      int t;
      for (t = 0; t < merged.n; t++)
        if (!has_core(&merged.v[t], dd.x, dd.y)) break;
      if (t == merged.n) {
        DestVec empty = {0};
        VEC_PUSH(merged, empty);
      }
      VEC_PUSH(merged.v[t], dd);
    }
  for (int t = 0; t < merged.n; t++) {
    new_net(m, NET_OPERAND, v, from, u, v->dt, merged.v[t].v, merged.v[t].n);
    VEC_FREE(merged.v[t]);
  }
  VEC_FREE(merged);
  return true;
}

/* A use of a value: op's operand argi, and each of its cores with the box
 * of the value it needs (through views, in the value's index space). */
typedef struct Need { IrDest d; Box box; } Need;
typedef struct Use { IrOp *op; int argi; VEC(Need) need; } Use;

/* Nets carrying value `v` from its cores to every core of every op that
 * uses it. One net per (producer core, box): a box several ops need is
 * multicast once. (A core needing the same box for two operands of its op
 * gets a second net.) */
static void build_value_nets(IrModule *m, IrOp *v, Staged *staged) {
  const Rect *pr = &v->place;
  /* v's uses, found once: (op, operand slot, the view from it into v) */
  VEC(Use) uses = {0};
  for (int i = v->idx + 1; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed || op->kind == IR_INPUT) continue;
    if (ir_cores_of(op) == ir_cores_of(v)) continue; /* in place on the same cores */
    for (int argi = 0; argi < op->nargs; argi++) {
      Use u = {op, argi, {0}};
      ViewMap vm;
      if (map_root(op->arg[argi], &vm) != v) continue;
      if (argi == 1 && map_shares_operand(op)) continue; /* x * x: one stream */
      if (argi == 1 && op->host_rhs) continue;          /* the host writes it into op's cores */
      const Rect *cr = &op->place;
      for (int cy = 0; cy < cr->h; cy++)
        for (int cx = 0; cx < cr->w; cx++) {
          Need nd = {{cr->x + cx, cr->y + cy, op, argi}, {{0}, {0}}};
          if (!map_need(op, argi, cx, cy, &nd.box)) continue;
          nd.box = map_view_box(&vm, &nd.box); /* through views, into v's index space */
          VEC_PUSH(u.need, nd);
        }
      VEC_PUSH(uses, u);
    }
  }
  for (int py = 0; py < pr->h && uses.n; py++)
    for (int px = 0; px < pr->w; px++) {
      Box hb;
      if (!map_held(v, px, py, &hb)) continue;
      VEC(Box) boxes = {0};
      VEC(DestVec) dsts = {0};
      for (int ui = 0; ui < uses.n; ui++)
        for (int ni = 0; ni < uses.v[ui].need.n; ni++) {
          const Need *nd = &uses.v[ui].need.v[ni];
          Box ov;
          if (!box_intersect(&hb, &nd->box, v->shape.rank, &ov)) continue;
          IrDest d = nd->d;
          int j;
          for (j = 0; j < boxes.n; j++)
            if (box_eq(&boxes.v[j], &ov, v->shape.rank) && !has_core(&dsts.v[j], d.x, d.y)) break;
          if (j == boxes.n) {
            VEC_PUSH(boxes, ov);
            DestVec empty = {0};
            VEC_PUSH(dsts, empty);
          }
          VEC_PUSH(dsts.v[j], d);
        }
      bool all_mm = true;
      for (int j = 0; j < dsts.n; j++)
        for (int d = 0; d < dsts.v[j].n; d++)
          all_mm = all_mm && dsts.v[j].v[d].op->kind == IR_MATMUL && dsts.v[j].v[d].argi == 0;
      /* Many different boxes from one core cost one color each at its
       * router: send their bounding box once instead, to every user; each
       * receiver stages it and keeps its part (passes/lower.c). */
      Box u = boxes.n ? boxes.v[0] : (Box){{0}, {0}};
      for (int j = 1; j < boxes.n; j++) u = box_union(&u, &boxes.v[j], v->shape.rank);
      int64_t ub = box_count(&u, v->shape.rank) * ir_dtype_size(v->dt); /* what each receiver stages */
      bool sent = boxes.n > (all_mm ? 1 : MERGE_BOXES) && ub <= MERGE_BYTES &&
                  send_merged(m, v, (IrCoord){pr->x + px, pr->y + py}, u, dsts.v, boxes.n, staged);
      if (sent) {
        /* one bounding box for all */
      } else if (boxes.n > CLUSTER_BOXES) {
        /* too many boxes for one color each, too large to send as one: runs
         * of consecutive boxes (neighbours: the needs are in core order)
         * whose bounding box stays within MERGE_BYTES each go as one */
        for (int j0 = 0, j1; j0 < boxes.n; j0 = j1) {
          Box cu = boxes.v[j0];
          for (j1 = j0 + 1; j1 < boxes.n; j1++) {
            Box nu = box_union(&cu, &boxes.v[j1], v->shape.rank);
            if (box_count(&nu, v->shape.rank) * ir_dtype_size(v->dt) > MERGE_BYTES) break;
            cu = nu;
          }
          if (j1 - j0 > 1 && send_merged(m, v, (IrCoord){pr->x + px, pr->y + py}, cu, dsts.v + j0, j1 - j0, staged)) continue;
          for (int j = j0; j < j1; j++)
            new_net(m, NET_OPERAND, v, (IrCoord){pr->x + px, pr->y + py}, boxes.v[j], v->dt, dsts.v[j].v, dsts.v[j].n);
        }
      } else {
        for (int j = 0; j < boxes.n; j++)
          new_net(m, NET_OPERAND, v, (IrCoord){pr->x + px, pr->y + py}, boxes.v[j], v->dt, dsts.v[j].v, dsts.v[j].n);
      }
      for (int j = 0; j < boxes.n; j++) VEC_FREE(dsts.v[j]);
      VEC_FREE(boxes);
      VEC_FREE(dsts);
    }
  for (int ui = 0; ui < uses.n; ui++) VEC_FREE(uses.v[ui].need);
  VEC_FREE(uses);
}

/* Reductions: partials flow east (columns reduced) or south (rows). */
static void build_reduce_nets(IrModule *m, IrOp *op) {
  const Rect *r = &op->place;
  bool cols = map_reduces_cols(op);
  for (int cy = 0; cy < r->h; cy++)
    for (int cx = 0; cx < r->w; cx++) {
      if (cols ? cx + 1 >= r->w : cy + 1 >= r->h) continue;
      Box b;
      if (map_reduce_acc(op, cx, cy, &b) <= 0) continue;
      IrDest to = {r->x + cx + (cols ? 1 : 0), r->y + cy + (cols ? 0 : 1), op, 0};
      new_net(m, NET_PSUM, op, (IrCoord){r->x + cx, r->y + cy}, b, DT_F32, &to, 1);
    }
}

static void build_psum_nets(IrModule *m, IrOp *op) {
  const Rect *r = &op->place;
  for (int cx = 0; cx < r->w; cx++) {
    Box b;
    map_matmul_acc(op, cx, &b);
    for (int cy = 0; cy + 1 < r->h; cy++) {
      IrDest to = {r->x + cx, r->y + cy + 1, op, 0};
      new_net(m, NET_PSUM, op, (IrCoord){r->x + cx, r->y + cy}, b, DT_F32, &to, 1);
    }
  }
}

/* A streamed matmul: per column, its weights from MemoryX, entering at the
 * router on the grid's north edge above the column and multicast down it;
 * per core row, a ring of partial sums: each core to its east neighbour,
 * and the last column back to the first. */
static void build_stream_nets(IrModule *m, IrOp *op) {
  const Rect *r = &op->place;
  int64_t K = op->arg[1]->shape.d[0], N = op->arg[1]->shape.d[1];
  int rk = op->shape.rank;
  IrDest *col = xmalloc(sizeof(IrDest) * (size_t)r->h);
  for (int cx = 0; cx < r->w; cx++) {
    for (int cy = 0; cy < r->h; cy++) col[cy] = (IrDest){r->x + cx, r->y + cy, op, 1};
    Box b = {{0}, {0}};
    map_chunk(K, r->w, cx, &b.lo[0], &b.n[0]);
    b.n[1] = N;
    new_net(m, NET_INGRESS, op, (IrCoord){r->x + cx, 0}, b, op->arg[1]->dt, col, r->h);
  }
  free(col);
  for (int cy = 0; cy < r->h && r->w > 1; cy++) {
    Box b = {{0}, {0}}; /* the core row's rows of the result, every batch, all N */
    for (int k = 0; k + 2 < rk; k++) b.n[k] = op->shape.d[k];
    map_chunk(op->shape.d[rk - 2], r->h, cy, &b.lo[rk - 2], &b.n[rk - 2]);
    b.n[rk - 1] = N;
    for (int cx = 0; cx < r->w; cx++) {
      IrDest to = {r->x + (cx + 1) % r->w, r->y + cy, op, 0};
      new_net(m, NET_PSUM, op, (IrCoord){r->x + cx, r->y + cy}, b, DT_F32, &to, 1);
    }
  }
}

/* The resident layout (IrModule.resident): one set of nets for the whole
 * model. Per column of the region, one ingress net carries every streamed
 * matmul's weights in turn (the .wmx concatenates them in op order); per
 * core row, one ring carries the partial sums of every streamed matmul and
 * row reduction in turn. Its microthreads take a color's wavelets in issue
 * order, so one layer's wavelets cannot be taken for the next's. */
static void build_resident_nets(IrModule *m) {
  IrOp *mm = NULL, *ring = NULL;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed) continue;
    if (op->stream && !mm) mm = op;
    if ((op->stream || ir_is_reduction(op)) && !ring) ring = op;
  }
  const Rect *r = &mm->place;
  IrDest *col = xmalloc(sizeof(IrDest) * (size_t)r->h);
  for (int cx = 0; cx < r->w; cx++) {
    for (int cy = 0; cy < r->h; cy++) col[cy] = (IrDest){r->x + cx, r->y + cy, mm, 1};
    Box b = {{0}, {0}};
    map_chunk(mm->arg[0]->shape.d[1], r->w, cx, &b.lo[0], &b.n[0]);
    b.n[1] = mm->shape.d[1];
    new_net(m, NET_INGRESS, mm, (IrCoord){r->x + cx, 0}, b, mm->arg[1]->dt, col, r->h);
  }
  free(col);
  for (int cy = 0; cy < r->h && r->w > 1; cy++) {
    Box b = {{0}, {0}};
    map_chunk(ring->shape.d[0], r->h, cy, &b.lo[0], &b.n[0]);
    b.n[1] = 1;
    for (int cx = 0; cx < r->w; cx++) {
      IrDest to = {r->x + (cx + 1) % r->w, r->y + cy, ring, 0};
      new_net(m, NET_PSUM, ring, (IrCoord){r->x + cx, r->y + cy}, b, DT_F32, &to, 1);
    }
  }
}

/* ---- trees ---- */

/* A tree under construction: its hops, an index (x, y) -> hop over the
 * whole grid (an entry is valid only when its gen is the tree's, so
 * clearing is O(1); the arrays are calloc'd, so only the pages of routers
 * some tree visits are ever touched), and the per-line extents build_tree
 * uses to walk each router once. */
typedef struct Line { uint32_t gen; int lo, hi, lo_hop, hi_hop; } Line;
typedef VEC(IrHop) HopVec;
typedef struct Tree {
  HopVec h;
  int *slot;       /* per router: hop index */
  uint32_t *sgen;  /* per router: the gen its slot was written in */
  int gw, gh;      /* the grid */
  uint32_t gen;
  Line *line;      /* per column (ROW shapes) or row (COL shapes) */
  int nline;
} Tree;

static void tree_init(Tree *t, int gw, int gh) {
  memset(t, 0, sizeof *t);
  t->gw = gw;
  t->gh = gh;
  t->slot = xcalloc((size_t)gw * (size_t)gh + 1, sizeof(int));
  t->sgen = xcalloc((size_t)gw * (size_t)gh + 1, sizeof(uint32_t));
  t->gen = 1;
}

static void tree_free(Tree *t) {
  VEC_FREE(t->h);
  free(t->slot);
  free(t->sgen);
  free(t->line);
}

static size_t tree_key(const Tree *t, int x, int y) {
  if (x < 0 || y < 0 || x >= t->gw || y >= t->gh) die("route: router (%d,%d) outside the grid", x, y);
  return (size_t)y * (size_t)t->gw + (size_t)x;
}

static int tree_find(const Tree *t, int x, int y) {
  size_t k = tree_key(t, x, y);
  return t->sgen[k] == t->gen ? t->slot[k] : -1;
}

static void tree_clear(Tree *t) {
  t->h.n = 0;
  t->gen++;
  if (t->gen == 0) { /* wrapped: really clear */
    memset(t->sgen, 0, sizeof(uint32_t) * (size_t)t->gw * (size_t)t->gh);
    for (int i = 0; i < t->nline; i++) t->line[i].gen = 0;
    t->gen = 1;
  }
}

static void tree_index(Tree *t, int i) {
  size_t k = tree_key(t, t->h.v[i].x, t->h.v[i].y);
  t->slot[k] = i;
  t->sgen[k] = t->gen;
}

static int opposite(int port) {
  switch (port) {
  case PORT_N: return PORT_S;
  case PORT_S: return PORT_N;
  case PORT_E: return PORT_W;
  case PORT_W: return PORT_E;
  }
  return PORT_R;
}

/* The index of the hop at (x, y), added with in_port if new; -1 if it
 * exists with another input port (the paths would not form a tree). */
static int hop_at(Tree *t, int x, int y, int in_port) {
  int i = tree_find(t, x, y);
  if (i >= 0) return t->h.v[i].in_port == in_port ? i : -1;
  IrHop h = {x, y, (uint8_t)in_port, 0};
  VEC_PUSH(t->h, h);
  tree_index(t, t->h.n - 1);
  return t->h.n - 1;
}

static int cmp_hop(const void *a, const void *b) {
  const IrHop *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

/* Walk from hop *cur at (*x, *y) straight to coordinate `to` along x
 * (horiz) or y, adding hops. False if the walk would break the tree. */
static bool walk(Tree *t, int *cur, int *x, int *y, int to, bool horiz) {
  while (horiz ? *x != to : *y != to) {
    int port = horiz ? (to > *x ? PORT_E : PORT_W) : (to > *y ? PORT_S : PORT_N);
    t->h.v[*cur].out_mask |= (uint8_t)(1u << port);
    if (port == PORT_E) (*x)++;
    else if (port == PORT_W) (*x)--;
    else if (port == PORT_S) (*y)++;
    else (*y)--;
    if ((*cur = hop_at(t, *x, *y, opposite(port))) < 0) return false;
  }
  return true;
}

/* Tree shapes: each destination is reached by three straight legs,
 *   ROW r:  y to row r, then x, then y   (r = source row: XY)
 *   COL c:  x to column c, then y, then x (c = source column: YX)
 * The union over the destinations is a tree when no router is entered from
 * two sides; build_tree returns false otherwise. */
typedef struct Shape2 { bool via_row; int at; } Shape2;

/* Extend one straight line of the tree from its junction (coordinate j on
 * the line, hop jhop) to coordinate `to`: the part already walked for an
 * earlier destination (the line's extents) is skipped, so each router is
 * walked once however many destinations share the line. Same hops, ports
 * and conflicts as walking the whole leg. *cur is the hop at `to`. */
static bool extend(Tree *t, Line *l, int j, int jhop, int to, bool horiz, int fixed, int *cur) {
  if (l->gen != t->gen) *l = (Line){t->gen, j, j, jhop, jhop};
  int x, y;
  if (to >= l->lo && to <= l->hi) { /* already on the line */
    *cur = to == l->lo ? l->lo_hop : to == l->hi ? l->hi_hop : tree_find(t, horiz ? to : fixed, horiz ? fixed : to);
    return *cur >= 0;
  }
  bool up = to > l->hi;
  int from = up ? l->hi : l->lo;
  *cur = up ? l->hi_hop : l->lo_hop;
  x = horiz ? from : fixed;
  y = horiz ? fixed : from;
  if (!walk(t, cur, &x, &y, to, horiz)) return false;
  if (up) l->hi = to, l->hi_hop = *cur;
  else l->lo = to, l->lo_hop = *cur;
  return true;
}

static Line *tree_line(Tree *t, int i) {
  if (i >= t->nline) {
    int n = t->nline ? t->nline : 64;
    while (n <= i) n *= 2;
    t->line = xrealloc(t->line, sizeof(Line) * (size_t)n);
    memset(t->line + t->nline, 0, sizeof(Line) * (size_t)(n - t->nline));
    t->nline = n;
  }
  return &t->line[i];
}

static bool build_tree(const IrNet *n, Shape2 s, Tree *t) {
  tree_clear(t);
  /* MemoryX's wavelets come in from the north, off the wafer */
  int root = hop_at(t, n->from.x, n->from.y, n->kind == NET_INGRESS ? PORT_N : PORT_R);
  /* leg 1, shared by every destination: to row (column) s.at */
  int x = n->from.x, y = n->from.y, mid = root;
  if (!walk(t, &mid, &x, &y, s.at, !s.via_row)) return false;
  /* leg 2 runs along row (column) s.at from the source's column (row):
   * one line, extents on both sides; leg 3 leaves it per destination
   * column (row): one line each. Line 0 of t->line is leg 2; leg 3 of
   * coordinate c is line c + 1. */
  int src2 = s.via_row ? n->from.x : n->from.y;
  for (int d = 0; d < n->ndst; d++) {
    IrDest to = n->to[d];
    int c2 = s.via_row ? to.x : to.y, c3 = s.via_row ? to.y : to.x, j, cur;
    if (!extend(t, tree_line(t, 0), src2, mid, c2, s.via_row, s.at, &j)) return false;
    if (!extend(t, tree_line(t, c2 + 1), s.at, j, c3, !s.via_row, c2, &cur)) return false;
    t->h.v[cur].out_mask |= 1u << PORT_R;
  }
  return true;
}

static const char *net_desc(const IrNet *n, char *buf, size_t len) {
  if (n->kind == NET_INGRESS) {
    snprintf(buf, len, "net %d (weights of %%%s from MemoryX, entering at (%d,%d) -> %d core%s)", n->id, n->src->name,
             n->from.x, n->from.y, n->ndst, n->ndst == 1 ? "" : "s");
    return buf;
  }
  if (n->kind == NET_PSUM) {
    snprintf(buf, len, "net %d (partial sums of %%%s, core (%d,%d) -> (%d,%d))", n->id, n->src->name,
             n->from.x, n->from.y, n->to[0].x, n->to[0].y);
    return buf;
  }
  int o = snprintf(buf, len, "net %d (%%%s -> ", n->id, n->src->name);
  int shown = 0;
  for (int i = 0; i < n->ndst && o < (int)len - 40; i++) {
    bool seen = false;
    for (int j = 0; j < i; j++) seen |= n->to[j].op == n->to[i].op && n->to[j].argi == n->to[i].argi;
    if (seen) continue;
    o += snprintf(buf + o, len - (size_t)o, "%soperand %d of %%%s", shown++ ? ", " : "", n->to[i].argi, n->to[i].op->name);
  }
  snprintf(buf + o, len - (size_t)o, ", core (%d,%d) -> %d core%s)", n->from.x, n->from.y, n->ndst, n->ndst == 1 ? "" : "s");
  return buf;
}

static const char *port_word(int p) {
  static const char *const w[] = {"ramp", "north", "east", "south", "west"};
  return w[p];
}

/* A candidate tree of the net being routed, one per shape (st->sv): built
 * at most once per routing of the net, whether route_free or
 * route_ripping asks first. Its routers are looked up once. */
typedef struct Cand {
  int state;        /* 0: not built yet; 1: a tree; -1: the shape does not give a tree */
  HopVec h;         /* its hops */
  VEC(Router *) r;  /* the router of each hop */
} Cand;

/* Congestion of a tree: the sum over its routers of the colors in use. */
static int64_t tree_load(const Cand *t) {
  int64_t load = 0;
  for (int i = 0; i < t->r.n; i++) {
    int u = __builtin_popcount(t->r.v[i]->used);
    load += (int64_t)u * u + 1;
  }
  return load;
}

/* Lowest color free on every router of the tree, or -1. */
static int free_color(const Cand *t, int ncolors) {
  uint32_t used = 0;
  for (int i = 0; i < t->r.n; i++) used |= t->r.v[i]->used;
  for (int c = 0; c < ncolors; c++)
    if (!(used & (1u << c))) return c;
  return -1;
}

/* What the user can do about a net that found no color: only the hints
 * that apply to this compile. */
static void route_hints(const IrModule *m, const Target *t) {
  if (m->grid_w > 0 && ((unsigned)m->grid_w < t->grid_w || (unsigned)m->grid_h < t->grid_h))
    fprintf(stderr, "  hint: --grid %dx%d leaves the model less of the wafer than the target's %ux%u cores; a larger "
                    "--grid spreads it out\n", m->grid_w, m->grid_h, t->grid_w, t->grid_h);
  bool weights = false;
  for (int i = 0; i < m->nops && !m->exec_stream && !weights; i++) weights = map_weights_matmul(m->ops[i]);
  char why[256];
  if (m->exec_stream && !m->resident && !map_resident_ok(m, why, sizeof why))
    fprintf(stderr, "  note: the model does not get the resident layout of --exec=stream, which needs few routes: %s "
                    "(docs/mapping.md, \"The resident layout\")\n", why);
  if (weights)
    fprintf(stderr, "  hint: --exec=stream streams the weights of the matmuls by params from MemoryX instead of "
                    "spreading each layer over a rectangle of its own, and needs far fewer routes (docs/mapping.md)\n");
  fprintf(stderr, "  hint: a target whose routers hold more than %u colors leaves room\n", t->colors);
}

static void report_full(IrModule *m, RMap *rm, const IrNet *n, const HopVec *tr, int ncolors) {
  char d[256];
  /* The first full router along the tree, and the link into it. */
  for (int i = 0; i < tr->n; i++) {
    Router *r = rmap_get(rm, tr->v[i].x, tr->v[i].y, ncolors);
    if (__builtin_popcount(r->used) < ncolors) continue;
    const IrHop *h = &tr->v[i];
    SrcLoc loc = n->to[0].op->loc;
    if (h->in_port == PORT_R)
      diag_error(&loc, "cannot route %s: all %d colors are taken at router (%d,%d), the source's own router",
                 net_desc(n, d, sizeof d), ncolors, h->x, h->y);
    else
      diag_error(&loc, "cannot route %s: all %d colors are taken on the link into router (%d,%d) from the %s",
                 net_desc(n, d, sizeof d), ncolors, h->x, h->y, port_word(h->in_port));
    fprintf(stderr, "  the nets holding router (%d,%d):\n", h->x, h->y);
    for (int c = 0; c < ncolors; c++) {
      int id = r->net_of_color[c];
      if (id >= 0) fprintf(stderr, "    color %2d: %s\n", c, net_desc(m->nets[id], d, sizeof d));
    }
    return;
  }
  /* No router is full, but every color is taken somewhere on the tree. */
  diag_error(&n->to[0].op->loc, "cannot route %s: each of the %d colors is taken somewhere on its path",
             net_desc(n, d, sizeof d), ncolors);
  fprintf(stderr, "  the nets holding them:\n");
  for (int c = 0; c < ncolors; c++)
    for (int i = 0; i < tr->n; i++) {
      Router *r = rmap_get(rm, tr->v[i].x, tr->v[i].y, ncolors);
      if (r->net_of_color[c] < 0) continue;
      fprintf(stderr, "    color %2d at router (%d,%d): %s\n", c, tr->v[i].x, tr->v[i].y,
              net_desc(m->nets[r->net_of_color[c]], d, sizeof d));
      break;
    }
}

/* How far a detour may stray outside the box spanned by a net's source
 * and destinations. */
#define DETOUR 3
/* Rip-ups allowed per net before the router gives up. */
#define RIPUP_BUDGET 64

typedef VEC(Shape2) ShapeVec;
typedef VEC(int) IntVec;

/* The tree shapes tried for a net, in a fixed order: XY, YX, then every
 * row and column within DETOUR of the box spanned by source and
 * destinations, nearest to the source first. */
static void shapes(const IrNet *n, int gw, int gh, ShapeVec *sv) {
  sv->n = 0;
  Shape2 xy = {true, n->from.y}, yx = {false, n->from.x};
  VEC_PUSH(*sv, xy);
  VEC_PUSH(*sv, yx);
  int x0 = n->from.x, x1 = n->from.x, y0 = n->from.y, y1 = n->from.y;
  for (int d = 0; d < n->ndst; d++) {
    if (n->to[d].x < x0) x0 = n->to[d].x;
    if (n->to[d].x > x1) x1 = n->to[d].x;
    if (n->to[d].y < y0) y0 = n->to[d].y;
    if (n->to[d].y > y1) y1 = n->to[d].y;
  }
  int span = (x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0) + DETOUR;
  /* distances 1..4, then growing by half: a few dozen shapes at most */
  for (int k = 1; k <= span; k = k < 4 ? k + 1 : k + k / 2) {
    Shape2 cand[4] = {{true, n->from.y - k}, {true, n->from.y + k}, {false, n->from.x - k}, {false, n->from.x + k}};
    for (int j = 0; j < 4; j++) {
      int at = cand[j].at, lo = cand[j].via_row ? y0 : x0, hi = cand[j].via_row ? y1 : x1;
      if (at < 0 || at >= (cand[j].via_row ? gh : gw) || at < lo - DETOUR || at > hi + DETOUR) continue;
      VEC_PUSH(*sv, cand[j]);
    }
  }
}

/* A straight run of routers: (x, y) with y from a to b (a column, at x =
 * fixed) or x from a to b (a row, at y = fixed), a <= b. */
typedef struct Seg { bool horiz; int fixed, a, b; } Seg;

typedef struct RState {
  IrModule *m;
  RMap rm;
  int ncolors;
  Tree b;           /* the tree being built, with its index over the grid */
  ShapeVec sv;      /* the shapes tried for the net being routed */
  Cand *cand;       /* per shape: its tree (ncand allocated) */
  int ncand;
  int *ripped;      /* per net: times it was ripped up */
  int *mark;        /* per net: the stamp of the last holder count that saw it */
  int stamp;
  /* shape_segs' per-line extents: valid where lgen[c] is lg */
  int *llo, *lhi;
  uint32_t *lgen, lg;
  VEC(Seg) segs;          /* shape_segs' runs */
  VEC(Router *) rlist;    /* shape_routers' routers */
} RState;

static Seg seg(bool horiz, int fixed, int a, int b) { return a <= b ? (Seg){horiz, fixed, a, b} : (Seg){horiz, fixed, b, a}; }

/* The routers of shape j of net n as runs, without building its tree
 * (build_tree): leg 1 from the source to line s.at, leg 2 along that line
 * over the destinations' columns (rows), and one leg 3 per column (row)
 * from the line to its farthest destinations on either side. The union
 * of the runs is the tree's routers (junctions appear twice). False, as
 * from build_tree, when they form no tree: the leg 3 in the source's own
 * column (row) runs back over leg 1. */
static bool shape_segs(RState *st, const IrNet *n, int j) {
  Shape2 s = st->sv.v[j];
  int src2 = s.via_row ? n->from.x : n->from.y, src3 = s.via_row ? n->from.y : n->from.x;
  if (++st->lg == 0) {
    memset(st->lgen, 0, sizeof(uint32_t) * (size_t)(st->rm.w > st->rm.h ? st->rm.w : st->rm.h));
    st->lg = 1;
  }
  int lo2 = src2, hi2 = src2;
  for (int d = 0; d < n->ndst; d++) {
    int c2 = s.via_row ? n->to[d].x : n->to[d].y, c3 = s.via_row ? n->to[d].y : n->to[d].x;
    if (st->lgen[c2] != st->lg) {
      st->lgen[c2] = st->lg;
      st->llo[c2] = st->lhi[c2] = s.at;
    }
    if (c3 < st->llo[c2]) st->llo[c2] = c3;
    if (c3 > st->lhi[c2]) st->lhi[c2] = c3;
    if (c2 < lo2) lo2 = c2;
    if (c2 > hi2) hi2 = c2;
  }
  if (st->lgen[src2] == st->lg && src3 != s.at && (src3 < s.at ? st->llo[src2] < s.at : st->lhi[src2] > s.at))
    return false;
  st->segs.n = 0;
  VEC_PUSH(st->segs, seg(!s.via_row, src2, src3, s.at)); /* leg 1 */
  VEC_PUSH(st->segs, seg(s.via_row, s.at, lo2, hi2));    /* leg 2 */
  for (int d = 0; d < n->ndst; d++) {                     /* leg 3, once per line */
    int c2 = s.via_row ? n->to[d].x : n->to[d].y;
    if (st->lgen[c2] != st->lg) continue;
    st->lgen[c2] = 0;
    VEC_PUSH(st->segs, seg(!s.via_row, c2, st->llo[c2], st->lhi[c2]));
  }
  return true;
}

static Router *seg_router(const RState *st, const Seg *g, int k) {
  size_t w = (size_t)st->rm.w;
  return &st->rm.r[g->horiz ? (size_t)g->fixed * w + (size_t)k : (size_t)k * w + (size_t)g->fixed];
}

/* Whether shape j of net n forms a tree with a color free on all of its
 * routers - free_color of its built tree - read from its runs; the walk
 * stops once every color is taken. */
static bool shape_has_color(RState *st, const IrNet *n, int j) {
  if (!shape_segs(st, n, j)) return false;
  uint32_t full = st->ncolors >= 32 ? 0xffffffffu : (1u << st->ncolors) - 1, used = 0;
  for (int i = 0; i < st->segs.n; i++)
    for (int k = st->segs.v[i].a; k <= st->segs.v[i].b; k++)
      if ((used |= seg_router(st, &st->segs.v[i], k)->used) == full) return false;
  return true;
}

/* The routers of shape j of net n into st->rlist (a junction twice); false
 * if the shape gives no tree. From its candidate tree if built already. */
static bool shape_routers(RState *st, const IrNet *n, int j) {
  st->rlist.n = 0;
  if (st->cand[j].state) {
    if (st->cand[j].state < 0) return false;
    for (int h = 0; h < st->cand[j].r.n; h++) VEC_PUSH(st->rlist, st->cand[j].r.v[h]);
    return true;
  }
  if (!shape_segs(st, n, j)) return false;
  for (int i = 0; i < st->segs.n; i++)
    for (int k = st->segs.v[i].a; k <= st->segs.v[i].b; k++) VEC_PUSH(st->rlist, seg_router(st, &st->segs.v[i], k));
  return true;
}

#ifndef NDEBUG
static int cmp_ptr(const void *a, const void *b) {
  uintptr_t p = (uintptr_t)*(Router *const *)a, q = (uintptr_t)*(Router *const *)b;
  return (p > q) - (p < q);
}

/* Debug builds (the sanitizer build of CI among them): shape_segs describes
 * the same routers as build_tree, and the same trees or none. */
static void check_segs(RState *st, const IrNet *n, int j, const Cand *c) {
  bool ok = shape_segs(st, n, j);
  if (ok != (c->state > 0)) die("route: shape %d of net %d: build_tree %s a tree, shape_segs %s", j, n->id,
                                c->state > 0 ? "makes" : "makes no", ok ? "one" : "none");
  if (!ok) return;
  VEC(Router *) a = {0}, b = {0};
  for (int i = 0; i < st->segs.n; i++)
    for (int k = st->segs.v[i].a; k <= st->segs.v[i].b; k++) VEC_PUSH(a, seg_router(st, &st->segs.v[i], k));
  for (int i = 0; i < c->r.n; i++) VEC_PUSH(b, c->r.v[i]);
  qsort(a.v, (size_t)a.n, sizeof(Router *), cmp_ptr);
  qsort(b.v, (size_t)b.n, sizeof(Router *), cmp_ptr);
  int na = 0;
  for (int i = 0; i < a.n; i++)
    if (!na || a.v[na - 1] != a.v[i]) a.v[na++] = a.v[i];
  if (na != b.n || (na && memcmp(a.v, b.v, sizeof(Router *) * (size_t)na) != 0))
    die("route: shape %d of net %d: shape_segs gives %d routers, its tree %d", j, n->id, na, b.n);
  VEC_FREE(a);
  VEC_FREE(b);
}
#endif

/* Start routing net n: its shapes, none of their trees built yet. */
static void cand_reset(RState *st, const IrNet *n) {
  shapes(n, st->rm.w, st->rm.h, &st->sv);
  if (st->sv.n > st->ncand) {
    st->cand = xrealloc(st->cand, sizeof(Cand) * (size_t)st->sv.n);
    memset(st->cand + st->ncand, 0, sizeof(Cand) * (size_t)(st->sv.n - st->ncand));
    st->ncand = st->sv.n;
  }
  for (int j = 0; j < st->sv.n; j++) st->cand[j].state = 0;
}

/* The tree of shape j of net n (built on first use); NULL if the shape's
 * paths do not form a tree. XY and YX always do. */
static const Cand *cand_tree(RState *st, const IrNet *n, int j) {
  Cand *c = &st->cand[j];
  if (!c->state) {
    c->state = build_tree(n, st->sv.v[j], &st->b) ? 1 : -1;
    c->h.n = 0;
    c->r.n = 0;
    for (int i = 0; i < st->b.h.n; i++) {
      VEC_PUSH(c->h, st->b.h.v[i]);
      VEC_PUSH(c->r, rmap_get(&st->rm, st->b.h.v[i].x, st->b.h.v[i].y, st->ncolors));
    }
#ifndef NDEBUG
    check_segs(st, n, j, c);
#endif
  }
  return c->state > 0 ? c : NULL;
}

/* Give net n color c on candidate tree j. */
static void commit(RState *st, IrNet *n, int j, int c) {
  Cand *t = &st->cand[j];
  for (int h = 0; h < t->r.n; h++) {
    t->r.v[h]->used |= 1u << c;
    t->r.v[h]->net_of_color[c] = n->id;
  }
  n->color = c;
  n->nhop = t->h.n;
  n->hop = ARENA_NEW(&st->m->arena, IrHop, t->h.n);
  memcpy(n->hop, t->h.v, sizeof(IrHop) * (size_t)t->h.n);
  qsort(n->hop, (size_t)n->nhop, sizeof(IrHop), cmp_hop);
}

static void rip_up(RState *st, IrNet *n) {
  for (int h = 0; h < n->nhop; h++) {
    Router *r = rmap_get(&st->rm, n->hop[h].x, n->hop[h].y, st->ncolors);
    r->used &= ~(1u << n->color);
    r->net_of_color[n->color] = -1;
  }
  n->color = -1;
  n->nhop = 0;
  n->hop = NULL;
  st->ripped[n->id]++;
}

/* Route n without disturbing other nets: XY or YX, whichever runs through
 * less-loaded routers (XY on a tie) and has a free color; if neither has
 * one, the least-loaded detour with a free color. Returns the color and
 * sets *shape to the chosen tree, or returns -1 with *shape the
 * XY-or-YX tree. */
static int route_free(RState *st, IrNet *n, int *shape) {
  const Cand *t0 = cand_tree(st, n, 0), *t1 = cand_tree(st, n, 1);
  int pick = tree_load(t1) < tree_load(t0) ? 1 : 0;
  *shape = pick;
  int c = free_color(pick ? t1 : t0, st->ncolors);
  if (c >= 0) return c;
  if ((c = free_color(pick ? t0 : t1, st->ncolors)) >= 0) {
    *shape = 1 - pick;
    return c;
  }
  int64_t best = -1;
  for (int j = 2; j < st->sv.n; j++) {
    if (!st->cand[j].state && !shape_has_color(st, n, j)) continue; /* most detours: no need to build them */
    const Cand *t = cand_tree(st, n, j);
    if (!t) continue;
    int cc = free_color(t, st->ncolors);
    if (cc < 0) continue;
    int64_t load = tree_load(t);
    if (best >= 0 && load >= best) continue;
    best = load;
    c = cc;
    *shape = j;
  }
  return c;
}

/* Route n by ripping others up: the (tree, color) whose current holders
 * cost least (a net costs 1 + the times it was ripped before, so the same
 * nets are not bumped forever) is taken; its holders are appended to the
 * queue. Returns false if every choice would bump a net out of budget. */
static bool route_ripping(RState *st, IrNet *n, IntVec *queue) {
  int nc = st->ncolors;
  int64_t best = -1;
  int best_shape = -1, best_color = -1;
  int nseen[MACHINE_COLORS_MAX];
  int64_t cost[MACHINE_COLORS_MAX];
  for (int j = 0; j < st->sv.n; j++) {
    if (!shape_routers(st, n, j)) continue;
    /* the holders of each color along the tree, each counted once: one
     * walk over the tree's routers and, at each, over the colors it uses
     * (a net holds one color, so one stamp a shape marks it as seen); a
     * color whose holders cost as much as the best so far, or that would
     * bump a net out of budget, is out (`over`) */
    uint32_t over = 0;
    for (int c = 0; c < nc; c++) nseen[c] = 0, cost[c] = 0;
    st->stamp++;
    uint32_t all = nc == 32 ? ~0u : (1u << nc) - 1;
    for (int h = 0; h < st->rlist.n && over != all; h++) {
      const Router *r = st->rlist.v[h];
      for (uint32_t bits = r->used & ~over; bits; bits &= bits - 1) {
        int c = __builtin_ctz(bits), id = r->net_of_color[c];
        if (id < 0 || st->mark[id] == st->stamp) continue;
        if (nseen[c] == nc * 64 || st->ripped[id] >= RIPUP_BUDGET) {
          over |= 1u << c;
          continue;
        }
        st->mark[id] = st->stamp;
        nseen[c]++;
        cost[c] += 1 + st->ripped[id];
        if (best >= 0 && cost[c] >= best) over |= 1u << c; /* cannot win any more: costs only grow */
      }
    }
    for (int c = 0; c < nc; c++) {
      if ((over >> c & 1) || (best >= 0 && cost[c] >= best)) continue;
      best = cost[c];
      best_shape = j;
      best_color = c;
    }
  }
  if (best_shape < 0) return false;
  const Cand *t = cand_tree(st, n, best_shape);
  if (!t) die("route: shape %d of net %d has routers but no tree", best_shape, n->id);
  for (int h = 0; h < t->r.n; h++) {
    int id = t->r.v[h]->net_of_color[best_color];
    if (id < 0) continue;
    rip_up(st, st->m->nets[id]);
    VEC_PUSH(*queue, id);
  }
  commit(st, n, best_shape, best_color);
  return true;
}

bool pass_route(IrModule *m, const Target *t) {
  /* Nets are rebuilt from scratch: the pass is a function of the placement. */
  m->nnets = 0;
  if (m->resident) build_resident_nets(m);
  Staged staged = {m->resident ? NULL : xcalloc((size_t)t->grid_w * t->grid_h, sizeof(int32_t)), (int)t->grid_w};
  for (int i = 0; i < m->nops && !m->resident; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed) continue;
    if (op->kind == IR_MATMUL && op->stream) build_stream_nets(m, op);
    else if (op->kind == IR_MATMUL) build_psum_nets(m, op);
    if (ir_is_reduction(op) && !map_batch_reduce(op)) build_reduce_nets(m, op);
    build_value_nets(m, op, &staged);
  }
  free(staged.b);
  RState st = {.m = m, .ncolors = (int)t->colors} /* <= MACHINE_COLORS_MAX (the target reader) */;
  st.rm = (RMap){xcalloc((size_t)t->grid_w * t->grid_h, sizeof(Router)), (int)t->grid_w, (int)t->grid_h};
  tree_init(&st.b, st.rm.w, st.rm.h);
  size_t lines = (size_t)(st.rm.w > st.rm.h ? st.rm.w : st.rm.h) + 1;
  st.llo = xmalloc(sizeof(int) * lines);
  st.lhi = xmalloc(sizeof(int) * lines);
  st.lgen = xcalloc(lines, sizeof(uint32_t));
  st.ripped = xcalloc((size_t)(m->nnets ? m->nnets : 1), sizeof(int));
  st.mark = xcalloc((size_t)(m->nnets ? m->nnets : 1), sizeof(int));
  IntVec queue = {0};
  bool ok = true;
  /* Rip-ups in all: bounded, so that a hopeless placement fails in time. */
  long nrip = 0, max_rip = 1000 + m->nnets / 2;
  /* Nets in creation order; a net that finds no free color takes one from
   * the nets in its way, which go back on a queue and are routed again
   * (rip-up and reroute) before the next new net. */
  for (int i = 0; i < m->nnets && ok; i++) {
    VEC_PUSH(queue, i);
    while (queue.n && ok) {
      IrNet *n = m->nets[queue.v[--queue.n]];
      cand_reset(&st, n);
      int shape, c = route_free(&st, n, &shape);
      if (c >= 0) {
        commit(&st, n, shape, c);
        continue;
      }
      if (nrip < max_rip && route_ripping(&st, n, &queue)) {
        nrip++;
        continue;
      }
      route_free(&st, n, &shape);
      report_full(m, &st.rm, n, &st.cand[shape].h, st.ncolors);
      route_hints(m, t);
      if (nrip >= max_rip)
        fprintf(stderr, "  note: the router gave up after %ld rip-ups (at most %ld for %d nets): the placement "
                        "leaves this region too congested\n", nrip, max_rip, m->nnets);
      ok = false;
    }
  }
  VEC_FREE(queue);
  tree_free(&st.b);
  free(st.llo);
  free(st.lhi);
  free(st.lgen);
  VEC_FREE(st.segs);
  VEC_FREE(st.rlist);
  for (int j = 0; j < st.ncand; j++) {
    VEC_FREE(st.cand[j].h);
    VEC_FREE(st.cand[j].r);
  }
  free(st.cand);
  VEC_FREE(st.sv);
  free(st.ripped);
  free(st.mark);
  rmap_free(&st.rm);
  return ok;
}
