/* passes/route.c: static routing - nets, multicast trees and colors.
 *
 * Algorithm
 *  1. Nets. For every placed value and every op that uses it (params and
 *     constants are preloaded instead), each consumer core asks mapping.h
 *     which box of the operand it needs; each producer core knows which box
 *     it holds. Every non-empty intersection is a transfer (producer core,
 *     box) -> consumer core. Transfers with the same producer core and box
 *     become one multicast net, across all the value's users; a producer
 *     core with more than MERGE_BOXES different boxes sends their bounding
 *     box once to all of their users instead (each receiver stages it and
 *     copies out its part), which keeps its router's colors. Each MATMUL
 *     also gets one PSUM net per vertically adjacent core pair of its
 *     rectangle: the partial sums flow down each column to the bottom row.
 *  2. Trees. A net's tree is the union of dimension-ordered paths from its
 *     source to each destination: first along x (XY), then along y. Paths
 *     from one source in one order share prefixes, so the union is a tree
 *     and every router on it has exactly one input port.
 *  3. Colors. A router holds one entry per color (input port -> output
 *     ports), so two nets may share a color only if their trees share no
 *     router. Nets are routed in creation order. For each, both the XY and
 *     the YX (y first) tree are built and the one through less-loaded
 *     routers is taken (cost: sum over its routers of 1 + (colors in use)^2,
 *     so hot spots are avoided); it gets the lowest color free on every
 *     router of the tree, or the other tree is tried. If neither has a free
 *     color, the error names the router and link that ran out of colors and
 *     the nets that hold them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"

/* ---- a small open-addressing map (x,y) -> per-router color use ---- */
typedef struct Router { int x, y; uint32_t used; int *net_of_color; } Router;
typedef struct RMap { Router *slot; int cap, n; } RMap;

