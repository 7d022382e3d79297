/* backend/emit.c: build the .wimg image from the allocated IR.
 *
 * What goes in (docs/wimg.md has the byte layout):
 *  - the target parameters the simulator needs;
 *  - the used region: the bounding box of every core that runs code or
 *    routes a wavelet;
 *  - programs, deduplicated: cores whose encoded instructions are identical
 *    share one program;
 *  - DSR tables, deduplicated the same way (GPT-2 small: 121,000 cores
 *    with programs share a few thousand tables);
 *  - per core: program and DSR table indices, task table, routing entries (from
 *    the nets' trees) and SRAM init records for preloaded param slices
 *    (all-zero slices are skipped: SRAM is zero at reset; identical byte
 *    strings are stored once in the data blob);
 *  - the I/O map: for each input and output, which box lives at which
 *    address of which core.
 * Everything is emitted in a fixed order, so the same IR gives the same
 * bytes.
 */
#include "backend/emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "backend/wmx.h"
#include "common/f16.h"
#include "passes/mapping.h"

typedef struct Blob { uint64_t hash, off, len; } Blob;
typedef VEC(WProg) ProgVec;
typedef VEC(WPiece) PieceVec;

/* Hash -> index, open addressing; equal hashes are all kept (the caller
 * compares the contents), so a lookup walks the run of its hash. Dedup of
 * blobs and programs by hash is then constant time per item, not a scan
 * of all earlier ones (121,000 cores of GPT-2 small). */
typedef struct HIdx { uint64_t *key; int *val; size_t cap, n; } HIdx;
static void hidx_put(HIdx *h, uint64_t key, int val) {
  if (2 * (h->n + 1) > h->cap) {
    HIdx g = {0};
    g.cap = h->cap ? 2 * h->cap : 1024;
    g.key = xmalloc(sizeof(uint64_t) * g.cap);
    g.val = xmalloc(sizeof(int) * g.cap);
    for (size_t i = 0; i < g.cap; i++) g.val[i] = -1;
    for (size_t i = 0; i < h->cap; i++)
      if (h->val[i] >= 0) hidx_put(&g, h->key[i], h->val[i]);
    free(h->key);
    free(h->val);
    *h = g;
  }
  size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (h->cap - 1);
  while (h->val[i] >= 0) i = (i + 1) & (h->cap - 1);
  h->key[i] = key;
  h->val[i] = val;
  h->n++;
}
/* Calls match(val, ctx) for each entry of key until it returns true;
 * returns that val or -1. */
static int hidx_find(const HIdx *h, uint64_t key, bool (*match)(int, const void *), const void *ctx) {
  if (!h->cap) return -1;
  for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (h->cap - 1); h->val[i] >= 0; i = (i + 1) & (h->cap - 1))
    if (h->key[i] == key && match(h->val[i], ctx)) return h->val[i];
  return -1;
}
static void hidx_free(HIdx *h) {
  free(h->key);
  free(h->val);
}

typedef struct Emit {
  const IrModule *m;
  WImage *img;
  Buf data;
  VEC(Blob) blobs;
  HIdx blob_idx, prog_idx, dsrtab_idx;
  VEC(WDsrTab) dsrtabs;
  float **param;   /* per op idx: loaded param values (NULL until needed) */
  bool ok;
} Emit;

typedef struct Bytes { const Emit *e; const uint8_t *p; size_t n; const WProg *progs; } Bytes;
static bool same_blob(int i, const void *ctx) {
  const Bytes *q = ctx;
  const Blob *b = &q->e->blobs.v[i];
  return b->len == q->n && memcmp(q->e->data.data + b->off, q->p, q->n) == 0;
}
static uint64_t add_blob(Emit *e, const uint8_t *p, size_t n) {
  uint64_t h = fnv1a64(p, n);
  Bytes q = {e, p, n, NULL};
  int i = hidx_find(&e->blob_idx, h, same_blob, &q);
  if (i >= 0) return e->blobs.v[i].off;
  while (e->data.len % 8) buf_u8(&e->data, 0);
  Blob b = {h, e->data.len, n};
  buf_put(&e->data, p, n);
  VEC_PUSH(e->blobs, b);
  hidx_put(&e->blob_idx, h, e->blobs.n - 1);
  return b.off;
}
static bool same_prog(int i, const void *ctx) {
  const Bytes *q = ctx;
  return q->progs[i].ninsn * 8 == q->n && memcmp(q->progs[i].insn, q->p, q->n) == 0;
}

