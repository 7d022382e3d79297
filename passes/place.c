/* passes/place.c: tiling + placement - give every op a rectangle of cores.
 *
 * Algorithm
 *  1. Size. Each INPUT and computing op gets a rectangle of w x h cores
 *     (see passes/mapping.h for how its tensors are split over it):
 *       MATMUL [..,M,K]@[..,K,N]:
 *                            w = min(N, max(4, ceil(N/32)))   (N over x)
 *                            h = min(K, max(4, ceil(K/32)))   (K over y)
 *       others, as a matrix [R, C]:
 *                            w = min(C, max(4, ceil(C/64)))
 *                            h = min(R, max(4, ceil(R/64)))
 *     so every matmul whose dimensions allow it spans at least 4x4 cores.
 *     An elementwise op whose operand has the same shape takes that
 *     operand's tiling instead (w x h, or w x 1 after a matmul, whose result
 *     is split over columns only), so that its tiles arrive one to one.
 *     Then the per-core SRAM need is estimated (tiles, operand slices,
 *     accumulators and a code allowance); while it exceeds 3/4 of the core's
 *     SRAM, the side whose split shrinks the biggest buffer is doubled.
 *  2. Position. Rectangles are packed in op order on a skyline: for every
 *     column the first free row is kept; a w x h rectangle at column x sits
 *     on the maximum of the skyline under it. Of those places the one with
 *     the lowest cost wins: its depth (rows from the top) plus PLACE_NEAR
 *     times its distance in cores to the rectangles of the op's operands
 *     (so data travels short routes, and the packing stays compact); ties
 *     go to the shallower place, then to the one nearest in x to the
 *     previous op. Besides the skyline itself, a place level with an
 *     operand (lower down, leaving a hole) is a candidate; a matmul is not
 *     put right under its left operand's columns when anything else fits
 *     (the corner turn of its K rows would cross itself). The canonical
 *     op order puts producers before consumers, so data mostly flows to the
 *     neighbouring rectangle, which keeps routes short; unlike shelves, tall
 *     and short rectangles do not waste the rows between them. An op tiled
 *     like its operand is put right below that operand when it fits, so
 *     every tile moves straight down its own column (one net per column
 *     rather than a whole row's worth crossing the same routers).
 *  3. The grid is the target's, or the --grid WxH limit; an op that cannot
 *     be given a rectangle inside it is an error naming the op and the need.
 * PARAM ops are never placed: their slices are preloaded into the SRAM of
 * the cores that use them. OUTPUT ops name a value; they are not placed.
 * SLICE and TRANSPOSE are views unless an output names them: not placed;
 * their users read the boxes they need from the cores under them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Estimated SRAM bytes on the busiest core for a w x h rectangle. */
static int64_t need_bytes(const IrOp *op, int64_t w, int64_t h) {
  int64_t es = ir_dtype_size(op->dt);
  const int64_t code = 1024;
  if (op->kind == IR_MATMUL && op->stream) { /* A's tile, C's tile, the f32 row accumulators */
    const Shape *s = &op->shape;
    int64_t M = s->d[s->rank - 2], K = op->arg[1]->shape.d[0], N = op->arg[1]->shape.d[1];
    int64_t r = map_batch(s) * cdiv(M, h); /* a core's rows: its M rows of every batch */
    return code + es * r * (cdiv(K, w) + cdiv(N, w)) + MAP_STREAM_ACCS * 4 * r;
  }
  if (op->kind == IR_MATMUL) {
    const Shape *a = &op->arg[0]->shape, *b = &op->arg[1]->shape;
    int64_t M = op->shape.d[op->shape.rank - 2], K = a->d[a->rank - 1], N = op->shape.d[op->shape.rank - 1];
    int64_t kc = cdiv(K, h), nc = cdiv(N, w), nb = map_batch(&op->shape);
    return code + es * (map_batch(a) * M * kc + map_batch(b) * kc * nc) + nb * (4 * M * nc + (es == 4 ? 0 : es * M * nc));
  }
  if (op->kind == IR_RESHAPE) { /* the busiest core: its tile and the operand box around its run */
    int64_t n = shape_count(&op->shape), most = 0;
    int s = map_reshape_axis(&op->shape);
    int64_t ds = op->shape.rank ? op->shape.d[s] : 1, per = n / ds;
    int64_t cores = w * h; /* one column, or one row */
    if (op->arg[0]->host == op) return code + es * cdiv(ds, cores) * per; /* the host writes the input into its tiles */
    for (int i = 0; i < cores; i++) {
      int64_t lo, len;
      map_chunk(ds, (int)cores, i, &lo, &len);
      if (len <= 0) continue;
      Box b = map_flat_bounds(&op->arg[0]->shape, lo * per, len * per);
      int64_t c = len * per + box_count(&b, op->arg[0]->shape.rank);
      most = c > most ? c : most;
    }
    return code + es * most;
  }
  int64_t R, C;
  const Shape *s = ir_is_reduction(op) ? &op->arg[0]->shape : &op->shape;
  map_matrix(s, &R, &C);
  if (op->kind == IR_CONCAT) /* its tile, and the parts of it received (each from one operand) */
    return code + 2 * es * map_batch(s) * cdiv(R, h) * cdiv(C, w);
  if (map_batch_reduce(op)) { /* its operand box (the whole reduced axis), the f32 sums, the result */
    int64_t out = map_batch(&op->shape) * cdiv(R, h) * cdiv(C, w);
    return code + ir_dtype_size(op->arg[0]->dt) * map_batch(s) * cdiv(R, h) * cdiv(C, w) + 4 * out + (es == 4 ? 0 : es * out);
  }
  /* A batched elementwise op (rank 3 or 4: its batches whole on every
   * core): its tile and each operand's box of it, less along an axis the
   * operand broadcasts, at the dtypes' sizes. Matrices keep the cautious
   * estimate below (three f32 tiles): with this one GPT-2 small's attention
   * chains would take their matmuls' one-row tilings, packed too densely to
   * route. */
  if (ir_is_elementwise(op) && op->shape.rank > 2) {
    int64_t total = es * map_batch(s) * cdiv(R, h) * cdiv(C, w);
    for (int a = 0; a < op->nargs; a++) {
      const Shape *as = &op->arg[a]->shape;
      int64_t n = 1;
      for (int k = 0; k < op->shape.rank; k++) {
        int j = k - (op->shape.rank - as->rank);
        int64_t d = j < 0 ? 1 : as->d[j];
        int64_t part = k == op->shape.rank - 1 ? cdiv(C, w) : k == op->shape.rank - 2 ? cdiv(R, h) : op->shape.d[k];
        n *= d == 1 ? 1 : part;
      }
      total += ir_dtype_size(op->arg[a]->dt) * n;
    }
    return code + total;
  }
  int64_t tile = map_batch(s) * cdiv(R, h) * cdiv(C, w) * (es > 4 ? es : 4);
  return code + tile * (1 + op->nargs);
}