static uint64_t key_hash(int x, int y) {
  uint64_t k = ((uint64_t)(uint32_t)x << 32) | (uint32_t)y;
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}
static Router *rmap_get(RMap *m, int x, int y, int ncolors) {
  if (2 * (m->n + 1) > m->cap) {
    RMap big = {xcalloc((size_t)(m->cap ? 2 * m->cap : 256), sizeof(Router)), m->cap ? 2 * m->cap : 256, 0};
    for (int i = 0; i < m->cap; i++)
      if (m->slot[i].net_of_color) {
        uint64_t h = key_hash(m->slot[i].x, m->slot[i].y) & (uint64_t)(big.cap - 1);
        while (big.slot[h].net_of_color) h = (h + 1) & (uint64_t)(big.cap - 1);
        big.slot[h] = m->slot[i];
        big.n++;
      }
    free(m->slot);
    *m = big;
  }
  uint64_t h = key_hash(x, y) & (uint64_t)(m->cap - 1);
  while (m->slot[h].net_of_color) {
    if (m->slot[h].x == x && m->slot[h].y == y) return &m->slot[h];
    h = (h + 1) & (uint64_t)(m->cap - 1);
  }
  Router *r = &m->slot[h];
  r->x = x;
  r->y = y;
  r->used = 0;
  r->net_of_color = xmalloc(sizeof(int) * (size_t)ncolors);
  for (int i = 0; i < ncolors; i++) r->net_of_color[i] = -1;
  m->n++;
  return r;
}
static void rmap_free(RMap *m) {
  for (int i = 0; i < m->cap; i++) free(m->slot[i].net_of_color);
  free(m->slot);
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
 * bounding box, multicast to all their users. */
#define MERGE_BOXES 2

static bool has_core(const DestVec *d, int x, int y) {
  for (int i = 0; i < d->n; i++)
    if (d->v[i].x == x && d->v[i].y == y) return true;
  return false;
}

/* Nets carrying value `v` from its cores to every core of every op that
 * uses it. One net per (producer core, box): a box several ops need is
 * multicast once. (A core needing the same box for two operands of its op
 * gets a second net.) */
static void build_value_nets(IrModule *m, IrOp *v) {
  const Rect *pr = &v->place;
  for (int py = 0; py < pr->h; py++)
    for (int px = 0; px < pr->w; px++) {
      Box hb;
      if (!map_held(v, px, py, &hb)) continue;
      VEC(Box) boxes = {0};
      VEC(DestVec) dsts = {0};
      for (int i = v->idx + 1; i < m->nops; i++) {
        IrOp *op = m->ops[i];
        if (!op->placed || op->kind == IR_INPUT) continue;
        for (int argi = 0; argi < op->nargs; argi++) {
          ViewMap vm;
          if (map_root(op->arg[argi], &vm) != v) continue;
          if (argi == 1 && op->arg[0] == op->arg[1] && op->kind != IR_MATMUL) continue; /* x * x: one stream */
          const Rect *cr = &op->place;
          for (int cy = 0; cy < cr->h; cy++)
            for (int cx = 0; cx < cr->w; cx++) {
              Box nb, ov;
              if (!map_need(op, argi, cx, cy, &nb)) continue;
              nb = map_view_box(&vm, &nb); /* through views, into v's index space */
              if (!box_intersect(&hb, &nb, v->shape.rank, &ov)) continue;
              IrDest d = {cr->x + cx, cr->y + cy, op, argi};
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
        }
      }
      if (boxes.n > MERGE_BOXES) {
        /* Many different boxes from one core cost one color each at its
         * router: send the bounding box once instead, to every user; each
         * receiver stages it and keeps its part (passes/lower.c). */
        Box u = boxes.v[0];
        int r = v->shape.rank;
        for (int j = 1; j < boxes.n; j++)
          for (int k = 0; k < r; k++) {
            int64_t lo = u.lo[k] < boxes.v[j].lo[k] ? u.lo[k] : boxes.v[j].lo[k];
            int64_t hi = u.lo[k] + u.n[k], hj = boxes.v[j].lo[k] + boxes.v[j].n[k];
            if (hj > hi) hi = hj;
            u.lo[k] = lo;
            u.n[k] = hi - lo;
          }
        VEC(DestVec) merged = {0};
        for (int j = 0; j < boxes.n; j++)
          for (int d = 0; d < dsts.v[j].n; d++) {
            IrDest dd = dsts.v[j].v[d];
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
          new_net(m, NET_OPERAND, v, (IrCoord){pr->x + px, pr->y + py}, u, v->dt, merged.v[t].v, merged.v[t].n);
          VEC_FREE(merged.v[t]);
        }
        VEC_FREE(merged);
        for (int j = 0; j < boxes.n; j++) VEC_FREE(dsts.v[j]);
      } else {
        for (int j = 0; j < boxes.n; j++) {
          new_net(m, NET_OPERAND, v, (IrCoord){pr->x + px, pr->y + py}, boxes.v[j], v->dt, dsts.v[j].v,
                  dsts.v[j].n);
          VEC_FREE(dsts.v[j]);
        }
      }
      VEC_FREE(boxes);
      VEC_FREE(dsts);
    }
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
    int64_t k0, kn, n0, nn;
    map_matmul_chunks(op, cx, 0, &k0, &kn, &n0, &nn);
    Box b = {0};
    b.lo[0] = 0;
    b.n[0] = op->shape.d[0];
    b.lo[1] = n0;
    b.n[1] = nn;
    for (int cy = 0; cy + 1 < r->h; cy++) {
      IrDest to = {r->x + cx, r->y + cy + 1, op, 0};
      new_net(m, NET_PSUM, op, (IrCoord){r->x + cx, r->y + cy}, b, DT_F32, &to, 1);
    }
  }
}

/* ---- trees ---- */
typedef VEC(IrHop) HopVec;

static int opposite(int port) {
  switch (port) {
  case PORT_N: return PORT_S;
  case PORT_S: return PORT_N;
  case PORT_E: return PORT_W;
  case PORT_W: return PORT_E;
  }
  return PORT_R;
}

/* The hop at (x, y), added with in_port if new; NULL if it exists with
 * another input port (the paths would not form a tree). */
static IrHop *hop_at(HopVec *hv, int x, int y, int in_port) {
  for (int i = 0; i < hv->n; i++)
    if (hv->v[i].x == x && hv->v[i].y == y) return hv->v[i].in_port == in_port ? &hv->v[i] : NULL;
  IrHop h = {x, y, (uint8_t)in_port, 0};
  VEC_PUSH(*hv, h);
  return &hv->v[hv->n - 1];
}

static int cmp_hop(const void *a, const void *b) {
  const IrHop *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

static int find_hop(const HopVec *hv, int x, int y) {
  for (int i = 0; i < hv->n; i++)
    if (hv->v[i].x == x && hv->v[i].y == y) return i;
  return -1;
}

/* Walk from (*x, *y) straight to coordinate `to` along x (horiz) or y,
 * adding hops. False if the walk would break the tree. */
static bool walk(HopVec *hv, int *x, int *y, int to, bool horiz) {
  while (horiz ? *x != to : *y != to) {
    int port = horiz ? (to > *x ? PORT_E : PORT_W) : (to > *y ? PORT_S : PORT_N);
    hv->v[find_hop(hv, *x, *y)].out_mask |= (uint8_t)(1u << port);
    if (port == PORT_E) (*x)++;
    else if (port == PORT_W) (*x)--;
    else if (port == PORT_S) (*y)++;
    else (*y)--;
    if (!hop_at(hv, *x, *y, opposite(port))) return false;
  }
  return true;
}

/* Tree shapes: each destination is reached by three straight legs,
 *   ROW r:  y to row r, then x, then y   (r = source row: XY)
 *   COL c:  x to column c, then y, then x (c = source column: YX)
 * The union over the destinations is a tree when no router is entered from
 * two sides; build_tree returns false otherwise. */
typedef struct Shape2 { bool via_row; int at; } Shape2;

static bool build_tree(const IrNet *n, Shape2 s, HopVec *hv) {
  hv->n = 0;
  hop_at(hv, n->from.x, n->from.y, PORT_R);
  for (int d = 0; d < n->ndst; d++) {
    int x = n->from.x, y = n->from.y;
    IrDest t = n->to[d];
    bool ok = s.via_row ? walk(hv, &x, &y, s.at, false) && walk(hv, &x, &y, t.x, true) && walk(hv, &x, &y, t.y, false)
                        : walk(hv, &x, &y, s.at, true) && walk(hv, &x, &y, t.y, false) && walk(hv, &x, &y, t.x, true);
    if (!ok) return false;
    hv->v[find_hop(hv, x, y)].out_mask |= 1u << PORT_R;
  }
  return true;
}

static const char *net_desc(const IrNet *n, char *buf, size_t len) {
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

/* Congestion of a tree: the sum over its routers of the colors in use. */
static int64_t tree_load(RMap *rm, const HopVec *hv, int ncolors) {
  int64_t load = 0;
  for (int i = 0; i < hv->n; i++) {
    int u = __builtin_popcount(rmap_get(rm, hv->v[i].x, hv->v[i].y, ncolors)->used);
    load += (int64_t)u * u + 1;
  }
  return load;
}

/* Lowest color free on every router of the tree, or -1. */
static int free_color(RMap *rm, const HopVec *hv, int ncolors) {
  uint32_t used = 0;
  for (int i = 0; i < hv->n; i++) used |= rmap_get(rm, hv->v[i].x, hv->v[i].y, ncolors)->used;
  for (int c = 0; c < ncolors; c++)
    if (!(used & (1u << c))) return c;
  return -1;
}

static void report_full(IrModule *m, RMap *rm, const IrNet *n, const HopVec *hv, int ncolors) {
  char d[256];
  /* The first full router along the tree, and the link into it. */
  for (int i = 0; i < hv->n; i++) {
    Router *r = rmap_get(rm, hv->v[i].x, hv->v[i].y, ncolors);
    if (__builtin_popcount(r->used) < ncolors) continue;
    const IrHop *h = &hv->v[i];
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
    fprintf(stderr, "  hint: a larger rectangle per op spreads the traffic; try a larger --grid\n");
    return;
  }
  /* No router is full, but every color is taken somewhere on the tree. */
  diag_error(&n->to[0].op->loc, "cannot route %s: each of the %d colors is taken somewhere on its path",
             net_desc(n, d, sizeof d), ncolors);
  fprintf(stderr, "  the nets holding them:\n");
  for (int c = 0; c < ncolors; c++)
    for (int i = 0; i < hv->n; i++) {
      Router *r = rmap_get(rm, hv->v[i].x, hv->v[i].y, ncolors);
      if (r->net_of_color[c] < 0) continue;
      fprintf(stderr, "    color %2d at router (%d,%d): %s\n", c, r->x, r->y,
              net_desc(m->nets[r->net_of_color[c]], d, sizeof d));
      break;
    }
  fprintf(stderr, "  hint: a target with more colors, or a larger --grid, leaves room\n");
}

/* How far a detour may stray from the source's row or column. */
#define DETOUR 3

bool pass_route(IrModule *m, const Target *t) {
  int gw = (int)t->grid_w, gh = (int)t->grid_h;
  /* Nets are rebuilt from scratch: the pass is a function of the placement. */
  m->nnets = 0;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed) continue;
    if (op->kind == IR_MATMUL) build_psum_nets(m, op);
    if (ir_is_reduction(op)) build_reduce_nets(m, op);
    build_value_nets(m, op);
  }
  int ncolors = (int)(t->colors < 32 ? t->colors : 32);
  RMap rm = {0};
  HopVec hv = {0}, alt = {0};
  bool ok = true;
  for (int i = 0; i < m->nnets && ok; i++) {
    IrNet *n = m->nets[i];
    /* XY or YX, whichever runs through less-loaded routers (XY on a tie)
     * and has a free color; if neither has one, detours through nearby
     * rows and columns are tried in a fixed order (deterministic). */
    build_tree(n, (Shape2){true, n->from.y}, &hv);
    build_tree(n, (Shape2){false, n->from.x}, &alt);
    if (tree_load(&rm, &alt, ncolors) < tree_load(&rm, &hv, ncolors)) {
      HopVec tmp = hv;
      hv = alt;
      alt = tmp;
    }
    int c = free_color(&rm, &hv, ncolors);
    if (c < 0 && (c = free_color(&rm, &alt, ncolors)) >= 0) {
      HopVec tmp = hv;
      hv = alt;
      alt = tmp;
    }
    for (int k = 1; c < 0 && k <= DETOUR; k++) {
      Shape2 cand[4] = {{true, n->from.y - k}, {true, n->from.y + k}, {false, n->from.x - k}, {false, n->from.x + k}};
      for (int j = 0; j < 4 && c < 0; j++) {
        if (cand[j].at < 0 || cand[j].at >= (cand[j].via_row ? gh : gw)) continue;
        if (!build_tree(n, cand[j], &alt)) continue;
        if ((c = free_color(&rm, &alt, ncolors)) >= 0) {
          HopVec tmp = hv;
          hv = alt;
          alt = tmp;
        }
      }
    }
    if (c < 0) {
      report_full(m, &rm, n, &hv, ncolors);
      ok = false;
      break;
    }
    for (int h = 0; h < hv.n; h++) {
      Router *r = rmap_get(&rm, hv.v[h].x, hv.v[h].y, ncolors);
      r->used |= 1u << c;
      r->net_of_color[c] = n->id;
    }
    qsort(hv.v, (size_t)hv.n, sizeof(IrHop), cmp_hop);
    n->color = c;
    n->nhop = hv.n;
    n->hop = ARENA_NEW(&m->arena, IrHop, hv.n);
    memcpy(n->hop, hv.v, sizeof(IrHop) * (size_t)hv.n);
  }
  VEC_FREE(hv);
  VEC_FREE(alt);
  rmap_free(&rm);
  return ok;
}