/* The bytes of box `box` of param p in dtype dt. Returns false if all zero. */
static bool param_bytes(Emit *e, const IrOp *p, const Box *box, DType dt, Buf *out) {
  if (!e->param[p->idx]) {
    e->param[p->idx] = ir_param_data(p);
    if (!e->param[p->idx]) {
      e->ok = false;
      return false;
    }
  }
  const float *v = e->param[p->idx];
  int r = p->shape.rank;
  int64_t st[IR_MAXRANK], idx[IR_MAXRANK] = {0}, s = 1;
  for (int k = r - 1; k >= 0; k--) {
    st[k] = s;
    s *= p->shape.d[k];
  }
  int64_t n = box_count(box, r);
  bool nonzero = false;
  int es = dt == DT_F32 ? 4 : 2;
  out->len = 0;
  while (out->cap < (size_t)n * (size_t)es + 1) { /* one allocation; rows written in place */
    out->cap = out->cap ? 2 * out->cap : 4096;
    out->data = xrealloc(out->data, out->cap);
  }
  /* row by row along the last axis: each row is contiguous in v */
  int64_t run = r ? box->n[r - 1] : 1, rows = run ? n / run : 0;
  uint8_t *w = out->data;
  for (int64_t row = 0; row < rows; row++) {
    int64_t off = 0;
    for (int k = 0; k < r; k++) off += (box->lo[k] + idx[k]) * st[k];
    const float *src = v + off;
    uint32_t any = 0;
    for (int64_t j = 0; j < run; j++) {
      float f = src[j];
      uint32_t u;
      memcpy(&u, &f, 4);
      any |= u; /* -0 counts: its bit is set */
      if (dt == DT_F32) {
        memcpy(w, &u, 4);
      } else {
        uint16_t hv = dt == DT_F16 ? f32_to_f16(f) : f32_to_bf16(f);
        memcpy(w, &hv, 2);
      }
      w += es;
    }
    nonzero |= any != 0;
    for (int k = r - 2; k >= 0; k--) {
      if (++idx[k] < box->n[k]) break;
      idx[k] = 0;
    }
  }
  out->len = (size_t)(w - out->data);
  return nonzero;
}

typedef struct DsrKey { const Emit *e; const Dsr *d; uint32_t n; } DsrKey;
static bool same_dsrtab(int i, const void *ctx) {
  const DsrKey *q = ctx;
  const WDsrTab *t = &q->e->dsrtabs.v[i];
  return t->ndsr == q->n && memcmp(t->dsr, q->d, sizeof(Dsr) * q->n) == 0;
}