/* The SRAM an input's w x h tiling (or a host-written transpose's) needs on
 * its busiest core, taken by itself or by any of its users (ops after index
 * i) that would be tiled like it: an elementwise op of its shape, or a
 * reduction of it. */
static int64_t input_need(const IrModule *m, const IrOp *op, int i, int64_t w, int64_t h) {
  int64_t most = need_bytes(op, w, h);
  for (int j = i + 1; j < m->nops; j++) {
    const IrOp *u = m->ops[j];
    bool uses = false;
    for (int a = 0; a < u->nargs; a++) uses |= u->arg[a] == op;
    if (!uses || !(ir_is_reduction(u) || (ir_is_elementwise(u) && shape_eq(&u->shape, &op->shape)))) continue;
    int64_t n = need_bytes(u, w, h);
    most = n > most ? n : most;
  }
  return most;
}

/* Vertical traffic, estimated: vload[x * gh + y] counts the nets that cross
 * from row y-1 into row y of column x, an operand's tiles going straight
 * down to an op placed below it in the same columns (one net per row of
 * cores that holds the operand). A value going down to several ops is one
 * multicast: reach[v] is the deepest link its nets already cross, and
 * links above it carry no more of it. */
typedef struct VLoad { int *n, *reach; int gw, gh; } VLoad;

/* The first link below value p (and its nets so far). */
static int vload_from(const VLoad *v, const IrOp *p) {
  int r = p->place.y + p->place.h;
  return v->reach[p->idx] + 1 > r ? v->reach[p->idx] + 1 : r;
}

/* The most nets already crossing the links from p down to row y that p
 * does not cross yet, over the columns [x0, x0+w) that p shares. */
static int vload_max(const VLoad *v, const IrOp *p, int x0, int w, int y) {
  int most = 0;
  const Rect *pr = &p->place;
  for (int x = x0 > pr->x ? x0 : pr->x; x < x0 + w && x < pr->x + pr->w; x++)
    for (int r = vload_from(v, p); r <= y && r < v->gh; r++)
      most = v->n[(size_t)x * v->gh + r] > most ? v->n[(size_t)x * v->gh + r] : most;
  return most;
}

static void vload_add(VLoad *v, const IrOp *p, const Rect *o, int n) {
  const Rect *pr = &p->place;
  for (int x = o->x > pr->x ? o->x : pr->x; x < o->x + o->w && x < pr->x + pr->w; x++)
    for (int r = vload_from(v, p); r <= o->y && r < v->gh; r++) v->n[(size_t)x * v->gh + r] += n;
  if (o->x < pr->x + pr->w && pr->x < o->x + o->w && o->y > v->reach[p->idx]) v->reach[p->idx] = o->y;
}

/* Weight of one row of depth for a streamed matmul (against one row for
 * other ops): its weights travel from the north edge down to it. */
#define STREAM_DEPTH 4
/* Weight of each other streamed matmul whose weights come down the same
 * columns (each takes a color on every router above it). */
#define STREAM_SPREAD 32
/* At most this many columns for a streamed matmul widened for its few rows. */
#define STREAM_WIDE_MAX 8

/* Weight of one core of distance to the operands against one row of depth. */
#define PLACE_NEAR 2

/* Cores between two rectangles along x plus along y (0 if they touch or
 * overlap in that direction). */
static int64_t rect_gap(int x, int y, int w, int h, const Rect *r) {
  int64_t dx = r->x - (x + w) > x - (r->x + r->w) ? r->x - (x + w) : x - (r->x + r->w);
  int64_t dy = r->y - (y + h) > y - (r->y + r->h) ? r->y - (y + h) : y - (r->y + r->h);
  return (dx > 0 ? dx : 0) + (dy > 0 ? dy : 0);
}

/* The rows of cores that hold op's value: a pipeline matmul's result is on
 * its bottom row (split over columns only). */
static int64_t held_rows(const IrOp *op) { return op->kind == IR_MATMUL && !op->stream ? 1 : op->place.h; }

/* The tiling of a concat along its matrix rows whose two operands are
 * tiled alike across them (the split pass's row blocks of a matmul: each
 * block's result on one row of cores, its N split over the same columns):
 * the operands' cores one above the other, each concat core joining
 * one producer core's tile (or, where the operands' row splits do not line
 * up with the balanced split of the concat, map_chunk, parts of two in its
 * column), instead of every tile spread over a tiling of the concat's own
 * (two [4, 216, 185] results of 7 core rows, 6 columns, joined on an 8x14
 * tiling of its own, did not route: fuzz.py --wide seed 334). False if a
 * concat core's rows would span more than two producer tiles. (Along the columns
 * it is not done: GPT-2's heads, concatenated along the columns, route
 * worse side by side than on a tiling of their own.) */
static bool concat_tiling(const IrOp *op, int64_t *w, int64_t *h) {
  int r = op->shape.rank;
  if (op->kind != IR_CONCAT || r < 2 || op->axis != r - 2) return false;
  int64_t pw[2], ph[2], len[2];
  for (int a = 0; a < 2; a++) {
    const IrOp *p = op->arg[a];
    if (!p->placed || p->host || p->shape.rank != r ||
        !(p->kind == IR_MATMUL || p->kind == IR_CONCAT || p->kind == IR_INPUT || ir_is_elementwise(p)))
      return false;
    pw[a] = p->place.w;
    ph[a] = held_rows(p);
    len[a] = p->shape.d[r - 2];
  }
  if (pw[0] != pw[1]) return false;
  int64_t n = ph[0] + ph[1];
  for (int64_t i = 0, j = 0; i < n; i++) { /* j: the first producer row of cores that concat row i overlaps */
    int64_t lo, ln, plo, pln, spans = 0;
    map_chunk(len[0] + len[1], (int)n, (int)i, &lo, &ln);
    for (int64_t k = j; k < n; k++) {
      int a = k >= ph[0];
      map_chunk(len[a], (int)ph[a], (int)(k - (a ? ph[0] : 0)), &plo, &pln);
      plo += a ? len[0] : 0;
      if (plo >= lo + ln) break;
      if (plo + pln <= lo) {
        j = k + 1;
        continue;
      }
      spans++;
    }
    if (spans > 2) return false;
  }
  *w = pw[0];
  *h = n;
  return true;
}

/* What place decides about an op, undecided. */
static void unplace(IrOp *op) {
  op->placed = false;
  op->ktile = 0;
  op->stream = false;
  op->host = NULL;
}

/* The rectangle of a streamed matmul: about 64 rows and 64 of K per core.
 * Each weight is then an AXPY of 64 elements (16 cycles at 4 f16 lanes),
 * long against the few cycles a row of partial sums costs, and short
 * enough that columns need little ingress bandwidth. With fewer rows a
 * weight is less work: then as many columns as one ingress channel keeps
 * busy, so that the layer's rows go by faster (docs/mapping.md). */
static void stream_size(const IrOp *op, const Target *t, int64_t *w, int64_t *h, int64_t *wmax) {
  /* batched ([.., M, K] @ [K, N]): a core's rows are its M rows of every batch */
  int64_t M = op->shape.d[op->shape.rank - 2], nb = map_batch(&op->shape);
  int64_t K = op->arg[1]->shape.d[0], N = op->arg[1]->shape.d[1];
  *wmax = min64(K, N);
  *w = min64(*wmax, max64(2, cdiv(max64(K, N), 64)));
  *h = min64(M, max64(1, cdiv(nb * M, 64)));
  int64_t r = nb * cdiv(M, *h), lanes = op->dt == DT_F32 ? t->simd_f32 : t->simd_f16;
  int64_t per_weight = op->arg[1]->dt == DT_F32 ? 2 : 1; /* wavelets */
  if (r < 64) *w = max64(*w, min64(min64(*wmax, STREAM_WIDE_MAX), (int64_t)t->mx_rate * r / (1000 * lanes * per_weight)));
  /* a data wavelet carries its index in 15 bits */
  while (cdiv(K, *w) > 0x7fff && *w < *wmax) *w = min64(2 * *w, *wmax);
}

/* The resident layout's SRAM on its busiest core, estimated: the code
 * (about 60 instructions a streamed matmul, 20 a reduction, 8 another op),
 * the params its elementwise ops read, and at the worst point of the
 * program the tiles then live plus the op's accumulators (lower_resident
 * gives bytes the same way), with a quarter more for the gaps between
 * them. */
static int64_t resident_bytes(const IrModule *m, int64_t w, int64_t h) {
  int64_t M = 0, fixed = 0, peak = 0, live = 0;
  int *last = map_last_uses(m);
  bool *read = xcalloc((size_t)m->nops + 1, sizeof(bool)); /* a param an elementwise op reads */
  for (int i = 0; i < m->nops; i++)
    for (int a = 0; a < m->ops[i]->nargs; a++) read[m->ops[i]->arg[a]->idx] |= ir_is_elementwise(m->ops[i]);
  for (int i = 0; i < m->nops; i++)
    if (!ir_is_preloaded(m->ops[i]) && m->ops[i]->kind != IR_OUTPUT && m->ops[i]->shape.rank == 2) M = m->ops[i]->shape.d[0];
  int64_t rows = cdiv(M, h);
  int64_t *bytes = xcalloc((size_t)m->nops + 1, sizeof(int64_t));
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->kind == IR_OUTPUT) continue;
    if (ir_is_preloaded(op)) { /* each user's box of it: at most a tile's */
      int64_t n = op->shape.rank ? cdiv(op->shape.d[op->shape.rank - 1], w) : 1;
      if (op->shape.rank == 2) n *= min64(op->shape.d[0], rows);
      if (read[i]) fixed += 16 + n * ir_dtype_size(op->dt);
      continue;
    }
    fixed += 8 * (op->kind == IR_MATMUL ? 60 : ir_is_reduction(op) ? 20 : 8);
    int64_t f = op->shape.d[op->shape.rank - 1];
    bytes[i] = 16 + (op->shape.rank == 2 ? rows : 1) * (f == 1 ? 1 : cdiv(f, w)) * ir_dtype_size(op->dt);
    live += bytes[i];
    int64_t scratch = op->kind == IR_MATMUL ? MAP_STREAM_ACCS * 4 * rows : ir_is_reduction(op) ? 4 * rows + 16 : 0;
    if (live + scratch > peak) peak = live + scratch;
    for (int j = 0; j <= i; j++) /* the values whose last use this was */
      if (bytes[j] && last[j] == i) live -= bytes[j], bytes[j] = 0;
  }
  free(last);
  free(read);
  free(bytes);
  return fixed + peak + peak / 4;
}