static int cmp_coord(const void *a, const void *b) {
  const IrCoord *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

static int cmp_route(const void *a, const void *b) {
  const WRoute *p = a, *q = b;
  return (p->color > q->color) - (p->color < q->color);
}

static void emit_core_program(Emit *e, const IrCore *c, WCore *wc, ProgVec *progs) {
  const IrModule *m = e->m;
  (void)m;
  /* program (deduplicated) */
  uint64_t *words = xmalloc(sizeof(uint64_t) * (size_t)(c->ninsn ? c->ninsn : 1));
  for (int i = 0; i < c->ninsn; i++) words[i] = isa_encode(c->insn[i]);
  size_t nb = sizeof(uint64_t) * (size_t)c->ninsn;
  uint64_t h = fnv1a64(words, nb);
  Bytes q = {e, (const uint8_t *)words, nb, progs->v};
  int found = hidx_find(&e->prog_idx, h, same_prog, &q);
  uint32_t pi = found >= 0 ? (uint32_t)found : (uint32_t)progs->n;
  if (found < 0) {
    WProg p = {(uint32_t)c->ninsn, words};
    VEC_PUSH(*progs, p);
    hidx_put(&e->prog_idx, h, progs->n - 1);
  } else {
    free(words);
  }
  wc->prog = pi;
  /* DSRs (deduplicated) */
  Dsr *tab = xcalloc((size_t)c->ndsr + 1, sizeof(Dsr)); /* zeroed: compared bytewise */
  for (int i = 0; i < c->ndsr; i++) {
    const IrDsr *d = &c->dsr[i];
    Dsr *o = &tab[i];
    o->kind = (uint8_t)d->kind;
    o->dtype = (uint8_t)d->dt;
    o->ndim = (uint8_t)d->ndim;
    if (d->kind == DSR_MEM) {
      const IrBuf *b = &c->buf[d->buf];
      o->addr = (uint32_t)(b->addr + d->off * ir_dtype_size(b->dt));
    } else {
      o->color = (uint8_t)d->color;
    }
    for (int k = 0; k < d->ndim; k++) {
      o->dim[k] = (uint32_t)d->dim[k];
      o->stride[k] = (int32_t)d->stride[k];
    }
  }
  wc->dsrtab = WIMG_NO_DSRTAB;
  if (c->ndsr) {
    size_t tb = sizeof(Dsr) * (size_t)c->ndsr;
    uint64_t th = fnv1a64(tab, tb);
    DsrKey k = {e, tab, (uint32_t)c->ndsr};
    int found_t = hidx_find(&e->dsrtab_idx, th, same_dsrtab, &k);
    if (found_t < 0) {
      WDsrTab nt = {(uint32_t)c->ndsr, tab};
      VEC_PUSH(e->dsrtabs, nt);
      found_t = e->dsrtabs.n - 1;
      hidx_put(&e->dsrtab_idx, th, found_t);
    } else {
      free(tab);
    }
    wc->dsrtab = (uint32_t)found_t;
    wc->ndsr = e->dsrtabs.v[found_t].ndsr;
    wc->dsr = e->dsrtabs.v[found_t].dsr;
  } else {
    free(tab);
  }
  /* tasks */
  wc->ntask = (uint32_t)c->ntask;
  wc->task = xcalloc((size_t)c->ntask + 1, sizeof(WTask));
  for (int i = 0; i < c->ntask; i++)
    wc->task[i] = (WTask){(uint8_t)c->task[i].kind, (uint8_t)c->task[i].color, (uint32_t)c->task[i].pc};
  /* SRAM init: preloaded param slices */
  VEC(WInit) inits = {0};
  Buf bytes = {0};
  for (int i = 0; i < c->nbuf; i++) {
    const IrBuf *b = &c->buf[i];
    if (b->kind == BUF_WORDS) { /* the program's per-core constants */
      bytes.len = 0;
      for (int64_t k = 0; k < b->elems; k++) buf_u32(&bytes, b->words[k]);
    } else if (b->kind != BUF_PARAM || !param_bytes(e, b->val, &b->box, b->dt, &bytes)) {
      continue;
    }
    WInit in = {(uint32_t)b->addr, (uint32_t)bytes.len, add_blob(e, bytes.data, bytes.len)};
    VEC_PUSH(inits, in);
  }
  buf_free(&bytes);
  wc->ninit = (uint32_t)inits.n;
  wc->init = inits.v;
}

/* Buffer b of core c holds box b->box of a view (vm: into the input) in the
 * view's C order: the host writes it as one run per index of the leading
 * axes, each a box of the input in the same C order (mapping.h:
 * map_perm_lead). */
static void add_view_pieces(PieceVec *pieces, const IrCore *c, const IrBuf *b, const ViewMap *vm, DType dt) {
  int r = vm->rank, lead = map_perm_lead(vm->perm, r);
  int64_t run = 1, idx[IR_MAXRANK] = {0};
  for (int k = lead; k < r; k++) run *= b->box.n[k];
  for (int64_t at = 0;; at += run) {
    WPiece p;
    memset(&p, 0, sizeof p);
    p.x = (uint16_t)c->x;
    p.y = (uint16_t)c->y;
    p.addr = (uint32_t)(b->addr + at * ir_dtype_size(dt));
    for (int k = 0; k < WIMG_MAXRANK; k++) p.n[k] = 1;
    for (int k = 0; k < r; k++) { /* input axis perm[k] is view axis k, offset */
      p.lo[vm->perm[k]] = (uint32_t)(b->box.lo[k] + (k < lead ? idx[k] : 0) + vm->off[vm->perm[k]]);
      p.n[vm->perm[k]] = k < lead ? 1 : (uint32_t)b->box.n[k];
    }
    VEC_PUSH(*pieces, p);
    int k = lead - 1; /* the next index of the leading axes, last fastest */
    while (k >= 0 && ++idx[k] == b->box.n[k]) idx[k--] = 0;
    if (k < 0) break;
  }
}

static void add_piece(PieceVec *pieces, const IrCore *c, const IrOp *v) {
  if (v->kind == IR_INPUT && v->host && v->host->kind == IR_RESHAPE) {
    /* an input written into its reshape's tiles: each tile is one run of
     * C order, which is at most 2*rank-1 boxes of the input, one after
     * another in the tile (passes/place.c) */
    const IrOp *r = v->host;
    for (int i = 0; i < c->nbuf; i++) {
      const IrBuf *b = &c->buf[i];
      if (b->kind != BUF_TILE || b->val != r) continue;
      int64_t f0 = map_flat(&r->shape, b->box.lo), n = box_count(&b->box, r->shape.rank);
      Box pc[2 * IR_MAXRANK];
      int np = map_flat_pieces(&v->shape, f0, n, pc);
      for (int j = 0; j < np; j++) {
        WPiece p;
        memset(&p, 0, sizeof p);
        p.x = (uint16_t)c->x;
        p.y = (uint16_t)c->y;
        p.addr = (uint32_t)(b->addr + (map_flat(&v->shape, pc[j].lo) - f0) * ir_dtype_size(v->dt));
        for (int k = 0; k < WIMG_MAXRANK; k++) {
          p.lo[k] = k < v->shape.rank ? (uint32_t)pc[j].lo[k] : 0;
          p.n[k] = k < v->shape.rank ? (uint32_t)pc[j].n[k] : 1;
        }
        VEC_PUSH(*pieces, p);
      }
    }
    return;
  }
  if (v->kind == IR_INPUT && v->host && v->host->kind == IR_TRANSPOSE) {
    /* an input written into its transpose's tiles, permuted */
    ViewMap vm = {v->shape.rank, {0}, {0}}; /* (the transpose is placed: map_root stops at it) */
    for (int k = 0; k < vm.rank; k++) vm.perm[k] = v->host->perm[k];
    for (int i = 0; i < c->nbuf; i++)
      if (c->buf[i].kind == BUF_TILE && c->buf[i].val == v->host) add_view_pieces(pieces, c, &c->buf[i], &vm, v->dt);
    return;
  }
  for (int i = 0; i < c->nbuf; i++) {
    const IrBuf *b = &c->buf[i];
    if (b->kind != BUF_TILE || b->val != v) continue;
    WPiece p;
    memset(&p, 0, sizeof p);
    p.x = (uint16_t)c->x;
    p.y = (uint16_t)c->y;
    p.addr = (uint32_t)b->addr;
    for (int k = 0; k < WIMG_MAXRANK; k++) {
      p.lo[k] = k < v->shape.rank ? (uint32_t)b->box.lo[k] : 0;
      p.n[k] = k < v->shape.rank ? (uint32_t)b->box.n[k] : 1;
    }
    VEC_PUSH(*pieces, p);
  }
}

static int cmp_io(const void *a, const void *b) {
  const WIo *p = a, *q = b;
  if (p->dir != q->dir) return p->dir < q->dir ? -1 : 1;
  return strcmp(p->name, q->name);
}

bool be_emit(const IrModule *m, const Target *t, WImage *img) {
  memset(img, 0, sizeof *img);
  Emit e = {.m = m, .img = img, .param = xcalloc((size_t)m->nops + 1, sizeof(float *)), .ok = true};

  img->tgt = *t; /* one struct, common/machine.h */

  /* Every core that computes or routes. */
  VEC(IrCoord) at = {0};
  for (int i = 0; i < m->ncores; i++) VEC_PUSH(at, ((IrCoord){m->cores[i]->x, m->cores[i]->y}));
  for (int i = 0; i < m->nnets; i++)
    for (int h = 0; h < m->nets[i]->nhop; h++) VEC_PUSH(at, ((IrCoord){m->nets[i]->hop[h].x, m->nets[i]->hop[h].y}));
  qsort(at.v, (size_t)at.n, sizeof(IrCoord), cmp_coord);
  int n = 0;
  for (int i = 0; i < at.n; i++)
    if (n == 0 || cmp_coord(&at.v[n - 1], &at.v[i]) != 0) at.v[n++] = at.v[i];
  at.n = n;
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  for (int i = 0; i < n; i++) {
    if (i == 0 || at.v[i].x < x0) x0 = at.v[i].x;
    if (i == 0 || at.v[i].y < y0) y0 = at.v[i].y;
    if (i == 0 || at.v[i].x > x1) x1 = at.v[i].x;
    if (i == 0 || at.v[i].y > y1) y1 = at.v[i].y;
  }
  img->rx = (uint32_t)x0;
  img->ry = (uint32_t)y0;
  img->rw = n ? (uint32_t)(x1 - x0 + 1) : 0;
  img->rh = n ? (uint32_t)(y1 - y0 + 1) : 0;

  /* Dense index of the region -> core slot. */
  size_t rw = img->rw, rh = img->rh;
  int *slot = xmalloc(sizeof(int) * (rw * rh + 1));
  for (size_t i = 0; i < rw * rh; i++) slot[i] = -1;
  img->ncore = (uint32_t)n;
  img->cores = xcalloc((size_t)n + 1, sizeof(WCore));
  for (int i = 0; i < n; i++) {
    img->cores[i].x = (uint16_t)at.v[i].x;
    img->cores[i].y = (uint16_t)at.v[i].y;
    img->cores[i].prog = WIMG_NO_PROG;
    img->cores[i].dsrtab = WIMG_NO_DSRTAB;
    slot[(size_t)(at.v[i].y - y0) * rw + (size_t)(at.v[i].x - x0)] = i;
  }
  VEC_FREE(at);

  /* A param's values are made once and freed after the last core that
   * preloads a piece of it: only the params in use are held at once. */
  int *last = xmalloc(sizeof(int) * ((size_t)m->nops + 1));
  for (int i = 0; i < m->nops; i++) last[i] = -1;
  for (int i = 0; i < m->ncores; i++)
    for (int k = 0; k < m->cores[i]->nbuf; k++)
      if (m->cores[i]->buf[k].kind == BUF_PARAM) last[m->cores[i]->buf[k].val->idx] = i;
  ProgVec progs = {0};
  for (int i = 0; i < m->ncores; i++) {
    const IrCore *c = m->cores[i];
    emit_core_program(&e, c, &img->cores[slot[(size_t)(c->y - y0) * rw + (size_t)(c->x - x0)]], &progs);
    for (int k = 0; k < c->nbuf; k++) {
      int p = c->buf[k].kind == BUF_PARAM ? c->buf[k].val->idx : -1;
      if (p >= 0 && last[p] == i) {
        free(e.param[p]);
        e.param[p] = NULL;
        last[p] = -1; /* a core may hold two pieces of one param */
      }
    }
  }
  free(last);
  img->nprog = (uint32_t)progs.n;
  img->progs = progs.v;
  img->ndsrtab = (uint32_t)e.dsrtabs.n;
  img->dsrtabs = e.dsrtabs.v;

  /* Routes. */
  for (int i = 0; i < m->nnets; i++) {
    const IrNet *net = m->nets[i];
    for (int h = 0; h < net->nhop; h++) {
      const IrHop *hp = &net->hop[h];
      WCore *wc = &img->cores[slot[(size_t)(hp->y - y0) * rw + (size_t)(hp->x - x0)]];
      wc->route = xrealloc(wc->route, sizeof(WRoute) * (wc->nroute + 1));
      wc->route[wc->nroute++] = (WRoute){(uint8_t)net->color, hp->in_port, hp->out_mask};
    }
  }
  for (uint32_t i = 0; i < img->ncore; i++)
    if (img->cores[i].nroute > 1) qsort(img->cores[i].route, img->cores[i].nroute, sizeof(WRoute), cmp_route);

  /* I/O map. */
  VEC(WIo) ios = {0};
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->kind != IR_INPUT && op->kind != IR_OUTPUT) continue;
    const IrOp *v = op->kind == IR_INPUT ? op : op->arg[0];
    WIo io;
    memset(&io, 0, sizeof io);
    io.name = xstrdup(op->name);
    io.dir = op->kind == IR_INPUT ? WIO_IN : WIO_OUT;
    io.dtype = (uint8_t)v->dt;
    io.rank = (uint8_t)v->shape.rank;
    for (int k = 0; k < WIMG_MAXRANK; k++) io.dim[k] = k < v->shape.rank ? (uint32_t)v->shape.d[k] : 1;
    PieceVec pieces = {0};
    for (int c = 0; c < m->ncores; c++) /* an input held by its streamed matmul (v->host) is in that one's cores;
                                           in the resident layout every core's op is the first */
      if (m->cores[c]->op == ir_cores_of(v)) add_piece(&pieces, m->cores[c], v);
    /* and each host_rhs matmul's box of it, on every core of the matmul */
    for (int c = 0; c < m->ncores && op->kind == IR_INPUT; c++) {
      const IrCore *core = m->cores[c];
      if (!core->op->host_rhs) continue;
      for (int k = 0; k < core->nbuf; k++) {
        const IrBuf *b = &core->buf[k];
        ViewMap vm;
        if (b->kind == BUF_INPUT && map_root(b->val, &vm) == v) add_view_pieces(&pieces, core, b, &vm, v->dt);
      }
    }
    io.npiece = (uint32_t)pieces.n;
    io.piece = pieces.v;
    VEC_PUSH(ios, io);
  }
  qsort(ios.v, (size_t)ios.n, sizeof(WIo), cmp_io);
  img->nio = (uint32_t)ios.n;
  img->io = ios.v;

  img->ndata = e.data.len;
  img->data = e.data.data;
  for (int i = 0; i < m->nops; i++) free(e.param[i]);
  free(e.param);
  VEC_FREE(e.blobs);
  hidx_free(&e.blob_idx);
  hidx_free(&e.prog_idx);
  hidx_free(&e.dsrtab_idx);
  free(slot);
  return e.ok;
}