/* The resident layout (--exec=stream; docs/mapping.md, "The resident
 * layout"). When every op of the model is an input, a matmul by weights, an
 * elementwise op or a reduction of each row (axis 1, keepdims), all of them
 * on matrices [M, F] with one M (or vectors [F], inputs and elementwise
 * ops only), the whole model runs on one region on the north edge, one op
 * after another: the activations stay where they
 * are, each layer's weights stream down the same columns and its partial
 * sums go round the same rings. The region is as wide as the widest
 * streamed matmul wants (stream_size), but no wider than the narrowest
 * value, and as tall as they all want. Every op gets the region and the
 * first op as its host (one program per core runs them all). Returns false,
 * and changes nothing, when the model does not qualify. */
static bool place_resident(IrModule *m, const Target *t, int gw, int gh) {
  if (!map_resident_ok(m, NULL, 0)) return false;
  int64_t M = -1, w = 1, h = 1, fmin = INT64_MAX, wcap = INT64_MAX;
  bool any = false;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->kind == IR_OUTPUT || ir_is_preloaded(op)) continue;
    int r = op->shape.rank;
    if (r == 2) M = op->shape.d[0];
    if (op->shape.d[r - 1] > 1) fmin = min64(fmin, op->shape.d[r - 1]);
    if (op->kind == IR_MATMUL) {
      int64_t sw, sh, swmax;
      stream_size(op, t, &sw, &sh, &swmax);
      w = max64(w, sw);
      h = max64(h, sh);
      wcap = min64(wcap, swmax); /* every column holds some of each K and N */
      any = true;
    }
  }
  if (!any || M < 0) return false;
  w = min64(min64(min64(w, fmin), wcap), gw);
  h = min64(h, gh); /* more rows a core rather than no resident layout */
  /* more cores while the busiest one would be over the SRAM budget: wider
   * first (fewer columns a tile), then taller (fewer rows) */
  int64_t budget = (int64_t)t->sram_bytes * 3 / 4, wlim = min64(min64(fmin, wcap), gw);
  while (resident_bytes(m, w, h) > budget) {
    if (w < wlim) w = min64(2 * w, wlim);
    else if (h < min64(M, gh)) h = min64(2 * h, min64(M, gh));
    else break;
  }
  if (resident_bytes(m, w, h) > (int64_t)t->sram_bytes) return false; /* the op-by-op mapping may fit, or say why not */
  if (h > gh) return false;
  for (int i = 0; i < m->nops; i++)
    if (m->ops[i]->kind == IR_MATMUL && cdiv(m->ops[i]->arg[0]->shape.d[1], w) > 0x7fff) return false;
  /* Where along the north edge: the columns spread over as many MemoryX
   * channels as their width allows (channel k feeds the columns x with
   * x * channels / grid width = k), so that the busiest channel feeds the
   * fewest; then the westmost such place. */
  int x0 = 0, best = INT_MAX;
  int *per = xcalloc((size_t)t->mx_channels + 1, sizeof(int));
  for (int x = 0; x + w <= gw; x++) {
    memset(per, 0, sizeof(int) * ((size_t)t->mx_channels + 1));
    int most = 0;
    for (int c = x; c < x + w; c++) {
      int k = (int)((int64_t)c * t->mx_channels / t->grid_w);
      most = ++per[k] > most ? per[k] : most;
    }
    if (most < best) best = most, x0 = x;
  }
  free(per);
  IrOp *anchor = NULL;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    unplace(op);
    if (ir_is_preloaded(op) || op->kind == IR_OUTPUT) continue;
    op->placed = true;
    op->place = (Rect){x0, 0, (int)w, (int)h};
    op->host = anchor;
    if (!anchor) anchor = op;
    Box b;
    map_resident_box(op, (int)w, (int)h, 0, 0, &b);
    for (int k = 0; k < op->shape.rank; k++) op->tile[k] = b.n[k];
    if (op->kind == IR_MATMUL) {
      op->stream = true;
      op->ktile = cdiv(op->arg[1]->shape.d[0], w);
    }
  }
  m->resident = true;
  return true;
}

/* The cores a matmul's rectangle spreads its K (rows) or N (columns) of d
 * over, before growing for SRAM: tiles of 32, at least 4 cores. The
 * inputs it reads are tiled alike (below). */
static int64_t mm_side(int64_t d) { return min64(d, max64(4, cdiv(d, 32))); }

/* How each value is used as a matmul's left operand, for the tiling of
 * inputs (pipeline mode, below). lhs[v]: every use is as a matmul's left
 * operand, itself or through slices of its rows (split's row blocks); then
 * the number of blocks of one matmul (several matmuls cut alike count once),
 * or 1 without blocks; 0 when v has another use. A right operand the host
 * writes (host_rhs), itself or through views, is no use of v's cores. */