/* ---- listings ---- */

void be_print_asm(const WImage *img, Buf *out) {
  for (uint32_t p = 0; p < img->nprog; p++) {
    const WCore *first = NULL;
    uint32_t users = 0;
    for (uint32_t c = 0; c < img->ncore; c++)
      if (img->cores[c].prog == p) {
        if (!first) first = &img->cores[c];
        users++;
      }
    buf_printf(out, "; program %u: %u instructions, run by %u core%s:", p, img->progs[p].ninsn, users,
               users == 1 ? "" : "s");
    uint32_t shown = 0;
    for (uint32_t c = 0; c < img->ncore; c++)
      if (img->cores[c].prog == p) {
        if (shown++ == 16) {
          buf_printf(out, " ... (%u more)", users - 16);
          break;
        }
        buf_printf(out, " (%u,%u)", img->cores[c].x, img->cores[c].y);
      }
    buf_printf(out, "\n");
    if (!first) continue;
    buf_printf(out, "; tasks (core (%u,%u)):", first->x, first->y);
    for (uint32_t t = 0; t < first->ntask; t++) {
      const WTask *tk = &first->task[t];
      if (tk->kind == TASK_DATA) buf_printf(out, " t%u data color %u @%u;", t, tk->color, tk->pc);
      else buf_printf(out, " t%u %s @%u;", t, tk->kind == TASK_MAIN ? "main" : "local", tk->pc);
    }
    buf_printf(out, "\n; addr  op     a    b    c    imm         comment (DSRs of core (%u,%u))\n", first->x, first->y);
    for (uint32_t i = 0; i < img->progs[p].ninsn; i++) {
      Insn in = isa_decode(img->progs[p].insn[i]);
      const OpInfo *oi = &isa_ops[in.op];
      char f[4][24];
      uint8_t fv[3] = {in.a, in.b, in.c};
      for (int k = 0; k < 3; k++) {
        char kind = oi->fmt[k];
        if (kind == 'r') snprintf(f[k], sizeof f[k], "r%u", fv[k]);
        else if (kind == 'd') snprintf(f[k], sizeof f[k], "d%u", fv[k]);
        else snprintf(f[k], sizeof f[k], "-");
      }
      char imm[24];
      char kind = oi->fmt[3];
      if (kind == '-') snprintf(imm, sizeof imm, "-");
      else if (kind == 'l') snprintf(imm, sizeof imm, "@%d", in.imm);
      else if (kind == 't') snprintf(imm, sizeof imm, "t%d", in.imm);
      else if (kind == 'f') {
        float fl;
        uint32_t u = (uint32_t)in.imm;
        memcpy(&fl, &u, 4);
        snprintf(imm, sizeof imm, "%g", fl);
      } else if (oi->cls == ICLASS_T) {
        int o = 0;
        imm[0] = 0;
        if (in.imm & ISA_ASYNC) o += snprintf(imm + o, sizeof imm - (size_t)o, "async");
        if (in.imm & ISA_ACTIVATE) o += snprintf(imm + o, sizeof imm - (size_t)o, "%sact:t%d", o ? "," : "", ISA_TASK(in.imm));
        if (in.imm & ISA_INIT) snprintf(imm + o, sizeof imm - (size_t)o, "%sinit", o ? "," : "");
        if (!imm[0]) snprintf(imm, sizeof imm, "-");
      } else snprintf(imm, sizeof imm, "%d", in.imm);
      buf_printf(out, "%6u  %-6s %-4s %-4s %-4s %-11s", i, oi->name, f[0], f[1], f[2], imm);
      /* comment: the DSR operands */
      bool any = false;
      for (int k = 0; k < 3; k++)
        if (oi->fmt[k] == 'd' && fv[k] < first->ndsr) {
          char d[128];
          dsr_format(d, sizeof d, &first->dsr[fv[k]]);
          buf_printf(out, "%s d%u = %s", any ? ";" : " ;", fv[k], d);
          any = true;
        }
      buf_printf(out, "\n");
    }
    buf_printf(out, "\n");
  }
}