static void operand_uses(const IrModule *m, int *lhs) {
  size_t n = (size_t)m->nops + 1;
  bool *used = xcalloc(n, 1), *not_l = xcalloc(n, 1), *bad = xcalloc(n, 1);
  int *slices = xcalloc(n, sizeof(int)), *sets = xcalloc(n, sizeof(int));
#define MM(u) ((u)->kind == IR_MATMUL && ((u)->arg[0] != (u)->arg[1] || (u)->host_rhs))
  /* views every use of which is a host_rhs matmul's right operand (users
   * come after their operands: one pass backwards) */
  bool *hview = xcalloc(n, 1), *some = xcalloc(n, 1), *other = xcalloc(n, 1);
  for (int j = m->nops - 1; j >= 0; j--) {
    const IrOp *u = m->ops[j];
    hview[j] = ir_is_view_kind(u) && some[j] && !other[j];
    for (int a = 0; a < u->nargs; a++) {
      bool h = (u->kind == IR_MATMUL && a == 1 && u->host_rhs) || hview[j];
      some[u->arg[a]->idx] = true;
      other[u->arg[a]->idx] |= !h;
    }
  }
#define HOSTED(u, a) (((u)->kind == IR_MATMUL && (a) == 1 && (u)->host_rhs) || hview[(u)->idx])
  for (int j = 0; j < m->nops; j++) {
    const IrOp *u = m->ops[j];
    for (int a = 0; a < u->nargs; a++) {
      int v = u->arg[a]->idx;
      if (HOSTED(u, a)) continue;
      used[v] = true;
      not_l[v] |= !(MM(u) && a == 0);
    }
  }
  for (int j = 0; j < m->nops; j++) {
    const IrOp *u = m->ops[j];
    for (int a = 0; a < u->nargs; a++) {
      int v = u->arg[a]->idx;
      if ((MM(u) && a == 0) || HOSTED(u, a)) continue;
      if (u->kind == IR_SLICE && u->shape.rank >= 2 && u->axis == u->shape.rank - 2 && used[u->idx] && !not_l[u->idx]) {
        slices[v]++;
        sets[v] += u->start == 0;
      } else {
        bad[v] = true;
      }
    }
  }
#undef MM
#undef HOSTED
  for (int v = 0; v < m->nops; v++) {
    lhs[v] = !used[v] || bad[v] ? 0 : sets[v] && slices[v] % sets[v] == 0 ? slices[v] / sets[v] : 1;
  }
  free(used);
  free(not_l);
  free(hview);
  free(some);
  free(other);
  free(bad);
  free(slices);
  free(sets);
}