typedef struct RouteLine { int x, y, color, in, out; const IrNet *net; } RouteLine;
static int cmp_rl(const void *a, const void *b) {
  const RouteLine *p = a, *q = b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return (p->color > q->color) - (p->color < q->color);
}

void be_print_routes(const IrModule *m, Buf *out) {
  VEC(RouteLine) rl = {0};
  for (int i = 0; i < m->nnets; i++)
    for (int h = 0; h < m->nets[i]->nhop; h++) {
      const IrHop *hp = &m->nets[i]->hop[h];
      RouteLine l = {hp->x, hp->y, m->nets[i]->color, hp->in_port, hp->out_mask, m->nets[i]};
      VEC_PUSH(rl, l);
    }
  qsort(rl.v, (size_t)rl.n, sizeof(RouteLine), cmp_rl);
  buf_printf(out, "; routing table: %d nets, %d router entries\n", m->nnets, rl.n);
  buf_printf(out, "; core     color  in -> out    net\n");
  for (int i = 0; i < rl.n; i++) {
    const RouteLine *l = &rl.v[i];
    char outs[8];
    int o = 0;
    for (int p = 0; p < PORT__COUNT; p++)
      if (l->out & (1 << p)) outs[o++] = isa_port_names[p];
    outs[o] = 0;
    char core[24];
    snprintf(core, sizeof core, "(%d,%d)", l->x, l->y);
    const IrNet *n = l->net;
    if (n->kind == NET_PSUM || n->kind == NET_INGRESS) {
      buf_printf(out, "%-10s %5d  %c  -> %-6s  net %d: %s of %%%s\n", core, l->color, isa_port_names[l->in], outs, n->id,
                 n->kind == NET_PSUM ? "partial sums" : "weights from MemoryX", n->src->name);
      continue;
    }
    buf_printf(out, "%-10s %5d  %c  -> %-6s  net %d: %%%s ->", core, l->color, isa_port_names[l->in], outs, n->id,
               n->src->name);
    for (int d = 0; d < n->ndst; d++) {
      bool seen = false;
      for (int e = 0; e < d; e++) seen |= n->to[e].op == n->to[d].op && n->to[e].argi == n->to[d].argi;
      if (!seen) buf_printf(out, " %%%s.%d", n->to[d].op->name, n->to[d].argi);
    }
    buf_printf(out, "\n");
  }
  VEC_FREE(rl);
}

/* ---- the MemoryX weight store (--exec=stream) ---- */

static int cmp_stream(const void *a, const void *b) {
  const WmxStream *p = a, *q = b;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return (p->color > q->color) - (p->color < q->color);
}

bool be_emit_wmx(const IrModule *m, const Target *t, uint64_t image_checksum, Wmx *w) {
  memset(w, 0, sizeof *w);
  w->image_checksum = image_checksum;
  w->channels = t->mx_channels;
  w->rate_milli = t->mx_rate;
  w->edge_width = t->grid_w;
  /* one stream per ingress net; a net carries the weights of its matmul,
   * or in the resident layout of every streamed matmul, in op order */
  int n = 0;
  for (int i = 0; i < m->nnets; i++) n += m->nets[i]->kind == NET_INGRESS;
  w->stream = xcalloc((size_t)n + 1, sizeof(WmxStream));
  typedef VEC(uint32_t) Waves;
  Waves *wave = xcalloc((size_t)n + 1, sizeof(Waves));
  const IrNet **net_of = xcalloc((size_t)n + 1, sizeof(IrNet *));
  for (int i = 0; i < m->nnets; i++) {
    const IrNet *net = m->nets[i];
    if (net->kind != NET_INGRESS) continue;
    WmxStream *s = &w->stream[w->nstream];
    s->x = (uint16_t)net->from.x;
    s->y = (uint16_t)net->from.y;
    s->color = (uint8_t)net->color;
    net_of[w->nstream++] = net;
  }
  for (int o = 0; o < m->nops; o++) {
    const IrOp *op = m->ops[o];
    if (!op->stream) continue;
    float *B = ir_known_values(op->arg[1]);
    if (!B) {
      for (int i = 0; i < n; i++) VEC_FREE(wave[i]);
      free(wave);
      free(net_of);
      wmx_free(w);
      return false;
    }
    int64_t N = op->arg[1]->shape.d[1];
    for (int i = 0; i < (int)w->nstream; i++) {
      const IrNet *net = net_of[i];
      if (!m->resident && net->src != op) continue;
      WmxStream *s = &w->stream[i];
      int cx = net->from.x - op->place.x;
      int64_t k0, kn, n0, nn;
      map_matmul_chunks(op, cx, 0, &k0, &kn, &n0, &nn);
      s->ndense += (uint64_t)kn * (uint64_t)N * (op->arg[1]->dt == DT_F32 ? 2 : 1); /* data wavelets, were no weight zero */
      /* row by row of the output: the column's non-zero weights, each with
       * its index in the column's K chunk, then the row's command */
      for (int64_t col = 0; col < N; col++) {
        for (int64_t k = 0; k < kn; k++) {
          float f = B[(k0 + k) * N + col];
          if (op->arg[1]->dt == DT_F32) { /* two wavelets: the high half, then the low */
            uint32_t u;
            memcpy(&u, &f, 4);
            if (!(u & 0x7fffffff)) continue; /* +0 and -0 are never sent */
            VEC_PUSH(wave[i], ((uint32_t)k << 16) | (u >> 16));
            VEC_PUSH(wave[i], ((uint32_t)k << 16) | (u & 0xffff));
            s->ndata += 2;
            continue;
          }
          uint16_t h = op->arg[1]->dt == DT_BF16 ? f32_to_bf16(f) : f32_to_f16(f);
          if (!(h & 0x7fff)) continue; /* +0 and -0 are never sent */
          VEC_PUSH(wave[i], ((uint32_t)k << 16) | h);
          s->ndata++;
        }
        VEC_PUSH(wave[i], WMX_COMMAND(col >= n0 && col < n0 + nn ? WMX_CMD_FSUM : WMX_CMD_PSUM));
      }
    }
    free(B);
  }
  for (int i = 0; i < (int)w->nstream; i++) {
    w->stream[i].nwave = (uint32_t)wave[i].n;
    w->stream[i].wave = wave[i].v;
  }
  free(wave);
  free(net_of);
  qsort(w->stream, w->nstream, sizeof(WmxStream), cmp_stream);
  return true;
}