bool pass_place(IrModule *m, const Target *t) {
  int gw = (int)t->grid_w, gh = (int)t->grid_h;
  if (m->grid_w > 0) gw = m->grid_w < gw ? m->grid_w : gw;
  if (m->grid_h > 0) gh = m->grid_h < gh ? m->grid_h : gh;
  m->resident = false;
  if (m->exec_stream && place_resident(m, t, gw, gh)) return true;
  int64_t budget = (int64_t)t->sram_bytes * 3 / 4;
  int *top = xcalloc((size_t)gw + 1, sizeof(int)); /* first free row per column */
  int *win = xmalloc(sizeof(int) * ((size_t)gw + 1));
  int *mx_load = xcalloc((size_t)gw + 1, sizeof(int)); /* streamed matmuls whose weights come down each column */
  VLoad vl = {xcalloc((size_t)gw * (size_t)gh + 1, sizeof(int)), xcalloc((size_t)m->nops + 1, sizeof(int)), gw, gh};
  ir_renumber(m);
  /* per op: how many operand slots (of later ops, outputs included) use it,
   * and the one op using it when that is one slot */
  int *uses = xcalloc((size_t)m->nops + 1, sizeof(int));
  IrOp **user = xcalloc((size_t)m->nops + 1, sizeof(IrOp *));
  for (int j = 0; j < m->nops; j++)
    for (int a = 0; a < m->ops[j]->nargs; a++) {
      uses[m->ops[j]->arg[a]->idx]++;
      user[m->ops[j]->arg[a]->idx] = a == 0 ? m->ops[j] : NULL;
    }
  int prev_x = 0;
  bool ok = true;

  /* Weights preloaded into SRAM must fit in it, whatever the placement: say
   * so at once, and what to do instead. */
  if (!m->exec_stream) {
    const IrOp *big;
    int64_t bytes = map_param_bytes(m, &big);
    int64_t sram = (int64_t)gw * gh * t->sram_bytes;
    if (big && bytes > sram) {
      diag_error(&big->loc,
                 "the model's parameters (%.1f MB) are more than the SRAM of all %dx%d cores (%.1f MB), so they cannot be "
                 "preloaded; compile with --exec=stream: the weights then stay in MemoryX (the .wmx beside the image) "
                 "and stream in",
                 (double)bytes / 1048576.0, gw, gh, (double)sram / 1048576.0);
      free(top);
      free(win);
      free(mx_load);
      free(vl.n);
      free(vl.reach);
      free(uses);
      free(user);
      return false;
    }
  }
  /* A matmul whose right operand is an input (through views) has the host
   * write each core's box of it, as a preloaded weight's (IrOp.host_rhs):
   * an input that is only ever that has no cores of its own. Gathered from
   * the input's rectangle instead, each of its cores sent a box to a core
   * of every row block of every such matmul: a right operand multicast to
   * 6 blocks, or an input both a left and (transposed) a right operand, did
   * not route (5 of fuzz.py --wide's refusals). */
  bool *named = map_output_named(m);
  for (int i = 0; i < m->nops; i++) m->ops[i]->host_rhs = map_host_rhs(m, m->ops[i], named);
  free(named);
  int *lhs = xcalloc((size_t)m->nops + 1, sizeof(int));
  operand_uses(m, lhs);

  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    unplace(op);
    if (ir_is_preloaded(op) || op->kind == IR_OUTPUT) continue;
    if (m->exec_stream && ir_is_elementwise(op)) { /* in place on a streamed matmul's cores? */
      int chain = -1;
      for (int a = 0; a < op->nargs; a++) {
        const IrOp *c = op->arg[a];
        /* (lower_in_place would serve any host tiled like an elementwise
         * op; pipeline mode does not fuse yet: docs/mapping.md) */
        if (!c->placed || !ir_cores_of(c)->stream || !shape_eq(&c->shape, &op->shape) || c->dt != op->dt) continue;
        if (uses[c->idx] == 1) chain = a;
      }
      bool rest = chain >= 0;
      for (int a = 0; a < op->nargs && rest; a++) rest = a == chain || ir_is_preloaded(op->arg[a]);
      if (rest) {
        IrOp *h = (IrOp *)ir_cores_of(op->arg[chain]);
        op->host = h;
        op->placed = true;
        op->place = h->place;
        for (int k = 0; k < op->shape.rank; k++) op->tile[k] = h->tile[k];
        continue;
      }
    }
    /* An input whose only use is a reshape is written by the host straight
     * into the reshape's cores, each core's run of C order as the boxes of
     * the input it spans (backend/emit.c): the reshape moves nothing. */
    if (op->kind == IR_INPUT && uses[op->idx] == 1 && user[op->idx] && user[op->idx]->kind == IR_RESHAPE) {
      op->host = user[op->idx];
      continue;
    }
    /* So is an input whose only use is a transpose, permuted: the transpose
     * gets cores and a tiling of its own, which its users take (read through
     * the view from the input's own tiling, each core of a batched
     * elementwise op wanted a box of every input core: perm [1,0,2] of
     * f32[6,218,248] did not route). The host writes each tile as runs
     * along the transpose's trailing axes that keep their order; at most
     * 65,536 runs per tile. */
    if (ir_input_rhs_only(m, op)) continue; /* (above) */
    if (op->kind == IR_INPUT && uses[op->idx] == 1 && user[op->idx] && user[op->idx]->kind == IR_TRANSPOSE &&
        map_perm_runs(user[op->idx]) <= 65536) {
      op->host = user[op->idx];
      continue;
    }
    if (op->kind == IR_INPUT && m->exec_stream) { /* held by its only user, a streamed matmul? */
      if (uses[op->idx] == 1 && user[op->idx] && map_streamable(m, user[op->idx])) {
        op->host = user[op->idx];
        continue;
      }
    }
    if (ir_is_view_kind(op) && !ir_host_written(op)) { /* a view unless an output names it (or the host writes it) */
      bool named = false;
      for (int j = i + 1; j < m->nops; j++) named |= m->ops[j]->kind == IR_OUTPUT && m->ops[j]->arg[0] == op;
      if (!named) continue;
    }
    char sb[64];
    int64_t w, h, wmax, hmax;
    op->stream = map_streamable(m, op);
    if (op->stream) {
      stream_size(op, t, &w, &h, &wmax);
      hmax = op->shape.d[op->shape.rank - 2];
    } else if (op->kind == IR_MATMUL) {
      int64_t K = op->arg[0]->shape.d[op->arg[0]->shape.rank - 1], N = op->shape.d[op->shape.rank - 1];
      wmax = N;
      hmax = K;
      w = mm_side(N);
      h = mm_side(K);
    } else if (op->kind == IR_RESHAPE) { /* one column, split along the first axis longer than 1 */
      int64_t ds = op->shape.rank ? op->shape.d[map_reshape_axis(&op->shape)] : 1;
      wmax = w = 1;
      hmax = ds;
      /* (written by the host, its input costs nothing: then tiles of about
       * 1024 elements, which its elementwise users can take as they are) */
      h = min64(ds, max64(4, cdiv(shape_count(&op->shape), op->arg[0]->host == op ? 1024 : 64 * 64)));
      /* (or one row, when that axis is the last and the column would be
       * tall: an elementwise user tiles [1, N] over x, and fed from a column
       * of 219 cores, the tiles all turned one corner into a row of 750,
       * which did not route) */
      if (map_reshape_row_ok(&op->shape) && min64(h, gh) > (int64_t)t->colors / 2) {
        wmax = hmax;
        w = h;
        hmax = h = 1;
      }
    } else {
      int64_t R, C;
      /* a reduction is tiled like its operand */
      map_matrix(ir_is_reduction(op) ? &op->arg[0]->shape : &op->shape, &R, &C);
      wmax = C;
      hmax = R;
      w = min64(C, max64(4, cdiv(C, 64)));
      h = min64(R, max64(4, cdiv(R, 64)));
      /* An input that is only ever a matmul's left operand, itself or in
       * row blocks, is tiled as those matmuls take it: its columns as
       * their K rows of cores, and its rows as the blocks, so each of its
       * cores sends one box, to one K row of one block. */
      if (op->kind == IR_INPUT && op->shape.rank >= 2 && !m->exec_stream && lhs[op->idx]) {
        int64_t K = op->shape.d[op->shape.rank - 1];
        w = mm_side(K);
        /* (without blocks, more than 64 rows and used more than once: one
         * row of cores, each K chunk then one net rather than one per row
         * of cores - x of f32[90, 266] both @ w1 and @ w2, in 4 rows, did
         * not route. Not for one matmul: gelu(x @ w + b) of f16[128, 1024]
         * then ran 11 % longer) */
        if (lhs[op->idx] > 1 || (R > 64 && uses[op->idx] > 1)) h = min64(R, lhs[op->idx]);
      }
    }
    wmax = min64(wmax, gw);
    hmax = min64(hmax, gh);
    w = min64(w, wmax);
    h = min64(h, hmax);
    /* An elementwise op takes the tiling of its first placed operand of the
     * same shape, so each core's operand tile comes from exactly one
     * producer core (a matmul's result is split over columns only). */
    const IrOp *under = NULL; /* the operand whose tiling this op takes */
    int64_t cw, ch;
    if (concat_tiling(op, &cw, &ch) && cw <= wmax && ch <= hmax && need_bytes(op, cw, ch) <= budget) {
      w = wmax = cw;
      h = hmax = ch;
    } else if (op->kind != IR_MATMUL && op->kind != IR_INPUT && op->kind != IR_RESHAPE) {
      for (int a = 0; a < op->nargs; a++) {
        const IrOp *p = op->arg[a];
        if (!p->placed || p->shape.rank < 1 || (!ir_is_reduction(op) && !shape_eq(&p->shape, &op->shape))) continue;
        int64_t pw = p->place.w, ph = held_rows(p);
        /* (not a matmul's result row wider than a router has colors: its
         * tiles, all in one row, would all cross one link to the next
         * matmul's K rows - GPT-2's MLP at 64 tokens) */
        bool row = p->kind == IR_MATMUL && !p->stream && pw > (int64_t)t->colors;
        /* (over the SRAM budget on the operand's tiling: each tile split in
         * 2, 3 or 4 along its rows, else its columns - each core's operand
         * then still comes from one or two producer cores. Not on a
         * matmul's result, held by its last row of cores: split, GPT-2
         * small's attention scores, softmax and MLP did not route; nor a
         * batched op, whose every tile holds the whole batch: a softmax
         * over the batch axis then stacked tall rectangles in 4 columns
         * that did not route, where grown as below they spread) */
        int64_t kw = pw, kh = ph;
        for (int k = 2; k <= 4 && p->kind != IR_MATMUL && op->shape.rank <= 2 && need_bytes(op, kw, kh) > budget; k++) {
          if (ph * k <= hmax) kh = ph * k;
          else if (pw * k <= wmax) kh = ph, kw = pw * k;
          else break;
        }
        if (pw <= wmax && ph <= hmax && !row && need_bytes(op, kw, kh) <= budget) {
          w = kw;
          h = kh;
          wmax = w;
          hmax = h;
          under = p;
        }
        break;
      }
    }
    /* Grow until the busiest core fits in the SRAM budget (an input: with
     * its elementwise users and reductions too, so that they can take its
     * tiling - tiled finer, each of its cores would send to several of
     * theirs, and a batch-axis softmax of a [4,295,159] input did not route). */
    bool in = op->kind == IR_INPUT || ir_host_written(op);
#define NEED(w_, h_) (in ? input_need(m, op, i, (w_), (h_)) : need_bytes(op, (w_), (h_)))
    while (NEED(w, h) > budget) {
      int64_t gain_w = w < wmax ? NEED(w, h) - NEED(min64(2 * w, wmax), h) : 0;
      int64_t gain_h = h < hmax ? NEED(w, h) - NEED(w, min64(2 * h, hmax)) : 0;
      if (gain_w <= 0 && gain_h <= 0) break;
      if (gain_w > gain_h || (gain_w == gain_h && !in)) w = min64(2 * w, wmax); /* (an input: rows first, as the split above) */
      else h = min64(2 * h, hmax);
    }
#undef NEED
    if (need_bytes(op, w, h) > (int64_t)t->sram_bytes) {
      diag_error(&op->loc,
                 "%%%s (%s %s%s) needs about %lld bytes per core even on %lldx%lld cores; "
                 "a core has %u bytes (a larger --grid or f16 would help)",
                 op->name, ir_ops[op->kind].name, ir_dtype_name(op->dt),
                 shape_str(&op->shape, sb, sizeof sb), (long long)need_bytes(op, w, h),
                 (long long)w, (long long)h, t->sram_bytes);
      ok = false;
      continue;
    }
    /* The lowest top over every window of w columns (a sliding-window
     * maximum) gives each x its y; of those places the one nearest to the
     * op's placed operands wins (PLACE_NEAR per core of distance to them,
     * plus one per row of depth, which keeps the packing compact; then the
     * lower place, then the one nearest in x to the previous op). */
    const IrOp *near[2] = {NULL, NULL};
    for (int a = 0; a < op->nargs && op->kind != IR_INPUT; a++) {
      const IrOp *r = map_root(op->arg[a], NULL);
      if (r->placed) near[a] = r;
    }
    /* A matmul does not go right under the cores of its left operand
     * (unless nothing else fits): the operand's column tiles turn into the
     * matmul's K rows, and routes coming straight down into those rows
     * would cross each other's row multicasts. Beside the operand, with
     * the K order of passes/mapping.c, they do not cross. */
    const Rect *avoid = op->kind == IR_MATMUL && !op->stream && near[0] ? &near[0]->place : NULL;
    int best_x = -1, best_y = 0;
    int64_t best_cost = 0;
    for (int pass = 0; pass < 2 && best_x < 0; pass++) {
      int head = 0, tail = 0;
      for (int x = 0; x < gw; x++) {
        while (tail > head && top[win[tail - 1]] <= top[x]) tail--;
        win[tail++] = x;
        if (win[head] <= x - (int)w) head++;
        int x0 = x - (int)w + 1;
        if (x0 < 0) continue;
        /* on the skyline, or lower down, level with an operand (leaving
         * a hole above: the wafer has room, routes are what is scarce) */
        int sky = top[win[head]];
        for (int c = 0; c < 3; c++) {
          int y = sky;
          if (c > 0) {
            if (!near[c - 1] || near[c - 1]->place.y <= sky) continue;
            y = near[c - 1]->place.y;
          }
          if (y + (int)h > gh) continue; /* does not fit here */
          if (pass == 0 && avoid && x0 < avoid->x + avoid->w && avoid->x < x0 + (int)w && y >= avoid->y) continue;
          /* a streamed matmul's weights come down from the north edge:
           * every row of depth is a hop for each of them */
          int64_t cost = op->stream ? (int64_t)STREAM_DEPTH * y : y;
          if (op->stream) { /* and away from the columns other weight streams come down (a color each) */
            int load = 0;
            for (int c = x0; c < x0 + (int)w; c++) load = mx_load[c] > load ? mx_load[c] : load;
            cost += (int64_t)STREAM_SPREAD * load;
          }
          for (int a = 0; a < 2; a++)
            if (near[a]) cost += PLACE_NEAR * rect_gap(x0, y, (int)w, (int)h, &near[a]->place);
          if (best_x < 0 || cost < best_cost || (cost == best_cost && y < best_y) ||
              (cost == best_cost && y == best_y && abs(x0 - prev_x) < abs(best_x - prev_x))) {
            best_x = x0;
            best_y = y;
            best_cost = cost;
          }
        }
      }
    }
    /* An op tiled like its operand goes right below it when it can: each
     * core's tile then travels straight down its own column. */
    int below_x = under ? under->place.x : -1;
    /* (Not a tall one: each of its columns would carry all h tiles down
     * through the last row of the operand - more than a router has colors.
     * That one goes right beside the operand, level with it, when it can:
     * each tile then travels w cores along its own row.) */
    if (under && h > (int64_t)t->colors / 2) {
      below_x = -1;
      int bx = under->place.x + under->place.w, by = under->place.y;
      bool free = bx + (int)w <= gw && by + h <= gh;
      for (int x = bx; x < bx + (int)w && free; x++) free = top[x] <= by;
      if (free) {
        best_x = bx;
        best_y = by;
      }
    }
    if (below_x >= 0 && below_x + (int)w <= gw) {
      int y = 0;
      for (int x = below_x; x < below_x + (int)w; x++) y = top[x] > y ? top[x] : y;
      /* (Not when the columns down to it already carry more than half the
       * colors' worth of nets with this op's own: a batch-axis softmax
       * stacked 8 rectangles in one strip, the input's tiles and the
       * maxima going down past 5 of them, and did not route.) */
      bool crowded = false;
      for (int a = 0; a < op->nargs; a++) {
        const IrOp *p = map_root(op->arg[a], NULL);
        if (!p->placed || p->place.y + p->place.h > y) continue;
        crowded |= y >= vload_from(&vl, p) && vload_max(&vl, p, below_x, (int)w, y) + held_rows(p) > (int)t->colors * 3 / 4;
      }
      if (y + h <= gh && !crowded) {
        best_x = below_x;
        best_y = y;
      }
    }
    if (best_x < 0 || best_y + h > gh) {
      int room = 0; /* the most free rows below the placed ops that any w adjacent columns share */
      for (int x0 = 0; x0 + (int)w <= gw; x0++) {
        int hi = 0;
        for (int x = x0; x < x0 + (int)w; x++) hi = top[x] > hi ? top[x] : hi;
        room = gh - hi > room ? gh - hi : room;
      }
      diag_error(&op->loc,
                 "the model does not fit in the %dx%d grid: %%%s (%s %s%s) needs %lldx%lld cores, but no %lld "
                 "adjacent columns have %lld free rows left (the most they have is %d); give a larger --grid "
                 "or a larger target",
                 gw, gh, op->name, ir_ops[op->kind].name, ir_dtype_name(op->dt), shape_str(&op->shape, sb, sizeof sb),
                 (long long)w, (long long)h, (long long)w, (long long)h, room);
      ok = false;
      break; /* every op after it would say the same: one error is enough */
    }
    op->placed = true;
    op->place = (Rect){best_x, best_y, (int)w, (int)h};
    for (int a = 0; a < op->nargs; a++) {
      const IrOp *p = map_root(op->arg[a], NULL);
      if (p->placed && p != op && p->place.y + p->place.h <= best_y) vload_add(&vl, p, &op->place, (int)held_rows(p));
    }
    for (int x = best_x; x < best_x + (int)w; x++) top[x] = best_y + (int)h;
    for (int x = best_x; x < best_x + (int)w && op->stream; x++) mx_load[x]++;
    prev_x = best_x;
    /* Record the largest tile for the reader of the IR. */
    Box b = {0};
    for (int cy = 0, found = 0; cy < h && !found; cy++)
      for (int cx = 0; cx < w && !found; cx++) found = map_held(op, cx, cy, &b);
    for (int k = 0; k < op->shape.rank; k++) op->tile[k] = b.n[k];
    if (op->kind == IR_MATMUL) op->ktile = cdiv(op->arg[0]->shape.d[op->arg[0]->shape.rank - 1], op->stream ? w : h);
  }
  free(top);
  free(win);
  free(mx_load);
  free(vl.n);
  free(vl.reach);
  free(uses);
  free(user);
  free(lhs);
  return ok;
}
