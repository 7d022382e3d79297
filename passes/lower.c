/* passes/lower.c: lowering to per-core code.
 *
 * Every core of a placed op gets a program (an IrCore): buffers in its SRAM,
 * DSR descriptors over them, a task table and instructions. The programs are
 * dataflow-triggered, as on the wafer:
 *
 *   task 0 (MAIN, runs at reset)
 *       if the op has no incoming nets: fall into the body
 *       else one async receive per incoming net, in net-id order:
 *         FMOV  d<slice of operand buffer>, d<fabin color>, async, act t<done>
 *       TERM
 *   (each receive holds a microthread until its last wavelet is in; with
 *   fewer microthreads than nets the next FMOV waits for a free one)
 *   the LOCAL task <done> runs once per finished receive and counts them:
 *       ADDI r1, r1, 1 ; MOVI r2, <incoming nets> ; SEQ r3, r1, r2
 *       BNEZ r3, @body ; TERM
 *   body:
 *       FMOV copies out of stage buffers (streams that brought more than
 *       the core needs), then
 *       the op's tensor instructions (FADD/FSUB/FMUL/FNEG/FRELU, or for a
 *       matmul core: FFILL of the accumulator with 0, one FMAC over a 3-D
 *       walk - 4-D, once per outer batch element, for a batched matmul -
 *       then the partial sums down the column, pipelined (chain_partials):
 *       the top row sends its accumulator, a middle row adds each arriving
 *       element and sends it on at once (FADD fabout, acc, fabin), the
 *       bottom row adds into its accumulator and keeps the result)
 *       one async FMOV to a fabout DSR per outgoing net
 *       TERM
 *
 * Receives are asynchronous (microthreads) so that a core never blocks the
 * fabric while it waits for another stream, and every core starts its
 * receives and its sends in net-id order: then multicast streams to several
 * cores can never wait on each other in a cycle, whatever the target's
 * number of microthreads (the argument is in docs/mapping.md).
 *
 * Buffer kinds: TILE (the core's part of its op's value; for the I/O map and
 * for sending), OPERAND (received slices), PARAM (preloaded from the image),
 * ACC (matmul f32 partial sums), STAGE (whole received boxes the body
 * copies a part out of; staged streams of one operand that tile a box
 * exactly share one). Identical DSR descriptors are shared.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "backend/wimg.h"
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"

/* The resident layout's state of one core (lower_resident): the buffers
 * holding bytes now, and per DSR where it points now and whether the op
 * being lowered uses it. */
typedef struct Res {
  int op;                  /* index of the op whose code is being lowered */
  VEC(int) live;           /* buffers whose bytes are in use */
  VEC(int64_t) at;         /* per DSR: the byte address it points at now (memory DSRs) */
  VEC(bool) pinned;        /* per DSR: used by the op being lowered */
  VEC(uint32_t) words;     /* the core's constants (a WORDS buffer) */
  int wbuf, wnext;         /* that buffer; the next word to fill */
  bool unroll;             /* lower_stream unrolls its loops */
} Res;

typedef struct Prog {
  IrModule *m;
  IrCore *core;
  VEC(IrBuf) buf;
  VEC(IrDsr) dsr;
  VEC(IrTask) task;
  VEC(Insn) code;
  Res *res;                /* the resident layout, else NULL */
  /* share_recv: receives of one shape into one buffer share a DSR, moved
   * with DINC after each FMOV has issued (an async FMOV walks a copy);
   * moved marks those DSRs, which add_dsr never hands out again */
  bool share_recv;
  VEC(bool) moved;
  int deep;                /* the rank of a walk no DSR could take (mem_dsr), else 0 */
} Prog;

static int emit(Prog *p, int op, int a, int b, int c, int32_t imm);

/* Resident layout: the lowest byte address (relative to the data area,
 * 16-aligned) where `bytes` bytes meet no live buffer. */
static int64_t res_place(const Prog *p, int64_t bytes) {
  int64_t at = 0;
  for (bool moved = true; moved;) {
    moved = false;
    for (int i = 0; i < p->res->live.n; i++) {
      const IrBuf *b = &p->buf.v[p->res->live.v[i]];
      int64_t e = (b->addr + b->elems * ir_dtype_size(b->dt) + 15) & ~(int64_t)15;
      if (at < e && b->addr < at + bytes) {
        at = e;
        moved = true;
      }
    }
  }
  return at;
}

/* A buffer. In the resident layout it gets its bytes at once, live for
 * the op being lowered (the caller extends that). */
static int add_buf(Prog *p, IrBufKind kind, IrOp *val, const Box *box, DType dt) {
  IrBuf b = {kind, val, *box, dt, box_count(box, val->shape.rank), -1, -1, -1, NULL};
  if (p->res) {
    b.addr = res_place(p, b.elems * ir_dtype_size(dt));
    b.live_from = b.live_to = p->res->op;
    VEC_PUSH(p->res->live, p->buf.n);
  }
  VEC_PUSH(p->buf, b);
  return p->buf.n - 1;
}

static bool same_class(const IrDsr *a, const IrDsr *b) {
  if (a->kind != b->kind || a->dt != b->dt || a->color != b->color || a->ndim != b->ndim) return false;
  for (int k = 0; k < a->ndim; k++)
    if (a->dim[k] != b->dim[k] || a->stride[k] != b->stride[k]) return false;
  return true;
}

/* A DSR for descriptor d. Identical descriptors are shared. In the
 * resident layout a program of many ops would need far more DSRs than a
 * core has, so a memory DSR of the same shape (dtype, dims, strides) that
 * the op being lowered does not use yet is moved to d's address with DINC
 * instead (the code runs in order, and an instruction in flight took its
 * copy at issue). */
static int add_dsr(Prog *p, IrDsr d) {
  if (p->res && d.kind == DSR_MEM) {
    int64_t es = ir_dtype_size(d.dt), at = p->buf.v[d.buf].addr + d.off * es;
    int free_one = -1;
    for (int i = 0; i < p->dsr.n; i++) {
      if (!same_class(&p->dsr.v[i], &d)) continue;
      if (p->res->at.v[i] == at) {
        p->res->pinned.v[i] = true;
        return i;
      }
      if (free_one < 0 && !p->res->pinned.v[i]) free_one = i;
    }
    if (free_one >= 0) {
      emit(p, OP_DINC, free_one, 0, 0, (int32_t)((at - p->res->at.v[free_one]) / es));
      p->res->at.v[free_one] = at;
      p->res->pinned.v[free_one] = true;
      return free_one;
    }
    VEC_PUSH(p->dsr, d);
    VEC_PUSH(p->res->at, at);
    VEC_PUSH(p->res->pinned, true);
    return p->dsr.n - 1;
  }
  for (int i = 0; i < p->dsr.n; i++)
    if (!(i < p->moved.n && p->moved.v[i]) && memcmp(&p->dsr.v[i], &d, sizeof d) == 0) return i;
  VEC_PUSH(p->dsr, d);
  if (p->res) {
    VEC_PUSH(p->res->at, -1);
    VEC_PUSH(p->res->pinned, true);
  }
  return p->dsr.n - 1;
}

/* DSR d moves (DINC) outside the resident layout's bookkeeping: add_dsr
 * never hands it out again for an identical descriptor. */
static void mark_moved(Prog *p, int d) {
  while (p->moved.n < p->dsr.n) VEC_PUSH(p->moved, false);
  p->moved.v[d] = true;
}

static int fab_dsr(Prog *p, DsrKind kind, DType dt, int color, int64_t len) {
  IrDsr d;
  memset(&d, 0, sizeof d);
  d.kind = kind;
  d.dt = dt;
  d.color = color;
  d.buf = -1;
  d.ndim = 1;
  d.dim[0] = len;
  d.stride[0] = 1;
  return add_dsr(p, d);
}

/* A value has up to IR_MAXRANK axes, a DSR walks at most 4 dims (docs/isa.md).
 * fold_walk folds the walk `dim` of nops operands (each its strides
 * st[o]) in place: it drops unit dims and merges two neighbours into one
 * where every operand walks them as one run (st[o][k] == st[o][k+1] *
 * dim[k+1]); the element order stays C order. Returns the dims left (>= 1). */
static int fold_walk(int ndim, int64_t *dim, int nops, int64_t (*st)[IR_MAXRANK]) {
  int n = 0;
  for (int k = 0; k < ndim; k++) {
    if (dim[k] == 1) continue;
    bool merge = n > 0;
    for (int o = 0; o < nops && merge; o++) merge = st[o][n - 1] == st[o][k] * dim[k];
    for (int o = 0; o < nops; o++) st[o][merge ? n - 1 : n] = st[o][k];
    if (merge) dim[n - 1] *= dim[k];
    else dim[n++] = dim[k];
  }
  if (n == 0) {
    dim[0] = 1;
    for (int o = 0; o < nops; o++) st[o][0] = 1;
    n = 1;
  }
  return n;
}

/* A memory DSR over buffer `bi`: dims `dim` with strides `stride`, starting
 * at element offset `off`. A walk of more than 4 dims is folded
 * (fold_walk); one that does not fold into 4 sets p->deep, which refuses
 * the op (pass_lower). */
static int mem_dsr(Prog *p, int bi, int64_t off, int ndim, const int64_t *dim, const int64_t *stride) {
  int64_t fd[IR_MAXRANK], fs[1][IR_MAXRANK];
  if (ndim > 4) {
    memcpy(fd, dim, sizeof(int64_t) * (size_t)ndim);
    memcpy(fs[0], stride, sizeof(int64_t) * (size_t)ndim);
    int n = fold_walk(ndim, fd, 1, fs);
    if (n > 4) {
      if (!p->deep) p->deep = ndim;
      n = 4;
    }
    ndim = n;
    dim = fd;
    stride = fs[0];
  }
  IrDsr d;
  memset(&d, 0, sizeof d);
  d.kind = DSR_MEM;
  d.dt = p->buf.v[bi].dt;
  d.color = 0;
  d.buf = bi;
  d.off = off;
  d.ndim = ndim;
  for (int k = 0; k < ndim; k++) {
    d.dim[k] = dim[k];
    d.stride[k] = stride[k];
  }
  return add_dsr(p, d);
}

/* Dense C-order strides of a box. */
static void dense_strides(const Box *b, int rank, int64_t *st) {
  int64_t s = 1;
  for (int k = rank - 1; k >= 0; k--) {
    st[k] = s;
    s *= b->n[k];
  }
}

/* DSR over the sub-box `sub` of buffer bi (which holds box buf.box densely). */
static int sub_dsr(Prog *p, int bi, const Box *sub) {
  const IrBuf *b = &p->buf.v[bi];
  int rank = b->val->shape.rank;
  int64_t st[IR_MAXRANK], off = 0;
  dense_strides(&b->box, rank, st);
  for (int k = 0; k < rank; k++) off += (sub->lo[k] - b->box.lo[k]) * st[k];
  if (rank == 0) {
    int64_t one = 1;
    return mem_dsr(p, bi, 0, 1, &one, &one);
  }
  return mem_dsr(p, bi, off, rank, sub->n, st);
}

/* DSR that writes the stream of box `rb` of the root value under view `v`
 * (walked in the root's C order) into buffer bi, which holds a box of v
 * densely: the strides follow the view's permutation. */
/* The walk of view_dsr: strides rst (in the root's axis order) and the
 * element offset (returned). No view (v is its root): a sub-box's. */
static int64_t view_walk(const Prog *p, int bi, const IrOp *v, const Box *rb, int64_t *rst) {
  ViewMap vm;
  map_root(v, &vm);
  const IrBuf *b = &p->buf.v[bi];
  int rank = v->shape.rank;
  int64_t st[IR_MAXRANK], off = 0;
  dense_strides(&b->box, rank, st);
  for (int k = 0; k < rank; k++) {
    int j = vm.perm[k];
    rst[j] = st[k];
    off += (rb->lo[j] - vm.off[j] - b->box.lo[k]) * st[k];
  }
  return off;
}

static int view_dsr(Prog *p, int bi, const IrOp *v, const Box *rb) {
  const IrOp *root = map_root(v, &(ViewMap){0});
  if (root == v) return sub_dsr(p, bi, rb);
  int64_t rst[IR_MAXRANK], off = view_walk(p, bi, v, rb, rst);
  return mem_dsr(p, bi, off, root->shape.rank, rb->n, rst);
}

/* Whether view_dsr's walk of rb under v folds into a DSR's 4 dims. */
static bool view_folds(const Prog *p, int bi, const IrOp *v, const Box *rb) {
  const IrOp *root = map_root(v, &(ViewMap){0});
  if (root == v || root->shape.rank <= 4) return true;
  int64_t dim[IR_MAXRANK], st[1][IR_MAXRANK];
  view_walk(p, bi, v, rb, st[0]);
  memcpy(dim, rb->n, sizeof dim);
  return fold_walk(root->shape.rank, dim, 1, st) <= 4;
}

static int emit(Prog *p, int op, int a, int b, int c, int32_t imm) {
  Insn in = {(uint8_t)op, (uint8_t)a, (uint8_t)b, (uint8_t)c, imm};
  VEC_PUSH(p->code, in);
  return p->code.n - 1;
}

/* One instruction `isa` whose nops operands (the destination first; at
 * most 3) walk the same dims `dim`, each in buffer buf[o] from element
 * off[o] with strides st[o]. A walk of more than 4 dims is folded
 * (fold_walk); if more than 4 are left, the instruction runs once per
 * index of the leading dims, its DSRs moved on with DINC in between (DSRs
 * of their own, which add_dsr never hands out again: an async instruction
 * walks the copy it took at issue). */
static void emit_walk(Prog *p, int isa, int nops, const int *buf, const int64_t *off, int ndim, const int64_t *dim,
                      const int64_t (*st)[IR_MAXRANK], int32_t imm) {
  int d[3] = {0, 0, 0};
  if (ndim <= 4) {
    for (int o = 0; o < nops; o++) d[o] = mem_dsr(p, buf[o], off[o], ndim, dim, st[o]);
    emit(p, isa, d[0], d[1], d[2], imm);
    return;
  }
  int64_t fd[IR_MAXRANK], fs[3][IR_MAXRANK];
  memcpy(fd, dim, sizeof(int64_t) * (size_t)ndim);
  for (int o = 0; o < nops; o++) memcpy(fs[o], st[o], sizeof(int64_t) * (size_t)ndim);
  int n = fold_walk(ndim, fd, nops, fs);
  if (n <= 4) {
    for (int o = 0; o < nops; o++) d[o] = mem_dsr(p, buf[o], off[o], n, fd, fs[o]);
    emit(p, isa, d[0], d[1], d[2], imm);
    return;
  }
  /* the leading n - 4 dims: an index of them is `outer` (C order) */
  int64_t count = 1;
  for (int k = 0; k < n - 4; k++) count *= fd[k];
  for (int o = 0; o < nops; o++) {
    bool dup = false;
    for (int q = 0; q < o; q++) dup |= buf[q] == buf[o] && off[q] == off[o] && !memcmp(fs[q], fs[o], sizeof(int64_t) * (size_t)n);
    if (dup) { /* the same walk as an earlier operand (x + x): the same DSR, moved once */
      for (int q = o - 1; q >= 0; q--)
        if (buf[q] == buf[o] && off[q] == off[o] && !memcmp(fs[q], fs[o], sizeof(int64_t) * (size_t)n)) d[o] = d[q];
      continue;
    }
    int before = p->dsr.n;
    d[o] = mem_dsr(p, buf[o], off[o], 4, fd + n - 4, fs[o] + n - 4);
    if (!p->res && d[o] < before) { /* shared with an earlier one: a DSR of its own instead */
      VEC_PUSH(p->dsr, p->dsr.v[d[o]]);
      d[o] = p->dsr.n - 1;
    }
    if (!p->res) mark_moved(p, d[o]);
  }
  int64_t idx[IR_MAXRANK] = {0};
  for (int64_t e = 0; e < count; e++) {
    if (e) { /* the next index of the leading dims: each operand's DSR moves by the difference */
      int64_t delta[3] = {0, 0, 0};
      for (int k = n - 5; k >= 0; k--) {
        for (int o = 0; o < nops; o++) delta[o] += fs[o][k];
        if (++idx[k] < fd[k]) break;
        for (int o = 0; o < nops; o++) delta[o] -= fs[o][k] * fd[k];
        idx[k] = 0;
      }
      for (int o = 0; o < nops; o++) {
        bool again = false;
        for (int q = 0; q < o; q++) again |= d[q] == d[o];
        if (again || !delta[o]) continue;
        emit(p, OP_DINC, d[o], 0, 0, (int32_t)delta[o]);
        if (p->res) p->res->at.v[d[o]] += delta[o] * ir_dtype_size(p->dsr.v[d[o]].dt);
      }
    }
    emit(p, isa, d[0], d[1], d[2], imm);
  }
}

static int add_task(Prog *p, int kind, int color) {
  IrTask t = {kind, color, -1};
  VEC_PUSH(p->task, t);
  return p->task.n - 1;
}

/* Per-core index of nets: incoming and outgoing lists. */
typedef struct CoreNets { VEC(IrNet *) in, out; } CoreNets;

/* Body of an elementwise op: dst tile = f(operands). */
static void lower_elementwise(Prog *p, IrOp *op, int tile, const int *opbuf) {
  const IrBuf *tb = &p->buf.v[tile];
  int rank = op->shape.rank, ndim = rank ? rank : 1;
  int64_t dim[IR_MAXRANK], st[IR_MAXRANK];
  dense_strides(&tb->box, rank, st);
  for (int k = 0; k < rank; k++) dim[k] = tb->box.n[k];
  if (rank == 0) dim[0] = st[0] = 1;
  int64_t wst[3][IR_MAXRANK] = {{0}}, woff[3] = {0, 0, 0};
  int wbuf[3] = {tile, 0, 0};
  memcpy(wst[0], st, sizeof st);
  for (int a = 0; a < op->nargs; a++) {
    const IrOp *arg = op->arg[a];
    const IrBuf *ab = &p->buf.v[opbuf[a]];
    int64_t ast[IR_MAXRANK], *bst = wst[1 + a];
    dense_strides(&ab->box, arg->shape.rank, ast);
    int off = rank - arg->shape.rank;
    for (int k = 0; k < rank; k++) {
      int j = k - off;
      bst[k] = (j < 0 || arg->shape.d[j] == 1) ? 0 : ast[j];
    }
    if (rank == 0) bst[0] = 0;
    wbuf[1 + a] = opbuf[a];
  }
  emit_walk(p, ir_ops[op->kind].isa, 1 + op->nargs, wbuf, woff, ndim, dim, (const int64_t(*)[IR_MAXRANK])wst, 0);
}

/* Body of a data-movement op: the operand slices arrived in the boxes the
 * core needs; copy them into the tile (transposing for TRANSPOSE). */
static void lower_move(Prog *p, IrOp *op, int tile, const int *opbuf) {
  const IrBuf *tb = &p->buf.v[tile];
  int rank = op->shape.rank;
  int64_t st[IR_MAXRANK];
  dense_strides(&tb->box, rank, st);
  for (int a = 0; a < op->nargs; a++) {
    if (opbuf[a] < 0) continue;
    const IrBuf *ob = &p->buf.v[opbuf[a]];
    if (op->kind == IR_TRANSPOSE && rank > 0) {
      /* out[i] = in[j] with j[perm[k]] = i[k]: walk the tile in its order,
       * the operand buffer (which holds the permuted box) with its strides
       * permuted */
      int64_t sst[IR_MAXRANK], wst[2][IR_MAXRANK], woff[2] = {0, 0};
      int wbuf[2] = {tile, opbuf[a]};
      dense_strides(&ob->box, rank, sst);
      memcpy(wst[0], st, sizeof st);
      for (int k = 0; k < rank; k++) wst[1][k] = sst[op->perm[k]];
      if (rank > 4) {
        emit_walk(p, OP_FMOV, 2, wbuf, woff, rank, tb->box.n, (const int64_t(*)[IR_MAXRANK])wst, 0);
        continue;
      }
      int src = mem_dsr(p, opbuf[a], 0, rank, tb->box.n, wst[1]); /* the source's DSR first: the order DSRs are numbered in */
      emit(p, OP_FMOV, mem_dsr(p, tile, 0, rank, tb->box.n, st), src, 0, 0);
      continue;
    }
    if (op->kind == IR_RESHAPE) {
      /* the tile is one run of C order; it is copied from the operand box
       * as at most 2*rank-1 pieces, each a run of the operand too */
      const Shape *is = &op->arg[0]->shape;
      int64_t f0 = map_flat(&op->shape, tb->box.lo), n = box_count(&tb->box, rank), one = 1;
      Box pc[2 * IR_MAXRANK];
      int np = map_flat_pieces(is, f0, n, pc);
      for (int i = 0; i < np; i++) {
        int64_t len = box_count(&pc[i], is->rank);
        int dst = mem_dsr(p, tile, map_flat(is, pc[i].lo) - f0, 1, &len, &one);
        emit(p, OP_FMOV, dst, sub_dsr(p, opbuf[a], &pc[i]), 0, 0);
      }
      continue;
    }
    /* the part of the tile this operand fills, in output coordinates */
    Box sub = ob->box;
    if (op->kind == IR_SLICE) sub.lo[op->axis] -= op->start;
    if (op->kind == IR_CONCAT && a == 1) sub.lo[op->axis] += op->arg[0]->shape.d[op->axis];
    int64_t one = 1, sst[IR_MAXRANK];
    dense_strides(&ob->box, rank, sst);
    if (rank > 4) { /* the tile's part and the operand's box, walked together */
      int64_t wst[2][IR_MAXRANK], woff[2] = {0, 0};
      int wbuf[2] = {tile, opbuf[a]};
      dense_strides(&tb->box, rank, wst[0]);
      for (int k = 0; k < rank; k++) woff[0] += (sub.lo[k] - tb->box.lo[k]) * wst[0][k];
      memcpy(wst[1], sst, sizeof sst);
      emit_walk(p, OP_FMOV, 2, wbuf, woff, rank, ob->box.n, (const int64_t(*)[IR_MAXRANK])wst, 0);
      continue;
    }
    int dsrc = rank ? mem_dsr(p, opbuf[a], 0, rank, ob->box.n, sst) : mem_dsr(p, opbuf[a], 0, 1, &one, &one);
    emit(p, OP_FMOV, sub_dsr(p, tile, &sub), dsrc, 0, 0);
  }
}

/* A reduction's f32 accumulator of n elements, filled with the identity of
 * its operation (0 for a sum, -inf for a max): its DSR; *op_red the
 * instruction that folds in. */
static int red_start(Prog *p, const IrOp *op, int acc, int64_t n, int *op_red) {
  int64_t one = 1;
  int dacc = mem_dsr(p, acc, 0, 1, &n, &one);
  *op_red = op->kind == IR_RMAX ? OP_FMAX : OP_FADD;
  float init = op->kind == IR_RMAX ? -INFINITY : 0.0f;
  int32_t bits;
  memcpy(&bits, &init, 4);
  emit(p, OP_FFILL, dacc, 0, 0, bits);
  return dacc;
}

/* mean: the n sums in dacc divided by the axis length len (one f32 of a
 * buffer of its own, walked with stride 0). */
static void red_mean(Prog *p, IrOp *op, int dacc, int64_t n, int64_t len) {
  Box kb = {0}; /* (resident: a box of one, so that add_buf gives it its bytes) */
  for (int k = 0; k < op->shape.rank && p->res; k++) kb.n[k] = 1;
  int k = add_buf(p, BUF_ACC, op, &kb, DT_F32);
  p->buf.v[k].elems = 1;
  int64_t one = 1, zero = 0;
  float f = (float)len;
  int32_t bits;
  memcpy(&bits, &f, 4);
  emit(p, OP_FFILL, mem_dsr(p, k, 0, 1, &one, &one), 0, 0, bits);
  emit(p, OP_FDIV, dacc, dacc, mem_dsr(p, k, 0, 1, &n, &zero), 0);
}

/* Body of a reduction core: reduce the tile into an f32 accumulator, fold
 * in the partials from the previous core (straight from the fabric), then
 * pass them on - or, on the last core, finish (mean: divide by the axis
 * length) and keep the result. Returns the tile buffer (or -1). */
/* One core's step of a chain of f32 partials (a matmul's column, a
 * reduction's row or column), n elements through accumulator DSR acc,
 * combined with op (FADD, FMAX). The chain is pipelined: a core in the
 * middle combines each arriving element with its own and sends it on at
 * once - one instruction from the fabric to the fabric - so the chain costs
 * about one pass over the accumulator plus a hop per core, not a receive
 * and a send per core. The first core sends its own; the last keeps the
 * result in acc. */
static void chain_partials(Prog *p, int op, int acc, const IrNet *in, const IrNet *out, int64_t n) {
  int fin = in ? fab_dsr(p, DSR_FABIN, DT_F32, in->color, n) : -1;
  int fout = out ? fab_dsr(p, DSR_FABOUT, DT_F32, out->color, n) : -1;
  if (in && out) emit(p, op, fout, acc, fin, 0);
  else if (in) emit(p, op, acc, acc, fin, 0);
  else if (out) emit(p, OP_FMOV, fout, acc, 0, 0);
}

static int lower_reduction(Prog *p, IrOp *op, int cx, int cy, int in, IrNet *part_in, IrNet *part_out) {
  const IrOp *a = op->arg[0];
  Box accb;
  int64_t n = map_reduce_acc(op, cx, cy, &accb);
  bool cols = map_reduces_cols(op);
  bool last = cols ? cx == op->place.w - 1 : cy == op->place.h - 1;
  int acc = add_buf(p, last && op->dt == DT_F32 ? BUF_TILE : BUF_ACC, op, &accb, DT_F32);
  int64_t one = 1, dn = n;
  int op_red, dacc = red_start(p, op, acc, n, &op_red);
  /* the tile as [batch, rt, ct]; the accumulator walked with stride 0
   * along the reduced direction */
  const IrBuf *tb = &p->buf.v[in];
  int64_t r0, rt, c0, ct;
  map_box_matrix(a, &tb->box, &r0, &rt, &c0, &ct);
  int64_t nb = map_batch(&a->shape);
  int64_t d3[3] = {nb, rt, ct}, sin[3] = {rt * ct, ct, 1};
  int64_t sacc[3] = {cols ? rt : ct, cols ? 1 : 0, cols ? 0 : 1};
  int dacc2 = mem_dsr(p, acc, 0, 3, d3, sacc);
  int din = mem_dsr(p, in, 0, 3, d3, sin);
  emit(p, op_red, dacc2, dacc2, din, 0);
  chain_partials(p, op_red, dacc, part_in, part_out, n);
  if (!last) return -1;
  if (op->kind == IR_MEAN) red_mean(p, op, dacc, n, a->shape.d[op->axis]);
  if (op->dt == DT_F32) return acc;
  int tile = add_buf(p, BUF_TILE, op, &accb, op->dt);
  emit(p, OP_FMOV, mem_dsr(p, tile, 0, 1, &dn, &one), dacc, 0, 0);
  return tile;
}

/* Body of a core of a reduction over a batch axis (map_batch_reduce): its
 * operand box holds the whole axis, so one instruction reduces it into an
 * f32 accumulator of its result tile (held), walked with stride 0 along
 * the reduced axis (in order of the axis, like --reference); then mean
 * divides, and the sums are rounded to the result's dtype. Returns the
 * tile buffer. */
static int lower_batch_reduce(Prog *p, IrOp *op, int in, const Box *held) {
  const IrOp *a = op->arg[0];
  int ra = a->shape.rank, ax = op->axis;
  const Box ib = p->buf.v[in].box, ob = *held;
  Box ab = ib; /* the accumulator, as a box of the operand */
  ab.lo[ax] = 0;
  ab.n[ax] = 1;
  int64_t n = box_count(&ob, op->shape.rank), one = 1;
  int acc = add_buf(p, op->dt == DT_F32 ? BUF_TILE : BUF_ACC, op, &ob, DT_F32);
  int op_red, dacc = red_start(p, op, acc, n, &op_red);
  int64_t dim[IR_MAXRANK], sin[IR_MAXRANK], sacc[IR_MAXRANK];
  dense_strides(&ib, ra, sin);
  dense_strides(&ab, ra, sacc);
  sacc[ax] = 0;
  for (int k = 0; k < ra; k++) dim[k] = ib.n[k];
  int dacc2 = mem_dsr(p, acc, 0, ra, dim, sacc);
  emit(p, op_red, dacc2, dacc2, mem_dsr(p, in, 0, ra, dim, sin), 0);
  if (op->kind == IR_MEAN) red_mean(p, op, dacc, n, a->shape.d[ax]);
  if (op->dt == DT_F32) return acc;
  int tile = add_buf(p, BUF_TILE, op, &ob, op->dt);
  emit(p, OP_FMOV, mem_dsr(p, tile, 0, 1, &n, &one), dacc, 0, 0);
  return tile;
}

/* The nets of a core of a streamed matmul: its column's weights from
 * MemoryX, and its row's ring of partial sums: in from the west neighbour
 * (the last column, for the first), out to the east neighbour (the
 * first column, for the last). */
typedef struct Stream { IrNet *weights, *in, *out; } Stream;


/* The rows of a streamed matmul, in runs of one kind:
 *   START  the row's owner is the west neighbour (in ring order): this core
 *          starts its ring (FMOV out, acc)
 *   PASS   this core adds its partial and passes the sum on (FADD out, acc, in)
 *   OWN    this core owns the row and keeps the sum (FADD C[:, n - n0], acc,
 *          in, rounded to C's dtype)
 *   ALONE  one column: no ring (FMOV C[:, n - n0], acc) */
enum { ROW_START, ROW_PASS, ROW_OWN, ROW_ALONE };

/* Word i of the resident program's per-core constants: its byte address
 * (relative to the data area until alloc relocates LD's immediates). */
static int32_t res_word(Prog *p, int i) { return (int32_t)(p->buf.v[p->res->wbuf].addr + 4 * i); }

/* The body of a core of a streamed matmul (docs/mapping.md, "Weight
 * streaming"): the rows n of the output in order, in runs of one kind, each
 * a loop:
 *        MOVI r4, rows           (resident: LD r4 from the core's words)
 *        BEQZ r4, E
 *     L: WAXPY acc, weights, A, init   acc[m] = sum over the column's
 *                                      weights (w, k) of the row: w * A[m, k];
 *                                      ends at the row's command wavelet
 *        <the run's ring op on acc>    async: the next rows' weights are
 *                                      multiplied meanwhile
 *        DINC C, 1                     (OWN, ALONE: the next row's column)
 *        ADDI r4, r4, -1 ; BEQZ r4, E
 *        ... the same for each of the MAP_STREAM_ACCS accumulators in turn,
 *        the last ending in BNEZ r4, L
 *     E:
 * Rolled (a resident program of more than RES_UNROLL_MAX streamed matmuls,
 * whose code would otherwise crowd the SRAM), the loop is one row on one
 * accumulator DSR walked round the ACCS slots:
 *        DINC acc, rows ; ADDI r5, r5, -1 ; BNEZ r5, S
 *        MOVI r5, ACCS ; DINC acc, -ACCS * rows
 *     S: ADDI r4, r4, -1 ; BNEZ r4, L
 * A core thus runs up to ACCS - 1 rows ahead of its reductions; WAXPY
 * waits while a busy microthread still reads its accumulator. In the
 * resident layout every core runs the same five runs - PASS, START, OWN,
 * PASS, START, some empty - with its own counts, so that cores of one
 * shape share one program. */
static void lower_stream(Prog *p, IrOp *op, int cx, int tile, int abuf, const Stream *sn) {
  int w = op->place.w;
  int64_t k0, kn, n0, nn, p0, pn, N = op->arg[1]->shape.d[1];
  map_matmul_chunks(op, (cx + w - 1) % w, 0, &k0, &kn, &p0, &pn); /* the west neighbour's rows */
  map_matmul_chunks(op, cx, 0, &k0, &kn, &n0, &nn);
  const IrBuf *ab = &p->buf.v[abuf];
  /* the core's rows: its M rows of every batch (A's box [.., rn, kn] is
   * dense, so they follow each other kn elements apart, as do the tile's
   * nn apart) */
  int rk = op->shape.rank;
  int64_t rn = box_count(&ab->box, op->arg[0]->shape.rank) / (kn ? kn : 1), one = 1;
  if (!sn->weights || (w > 1 && (!sn->in || !sn->out))) die("lower: a core of streamed %%%s lacks its nets", op->name);
  Box rb = {{0}, {0}}; /* ACCS columns of the output's rows */
  for (int k = 0; k < rk; k++) rb.n[k] = 1;
  rb.lo[rk - 2] = ab->box.lo[op->arg[0]->shape.rank - 2];
  rb.n[rk - 2] = rn * MAP_STREAM_ACCS;
  int accbuf = add_buf(p, BUF_ACC, op, &rb, DT_F32);
  int acc = mem_dsr(p, accbuf, 0, 1, &rn, &one);
  int64_t tdim[2] = {kn, rn}, tst[2] = {1, kn};
  int tab = mem_dsr(p, abuf, 0, 2, tdim, tst);
  int win = fab_dsr(p, DSR_FABIN, op->arg[1]->dt, sn->weights->color, kn);
  int64_t ystride = nn;
  int before = p->dsr.n, yout = mem_dsr(p, tile, 0, 1, &rn, &ystride);
  /* yout walks the tile's columns (DINC after each): outside the resident
   * layout (which moves it back at the end) no later walk of the tile may
   * share it - say a send of the whole tile, or an op in place on it */
  if (!p->res) {
    if (yout < before) { /* shared with an earlier one: one of its own */
      VEC_PUSH(p->dsr, p->dsr.v[yout]);
      yout = p->dsr.n - 1;
    }
    mark_moved(p, yout);
  }
  int fin = sn->in ? fab_dsr(p, DSR_FABIN, DT_F32, sn->in->color, rn) : -1;
  int fout = sn->out ? fab_dsr(p, DSR_FABOUT, DT_F32, sn->out->color, rn) : -1;
  /* the runs, in row order: rows[r] rows of kind kinds[r] */
  int64_t rows[5] = {0};
  int kinds[5], nrun = 0;
  if (w == 1) {
    kinds[0] = ROW_ALONE;
    rows[0] = N;
    nrun = 1;
  } else if (p->res) { /* PASS, START, OWN, PASS, START */
    const int kt[5] = {ROW_PASS, ROW_START, ROW_OWN, ROW_PASS, ROW_START};
    for (int r = 0; r < 5; r++) kinds[r] = kt[r];
    nrun = 5;
    if (cx == 0) {
      rows[2] = nn;
      rows[4] = pn;
      rows[3] = N - nn - pn;
    } else {
      rows[0] = p0;
      rows[1] = pn;
      rows[2] = nn;
      rows[3] = N - n0 - nn;
    }
  } else {
    int64_t b[4] = {p0, p0 + pn, n0, n0 + nn}, at = 0;
    const int kb[2] = {ROW_START, ROW_OWN};
    int first = p0 < n0 ? 0 : 1; /* which of the two runs of rows comes first */
    for (int j = 0; j < 2; j++) {
      int r = first ^ j;
      if (b[2 * r] > at) { /* rows in between: pass */
        kinds[nrun] = ROW_PASS;
        rows[nrun++] = b[2 * r] - at;
      }
      kinds[nrun] = kb[r];
      rows[nrun++] = b[2 * r + 1] - b[2 * r];
      at = b[2 * r + 1];
    }
    if (at < N) {
      kinds[nrun] = ROW_PASS;
      rows[nrun++] = N - at;
    }
  }
  /* unrolled (one accumulator DSR each, no DINC of it: fewer instructions
   * a row) unless the resident program has so many streamed matmuls that
   * its code would crowd the SRAM */
  bool unroll = !p->res || p->res->unroll;
  int accs[MAP_STREAM_ACCS];
  for (int i = 0; i < MAP_STREAM_ACCS; i++) accs[i] = unroll ? mem_dsr(p, accbuf, i * rn, 1, &rn, &one) : acc;
  if (!unroll) emit(p, OP_MOVI, 5, 0, 0, MAP_STREAM_ACCS);
  for (int r = 0; r < nrun; r++) {
    if (p->res && w > 1) {
      int wi = p->res->wnext++;
      p->res->words.v[wi] = (uint32_t)rows[r];
      emit(p, OP_LD, 4, 0, 0, res_word(p, wi));
    } else {
      emit(p, OP_MOVI, 4, 0, 0, (int32_t)rows[r]);
    }
    int skip_run = emit(p, OP_BEQZ, 4, 0, 0, 0);
    int top = p->code.n, jend[MAP_STREAM_ACCS], nend = 0;
    for (int i = 0; i < (unroll ? MAP_STREAM_ACCS : 1); i++) {
      int a = accs[i];
      emit(p, OP_WAXPY, a, win, tab, ISA_INIT);
      switch (kinds[r]) {
      case ROW_START: emit(p, OP_FMOV, fout, a, 0, ISA_ASYNC); break;
      case ROW_PASS: emit(p, OP_FADD, fout, a, fin, ISA_ASYNC); break;
      case ROW_OWN: emit(p, OP_FADD, yout, a, fin, ISA_ASYNC); break;
      case ROW_ALONE: emit(p, OP_FMOV, yout, a, 0, ISA_ASYNC); break;
      }
      if (kinds[r] == ROW_OWN || kinds[r] == ROW_ALONE) emit(p, OP_DINC, yout, 0, 0, 1); /* the async op took its copy */
      if (!unroll) {
        emit(p, OP_DINC, acc, 0, 0, (int32_t)rn);
        emit(p, OP_ADDI, 5, 5, 0, -1);
        int skip_wrap = emit(p, OP_BNEZ, 5, 0, 0, 0);
        emit(p, OP_MOVI, 5, 0, 0, MAP_STREAM_ACCS);
        emit(p, OP_DINC, acc, 0, 0, (int32_t)(-rn * MAP_STREAM_ACCS));
        p->code.v[skip_wrap].imm = p->code.n;
      }
      emit(p, OP_ADDI, 4, 4, 0, -1);
      if (unroll && i + 1 < MAP_STREAM_ACCS) jend[nend++] = emit(p, OP_BEQZ, 4, 0, 0, 0);
      else emit(p, OP_BNEZ, 4, 0, 0, top);
    }
    for (int i = 0; i < nend; i++) p->code.v[jend[i]].imm = p->code.n;
    p->code.v[skip_run].imm = p->code.n;
  }
  if (p->res) p->res->wnext += 5 - (w > 1 ? nrun : 0); /* every streamed matmul has five words */
  emit(p, OP_WAIT, 0, 0, 0, 0); /* the last rows' reductions, before the sends */
  if (p->res) { /* back where add_dsr knows them: the next ops may use them */
    if (!unroll && N % MAP_STREAM_ACCS) emit(p, OP_DINC, acc, 0, 0, (int32_t)(-rn * (N % MAP_STREAM_ACCS)));
    emit(p, OP_DINC, yout, 0, 0, (int32_t)-nn);
  }
}

/* The elementwise ops placed on host's cores (IrOp.host), in op order,
 * after host's body: each overwrites the tile, whose value only it uses;
 * its other operands are preloaded. */
static void lower_in_place(Prog *p, IrModule *m, IrOp *host, int cx, int cy, int tile) {
  for (int i = host->idx + 1; i < m->nops; i++) {
    IrOp *e = m->ops[i];
    if (e->host != host || e->kind == IR_INPUT) continue;
    int eb[2] = {-1, -1};
    for (int a = 0; a < e->nargs; a++) {
      Box nb;
      if (ir_cores_of(e->arg[a]) == host) eb[a] = tile;
      else if (map_need(e, a, cx, cy, &nb)) eb[a] = add_buf(p, BUF_PARAM, e->arg[a], &nb, e->arg[a]->dt);
      else die("lower: core (%d,%d) of %%%s needs nothing of operand %d", host->place.x + cx, host->place.y + cy, e->name, a);
    }
    lower_elementwise(p, e, tile, eb);
    p->buf.v[tile].val = e;
  }
}

/* The program p becomes core (x, y)'s, computing or holding op. */
static void keep_core(IrModule *m, Prog *p, int x, int y, IrOp *op) {
  IrCore *c = ir_add_core(m, x, y);
  c->op = op;
  c->nbuf = p->buf.n;
  c->buf = ARENA_NEW(&m->arena, IrBuf, p->buf.n);
  if (p->buf.n) memcpy(c->buf, p->buf.v, sizeof(IrBuf) * (size_t)p->buf.n);
  c->ndsr = p->dsr.n;
  c->dsr = ARENA_NEW(&m->arena, IrDsr, p->dsr.n);
  if (p->dsr.n) memcpy(c->dsr, p->dsr.v, sizeof(IrDsr) * (size_t)p->dsr.n);
  c->ntask = p->task.n;
  c->task = ARENA_NEW(&m->arena, IrTask, p->task.n);
  memcpy(c->task, p->task.v, sizeof(IrTask) * (size_t)p->task.n);
  c->ninsn = p->code.n;
  c->insn = ARENA_NEW(&m->arena, Insn, p->code.n);
  memcpy(c->insn, p->code.v, sizeof(Insn) * (size_t)p->code.n);
  c->code_bytes = 0;
  c->data_end = 0;
  VEC_FREE(p->buf);
  VEC_FREE(p->dsr);
  VEC_FREE(p->moved);
  VEC_FREE(p->task);
  VEC_FREE(p->code);
}

/* Lowers core (cx, cy) of op; returns the rank of a walk no DSR could
 * take (mem_dsr), else 0. */
static int lower_core(IrModule *m, IrOp *op, int cx, int cy, CoreNets *cn, bool share_recv) {
  int x = op->place.x + cx, y = op->place.y + cy;
  Prog p = {m, NULL, {0}, {0}, {0}, {0}, NULL, share_recv, {0}, 0};
  Box held = {0};
  bool holds = map_held(op, cx, cy, &held);

  /* Operand buffers (received or preloaded). */
  int opbuf[2] = {-1, -1};
  if (op->kind != IR_INPUT)
    for (int a = 0; a < op->nargs; a++) {
      Box nb;
      if (!map_need(op, a, cx, cy, &nb)) {
        if (op->kind == IR_CONCAT) continue; /* this core's tile lies in the other operand */
        if (op->stream && a == 1) continue;  /* the weights stream in from MemoryX */
        die("lower: core (%d,%d) of %%%s needs nothing", x, y, op->name);
      }
      if (a == 1 && map_shares_operand(op)) {
        opbuf[1] = opbuf[0]; /* the same value twice: one buffer (route sends it once) */
        continue;
      }
      if (ir_host_written(op)) continue; /* the host writes it into the tile */
      /* an input this op holds (op->arg[a]->host) is written here by the
       * host, and so is a host_rhs matmul's right operand */
      IrBufKind k = ir_is_preloaded(op->arg[a]) ? BUF_PARAM
                    : op->arg[a]->host == op   ? BUF_TILE
                    : a == 1 && op->host_rhs   ? BUF_INPUT
                                               : BUF_OPERAND;
      opbuf[a] = add_buf(&p, k, op->arg[a], &nb, op->arg[a]->dt);
    }

  /* Incoming nets of this op at this core (operands, not partial sums). */
  VEC(IrNet *) in = {0};
  VEC(int) in_arg = {0};
  IrNet *psum_in = NULL, *psum_out = NULL;
  Stream sn = {NULL, NULL, NULL};
  for (int i = 0; i < cn->in.n; i++) {
    IrNet *n = cn->in.v[i];
    if (n->kind == NET_INGRESS) {
      sn.weights = n;
      continue;
    }
    if (n->kind == NET_PSUM && op->stream) {
      sn.in = n;
      continue;
    }
    if (n->kind == NET_PSUM) {
      psum_in = n;
      continue;
    }
    for (int d = 0; d < n->ndst; d++)
      if (n->to[d].x == x && n->to[d].y == y) {
        if (n->to[d].op != op) die("lower: net %d feeds core (%d,%d) for another op", n->id, x, y);
        VEC_PUSH(in, n);
        VEC_PUSH(in_arg, n->to[d].argi);
      }
  }
  VEC(IrNet *) out = {0};
  for (int i = 0; i < cn->out.n; i++) {
    IrNet *n = cn->out.v[i];
    if (n->kind == NET_PSUM && op->stream) sn.out = n;
    else if (n->kind == NET_PSUM) psum_out = n;
    else VEC_PUSH(out, n);
  }

  int t_main = add_task(&p, TASK_MAIN, 0);
  int t_done = -1;
  if (in.n) t_done = add_task(&p, TASK_LOCAL, 0);

  /* MAIN starts the receives: one asynchronous FMOV per incoming net, in
   * net order (cn->in is sorted by id), each on a microthread of its own
   * until its last wavelet is in. With fewer microthreads than nets, the
   * next FMOV waits for a free one. In-order starts make this deadlock-
   * free for any number of microthreads: every core also sends in net
   * order, and a core's incoming nets all have smaller ids than its
   * outgoing ones (route numbers nets in op order), so the smallest
   * unfinished net always has its sender sending and every receiver
   * receiving (docs/mapping.md, "Receives and microthreads"). */
  p.task.v[t_main].pc = p.code.n;
  int jmp_body = -1;
  typedef struct Copy { int arg, stage; Box part; } Copy;
  VEC(Copy) copies = {0};
  /* Nets that bring more than this core needs are staged and the part it
   * needs copied out in the body. When the staged nets of one operand tile
   * a box exactly (disjoint, no holes), they share one stage buffer and
   * one copy: two DSRs a net instead of four. */
  int shared[2] = {-1, -1};
  for (int a = 0; a < op->nargs && op->kind != IR_INPUT; a++) {
    if (opbuf[a] < 0 || (a == 1 && map_shares_operand(op))) continue;
    ViewMap vm;
    const IrOp *root = map_root(op->arg[a], &vm);
    int r = root->shape.rank;
    Box need = map_view_box(&vm, &p.buf.v[opbuf[a]].box), part, u = {0};
    int nst = 0;
    int64_t sum = 0;
    bool disjoint = true;
    for (int i = 0; i < in.n; i++) {
      IrNet *n = in.v[i];
      if (in_arg.v[i] != a || !box_intersect(&need, &n->box, r, &part) || box_eq(&part, &n->box, r)) continue;
      for (int j = 0; j < i && disjoint; j++) {
        Box ov, pj;
        if (in_arg.v[j] == a && box_intersect(&need, &in.v[j]->box, r, &pj) && !box_eq(&pj, &in.v[j]->box, r))
          disjoint = !box_intersect(&in.v[j]->box, &n->box, r, &ov);
      }
      u = nst++ ? box_union(&u, &n->box, r) : n->box;
      sum += box_count(&n->box, r);
    }
    if (nst >= 2 && disjoint && sum == box_count(&u, r) && box_intersect(&need, &u, r, &part)) {
      shared[a] = add_buf(&p, BUF_STAGE, (IrOp *)root, &u, root->dt);
      Copy c = {a, shared[a], part};
      VEC_PUSH(copies, c);
    }
  }
  VEC(int) rdsr = {0};     /* share_recv: the receive DSRs that move, and where each is now */
  VEC(int64_t) roff = {0};
  for (int i = 0; i < in.n; i++) {
    IrNet *n = in.v[i];
    if (i && n->id <= in.v[i - 1]->id) die("lower: core (%d,%d) receives net %d after net %d", x, y, n->id, in.v[i - 1]->id);
    int a = in_arg.v[i];
    ViewMap vm;
    const IrOp *root = map_root(op->arg[a], &vm);
    Box need = map_view_box(&vm, &p.buf.v[opbuf[a]].box), part;
    int dst;
    if (!box_intersect(&need, &n->box, root->shape.rank, &part)) die("lower: net %d brings nothing to (%d,%d)", n->id, x, y);
    if (box_eq(&part, &n->box, root->shape.rank) && view_folds(&p, opbuf[a], op->arg[a], &n->box)) {
      dst = view_dsr(&p, opbuf[a], op->arg[a], &n->box);
    } else if (shared[a] >= 0) { /* into the shared stage buffer */
      dst = sub_dsr(&p, shared[a], &n->box);
    } else { /* more than this core needs: stage it, copy the part out in the body */
      int st = add_buf(&p, BUF_STAGE, (IrOp *)root, &n->box, root->dt);
      dst = sub_dsr(&p, st, &n->box);
      Copy c = {a, st, part};
      VEC_PUSH(copies, c);
    }
    if (p.share_recv && dst == p.dsr.n - 1) { /* a new DSR: one of the same shape in the same buffer moves instead */
      IrDsr nd = p.dsr.v[dst];
      for (int k = 0; k < rdsr.n; k++) {
        IrDsr od = p.dsr.v[rdsr.v[k]];
        od.off = nd.off;
        if (memcmp(&od, &nd, sizeof od) != 0) continue;
        p.dsr.n--; /* the new one is not needed */
        emit(&p, OP_DINC, rdsr.v[k], 0, 0, (int32_t)(nd.off - roff.v[k]));
        roff.v[k] = nd.off;
        dst = rdsr.v[k];
        break;
      }
      if (dst == p.dsr.n - 1) {
        VEC_PUSH(rdsr, dst);
        VEC_PUSH(roff, nd.off);
        mark_moved(&p, dst);
      }
    }
    int src = fab_dsr(&p, DSR_FABIN, n->dt, n->color, box_count(&n->box, n->src->shape.rank));
    emit(&p, OP_FMOV, dst, src, 0, ISA_ASYNC | ISA_ACTIVATE | (t_done << 8));
  }
  VEC_FREE(rdsr);
  VEC_FREE(roff);
  if (in.n) emit(&p, OP_TERM, 0, 0, 0, 0);
  /* LOCAL done-counter task */
  if (in.n) {
    p.task.v[t_done].pc = p.code.n;
    emit(&p, OP_ADDI, 1, 1, 0, 1);
    emit(&p, OP_MOVI, 2, 0, 0, in.n);
    emit(&p, OP_SEQ, 3, 1, 2, 0);
    jmp_body = emit(&p, OP_BNEZ, 3, 0, 0, 0);
    emit(&p, OP_TERM, 0, 0, 0, 0);
  }
  int body = p.code.n;
  if (jmp_body >= 0) p.code.v[jmp_body].imm = body;
  for (int i = 0; i < copies.n; i++) {
    const Copy *c = &copies.v[i];
    int r = p.buf.v[c->stage].val->shape.rank;
    if (r > 4) { /* walked together (emit_walk): a view's walk of rank 5 or 6 may not fold into one DSR */
      const IrBuf *sb = &p.buf.v[c->stage];
      int64_t wst[2][IR_MAXRANK], woff[2];
      int wbuf[2] = {opbuf[c->arg], c->stage};
      woff[0] = view_walk(&p, opbuf[c->arg], op->arg[c->arg], &c->part, wst[0]);
      dense_strides(&sb->box, r, wst[1]);
      woff[1] = 0;
      for (int k = 0; k < r; k++) woff[1] += (c->part.lo[k] - sb->box.lo[k]) * wst[1][k];
      emit_walk(&p, OP_FMOV, 2, wbuf, woff, r, c->part.n, (const int64_t(*)[IR_MAXRANK])wst, 0);
      continue;
    }
    int src = sub_dsr(&p, c->stage, &c->part); /* the source's DSR first: the order DSRs are numbered in */
    emit(&p, OP_FMOV, view_dsr(&p, opbuf[c->arg], op->arg[c->arg], &c->part), src, 0, 0);
  }
  VEC_FREE(copies);

  int tile = -1;
  if (op->kind == IR_INPUT) {
    tile = add_buf(&p, BUF_TILE, op, &held, op->dt);
  } else if (op->stream) {
    tile = add_buf(&p, BUF_TILE, op, &held, op->dt);
    lower_stream(&p, op, cx, tile, opbuf[0], &sn);
  } else if (op->kind == IR_MATMUL) {
    int r = op->shape.rank;
    int64_t k0, kn, n0, nn, M = op->shape.d[r - 2], nb = map_batch(&op->shape);
    map_matmul_chunks(op, cx, cy, &k0, &kn, &n0, &nn);
    Box accb;
    map_matmul_acc(op, cx, &accb);
    bool bottom = cy == op->place.h - 1;
    int acc = add_buf(&p, bottom && op->dt == DT_F32 ? BUF_TILE : BUF_ACC, op, &accb, DT_F32);
    /* acc[b, m, n] += A[b, m, k] * B[b, k, n]: one FMAC per batch element
     * of the outer batch axes, each walking [inner batch, M, nn, kn]; a
     * broadcast batch axis of A or B has stride 0. */
    const Shape *as = &op->arg[0]->shape, *bs = &op->arg[1]->shape;
    int64_t inner = r > 2 ? op->shape.d[r - 3] : 1;
    int64_t sA[IR_MAXRANK] = {0}, sB[IR_MAXRANK] = {0}; /* per output batch axis: element stride in A / B */
    int64_t ma = M * kn, mb = kn * nn; /* element counts of one batch slab of A and of B */
    for (int k = r - 3, ia = as->rank - 3, ib = bs->rank - 3; k >= 0; k--, ia--, ib--) {
      if (ia >= 0) {
        sA[k] = as->d[ia] == 1 ? 0 : ma;
        ma *= as->d[ia];
      }
      if (ib >= 0) {
        sB[k] = bs->d[ib] == 1 ? 0 : mb;
        mb *= bs->d[ib];
      }
    }
    /* the accumulator starts at zero (its bytes may have held a stage
     * buffer: passes/alloc.c) */
    int64_t accn = nb * M * nn, one1 = 1;
    emit(&p, OP_FFILL, mem_dsr(&p, acc, 0, 1, &accn, &one1), 0, 0, 0);
    int64_t d4[4] = {inner, M, nn, kn};
    int64_t sacc[4] = {M * nn, nn, 1, 0}, sa[4] = {r > 2 ? sA[r - 3] : 0, kn, 0, 1}, sb[4] = {r > 2 ? sB[r - 3] : 0, 0, 1, nn};
    for (int64_t o = 0; o < nb / inner; o++) {
      /* the outer batch index o: axes 0 .. r-4 in C order */
      int64_t offA = 0, offB = 0;
      for (int64_t k = r - 4, q = o; k >= 0; k--) {
        offA += q % op->shape.d[k] * sA[k];
        offB += q % op->shape.d[k] * sB[k];
        q /= op->shape.d[k];
      }
      int nd = r > 2 ? 4 : 3, k0d = 4 - nd; /* 2-D: a plain [M, nn, kn] walk */
      int da = mem_dsr(&p, acc, o * inner * M * nn, nd, d4 + k0d, sacc + k0d);
      int dA = mem_dsr(&p, opbuf[0], offA, nd, d4 + k0d, sa + k0d);
      int dB = mem_dsr(&p, opbuf[1], offB, nd, d4 + k0d, sb + k0d);
      emit(&p, OP_FMAC, da, dA, dB, 0);
    }
    int64_t d2[2] = {nb * M, nn}, s2[2] = {nn, 1};
    M *= nb; /* the partial sums below cover every batch element */
    int acc2 = mem_dsr(&p, acc, 0, 2, d2, s2);
    chain_partials(&p, OP_FADD, acc2, psum_in, psum_out, M * nn); /* down the column */
    if (bottom) {
      if (op->dt == DT_F32) {
        tile = acc;
      } else {
        tile = add_buf(&p, BUF_TILE, op, &accb, op->dt);
        int t2 = mem_dsr(&p, tile, 0, 2, d2, s2);
        emit(&p, OP_FMOV, t2, acc2, 0, 0);
      }
    }
  } else if (ir_host_written(op)) {
    tile = add_buf(&p, BUF_TILE, op, &held, op->dt); /* the input's run of C order, or its permuted box, written by the host */
  } else if (op->kind == IR_TRANSPOSE || op->kind == IR_SLICE || op->kind == IR_CONCAT || op->kind == IR_RESHAPE) {
    tile = add_buf(&p, BUF_TILE, op, &held, op->dt);
    lower_move(&p, op, tile, opbuf);
  } else if (map_batch_reduce(op)) {
    tile = lower_batch_reduce(&p, op, opbuf[0], &held);
  } else if (ir_is_reduction(op)) {
    tile = lower_reduction(&p, op, cx, cy, opbuf[0], psum_in, psum_out);
  } else {
    tile = add_buf(&p, BUF_TILE, op, &held, op->dt);
    lower_elementwise(&p, op, tile, opbuf);
  }
  if (tile >= 0 && op->kind != IR_INPUT) lower_in_place(&p, m, op, cx, cy, tile);
  /* Sends of this core's tile. */
  for (int i = 0; i < out.n; i++) {
    IrNet *n = out.v[i];
    if (tile < 0 || !holds) die("lower: core (%d,%d) sends net %d but holds no tile", x, y, n->id);
    int src = sub_dsr(&p, tile, &n->box);
    int dst = fab_dsr(&p, DSR_FABOUT, n->dt, n->color, box_count(&n->box, op->shape.rank));
    emit(&p, OP_FMOV, dst, src, 0, ISA_ASYNC);
  }
  emit(&p, OP_TERM, 0, 0, 0, 0);

  keep_core(m, &p, x, y, op);
  VEC_FREE(in);
  VEC_FREE(in_arg);
  VEC_FREE(out);
  return p.deep;
}

/* ---- the resident layout (IrModule.resident) ----
 *
 * One program per core of the region runs every op of the model in op
 * order, each on the core's tiles (map_resident_box):
 *   input        the host writes the tile before the run
 *   matmul       lower_stream: the layer's weights come down the column's
 *                ingress net, its partial sums go round the row's ring
 *   elementwise  one tensor instruction on the tiles (a row statistic
 *                [M, 1] is broadcast with stride 0)
 *   reduction    the tile's rows reduced into f32 partials, then round the
 *                ring twice (lower_res_reduce)
 * Every buffer gets its bytes when its op is lowered and gives them back
 * after its value's last use (inputs and params are written before the
 * run, so they hold theirs from the start; outputs to the end). */

/* A row reduction of the resident layout: partials of this core's tile,
 * then - across the w columns of the row - summed (or maxed) along the
 * ring from column 0 to column w-1, which finishes (mean: divides) and
 * sends the result on round the ring, each column keeping it and passing
 * it on, until column w-2 has it. Every core holds the result [rows, 1].
 * The roles are branches on flags the program loaded from its words at
 * the start (r8: the first column, r9: the last, r10: left of column w-2),
 * so that every core of the row runs the same code:
 *        BEQZ r8, A ; FMOV out, acc ; JMP C      the first column starts
 *     A: BNEZ r9, B ; FADD out, acc, in ; JMP C  the middle ones pass on
 *     B: FADD acc, acc, in                      the last one finishes
 *     C: (mean: BEQZ r9, D ; FDIV acc, acc, n)
 *     D: BEQZ r9, E ; FMOV out, acc ; JMP F     the last one sends it round
 *     E: FMOV acc, in ; BEQZ r10, F ; FMOV out, acc
 *     F: */
static int lower_res_reduce(Prog *p, IrOp *op, int w, int in, const Stream *sn) {
  const IrBuf *ib = &p->buf.v[in];
  int64_t rn = ib->box.n[0], ct = ib->box.n[1], one = 1;
  Box rb = {{ib->box.lo[0], 0}, {rn, 1}};
  int acc = add_buf(p, op->dt == DT_F32 ? BUF_TILE : BUF_ACC, op, &rb, DT_F32);
  int op_red, dacc = red_start(p, op, acc, rn, &op_red);
  int64_t d2[2] = {rn, ct}, sacc[2] = {1, 0}, sin[2] = {ct, 1};
  int dacc2 = mem_dsr(p, acc, 0, 2, d2, sacc);
  emit(p, op_red, dacc2, dacc2, mem_dsr(p, in, 0, 2, d2, sin), 0);
  int fin = -1, fout = -1;
  if (w > 1) {
    if (!sn->in || !sn->out) die("lower: a core of the resident region lacks its ring");
    fin = fab_dsr(p, DSR_FABIN, DT_F32, sn->in->color, rn);
    fout = fab_dsr(p, DSR_FABOUT, DT_F32, sn->out->color, rn);
    int ja = emit(p, OP_BEQZ, 8, 0, 0, 0);
    emit(p, OP_FMOV, fout, dacc, 0, 0);
    int jc1 = emit(p, OP_JMP, 0, 0, 0, 0);
    p->code.v[ja].imm = p->code.n;
    int jb = emit(p, OP_BNEZ, 9, 0, 0, 0);
    emit(p, op_red, fout, dacc, fin, 0);
    int jc2 = emit(p, OP_JMP, 0, 0, 0, 0);
    p->code.v[jb].imm = p->code.n;
    emit(p, op_red, dacc, dacc, fin, 0);
    p->code.v[jc1].imm = p->code.v[jc2].imm = p->code.n;
  }
  if (op->kind == IR_MEAN) {
    int jd = w > 1 ? emit(p, OP_BEQZ, 9, 0, 0, 0) : -1;
    red_mean(p, op, dacc, rn, op->arg[0]->shape.d[1]);
    if (jd >= 0) p->code.v[jd].imm = p->code.n;
  }
  if (w > 1) { /* the result round the ring */
    int je = emit(p, OP_BEQZ, 9, 0, 0, 0);
    emit(p, OP_FMOV, fout, dacc, 0, 0);
    int jf1 = emit(p, OP_JMP, 0, 0, 0, 0);
    p->code.v[je].imm = p->code.n;
    emit(p, OP_FMOV, dacc, fin, 0, 0);
    int jf2 = emit(p, OP_BEQZ, 10, 0, 0, 0);
    emit(p, OP_FMOV, fout, dacc, 0, 0);
    p->code.v[jf1].imm = p->code.v[jf2].imm = p->code.n;
  }
  if (op->dt == DT_F32) return acc;
  int tile = add_buf(p, BUF_TILE, op, &rb, op->dt);
  emit(p, OP_FMOV, mem_dsr(p, tile, 0, 1, &rn, &one), dacc, 0, 0);
  return tile;
}

/* The box of preloaded operand a of elementwise op that a core with tile
 * tb (of op's value) needs: tb broadcast into the operand's shape. */
static Box res_param_box(const IrOp *op, int a, const Box *tb) {
  const Shape *s = &op->arg[a]->shape;
  Box b = {0};
  for (int k = 0; k < s->rank; k++) {
    int j = k + op->shape.rank - s->rank;
    if (s->d[k] == 1) b.n[k] = 1;
    else b.lo[k] = tb->lo[j], b.n[k] = tb->n[j];
  }
  return b;
}

/* The buffer of preloaded value v's box b on this core: written before the
 * run, so live through all of it; one per (value, box). */
static int res_param_buf(Prog *p, IrOp *v, const Box *b) {
  for (int i = 0; i < p->buf.n; i++)
    if (p->buf.v[i].kind == BUF_PARAM && p->buf.v[i].val == v && box_eq(&p->buf.v[i].box, b, v->shape.rank)) return i;
  int bi = add_buf(p, BUF_PARAM, v, b, v->dt);
  p->buf.v[bi].live_from = 0;
  p->buf.v[bi].live_to = INT_MAX;
  return bi;
}

/* At most this many streamed matmuls in a resident program for lower_stream
 * to unroll its loops (the 90 % sparse 1024 layer: 118,299 cycles rolled,
 * about 3 % fewer unrolled). */
#define RES_UNROLL_MAX 4

/* Lowers core (cx, cy) of the region; returns the first op with a walk no
 * DSR could take (mem_dsr, p.deep), else NULL. */
static const IrOp *lower_resident(IrModule *m, const int *last, const IrOp *anchor, int cx, int cy, CoreNets *cn) {
  const Rect *r = &anchor->place;
  int x = r->x + cx, y = r->y + cy, w = r->w, h = r->h;
  Res res = {0};
  Prog p = {m, NULL, {0}, {0}, {0}, {0}, &res, false, {0}, 0};
  Stream sn = {NULL, NULL, NULL};
  for (int i = 0; i < cn->in.n; i++) {
    if (cn->in.v[i]->kind == NET_INGRESS) sn.weights = cn->in.v[i];
    if (cn->in.v[i]->kind == NET_PSUM) sn.in = cn->in.v[i];
  }
  for (int i = 0; i < cn->out.n; i++)
    if (cn->out.v[i]->kind == NET_PSUM) sn.out = cn->out.v[i];
  int *vb = xmalloc(sizeof(int) * ((size_t)m->nops + 1));
  for (int i = 0; i < m->nops; i++) vb[i] = -1;
  const IrOp *deep = NULL;
  /* first what the host writes before the run: params and inputs */
  res.op = 0;
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed) continue;
    Box tb;
    map_resident_box(op, w, h, cx, cy, &tb);
    if (op->kind == IR_INPUT) {
      vb[i] = add_buf(&p, BUF_TILE, op, &tb, op->dt);
      p.buf.v[vb[i]].live_from = 0;
      p.buf.v[vb[i]].live_to = last[i];
    } else if (ir_is_elementwise(op)) {
      for (int a = 0; a < op->nargs; a++)
        if (ir_is_preloaded(op->arg[a])) {
          Box pb = res_param_box(op, a, &tb);
          res_param_buf(&p, op->arg[a], &pb);
        }
    }
  }
  /* the core's constants: its roles on the ring, then five run lengths
   * per streamed matmul (lower_stream) */
  int nwords = 3, nstream = 0;
  for (int i = 0; i < m->nops; i++) nstream += m->ops[i]->stream;
  nwords += 5 * nstream;
  /* unrolled, a streamed matmul's five runs take about 1.7 KB of code */
  res.unroll = nstream <= RES_UNROLL_MAX;
  Box wb = {{0, 0}, {1, nwords}};
  res.wbuf = add_buf(&p, BUF_WORDS, (IrOp *)anchor, &wb, DT_F32);
  p.buf.v[res.wbuf].live_to = INT_MAX;
  for (int i = 0; i < nwords; i++) VEC_PUSH(res.words, 0);
  res.words.v[0] = cx == 0;
  res.words.v[1] = cx == w - 1;
  res.words.v[2] = cx < w - 2;
  res.wnext = 3;
  int t_main = add_task(&p, TASK_MAIN, 0);
  p.task.v[t_main].pc = 0;
  for (int k = 0; k < 3; k++) emit(&p, OP_LD, 8 + k, 0, 0, res_word(&p, k));
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed || op->kind == IR_INPUT) continue;
    res.op = i;
    for (int d = 0; d < res.pinned.n; d++) res.pinned.v[d] = false;
    Box tb;
    map_resident_box(op, w, h, cx, cy, &tb);
    if (op->stream) {
      vb[i] = add_buf(&p, BUF_TILE, op, &tb, op->dt);
      lower_stream(&p, op, cx, vb[i], vb[op->arg[0]->idx], &sn);
    } else if (ir_is_reduction(op)) {
      vb[i] = lower_res_reduce(&p, op, w, vb[op->arg[0]->idx], &sn);
    } else {
      int ob[2] = {-1, -1};
      for (int a = 0; a < op->nargs; a++) {
        if (ir_is_preloaded(op->arg[a])) {
          Box pb = res_param_box(op, a, &tb);
          ob[a] = res_param_buf(&p, op->arg[a], &pb);
        } else {
          ob[a] = vb[op->arg[a]->idx];
        }
        if (ob[a] < 0) die("lower: operand %d of %%%s has no buffer on core (%d,%d)", a, op->name, x, y);
      }
      vb[i] = add_buf(&p, BUF_TILE, op, &tb, op->dt);
      lower_elementwise(&p, op, vb[i], ob);
    }
    p.buf.v[vb[i]].live_to = last[i];
    if (p.deep && !deep) deep = op;
    /* the bytes of the values whose last use this was come free */
    int keep = 0;
    for (int k = 0; k < res.live.n; k++)
      if (p.buf.v[res.live.v[k]].live_to > i) res.live.v[keep++] = res.live.v[k];
    res.live.n = keep;
  }
  emit(&p, OP_TERM, 0, 0, 0, 0);
  if (res.wnext != nwords) die("lower: %d of %d words filled on core (%d,%d)", res.wnext, nwords, x, y);
  uint32_t *words = ARENA_NEW(&m->arena, uint32_t, nwords);
  memcpy(words, res.words.v, sizeof(uint32_t) * (size_t)nwords);
  p.buf.v[res.wbuf].words = words;
  keep_core(m, &p, x, y, (IrOp *)anchor);
  VEC_FREE(res.words);
  VEC_FREE(res.live);
  VEC_FREE(res.at);
  VEC_FREE(res.pinned);
  free(vb);
  return deep;
}

static int cmp_core(const void *a, const void *b) {
  const IrCore *p = *(IrCore *const *)a, *q = *(IrCore *const *)b;
  if (p->y != q->y) return p->y < q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

bool pass_lower(IrModule *m, const Target *t) {
  m->ncores = 0;
  const IrOp *deep_op = NULL; /* the first op with a walk no DSR could take */
  int deep_rank = 0;
  /* Index nets by core: a dense array over the bounding box of all rects. */
  int W = 0, H = 0;
  for (int i = 0; i < m->nops; i++)
    if (m->ops[i]->placed) {
      const Rect *r = &m->ops[i]->place;
      if (r->x + r->w > W) W = r->x + r->w;
      if (r->y + r->h > H) H = r->y + r->h;
    }
  CoreNets *idx = xcalloc((size_t)W * (size_t)H + 1, sizeof(CoreNets));
  for (int i = 0; i < m->nnets; i++) {
    IrNet *n = m->nets[i];
    if (n->kind != NET_INGRESS) /* MemoryX sends it, not the core at its entry */
      VEC_PUSH(idx[(size_t)n->from.y * (size_t)W + (size_t)n->from.x].out, n);
    for (int d = 0; d < n->ndst; d++) {
      CoreNets *cn = &idx[(size_t)n->to[d].y * (size_t)W + (size_t)n->to[d].x];
      if (cn->in.n && cn->in.v[cn->in.n - 1] == n) continue; /* one core listed twice: once is enough */
      VEC_PUSH(cn->in, n);
    }
  }
  if (m->resident) {
    /* the index of each value's last use (INT_MAX: an output's, kept to the end) */
    int *last = map_last_uses(m);
    const IrOp *anchor = NULL;
    for (int i = 0; i < m->nops && !anchor; i++)
      if (m->ops[i]->placed) anchor = m->ops[i];
    for (int cy = 0; cy < anchor->place.h; cy++)
      for (int cx = 0; cx < anchor->place.w; cx++) {
        const IrOp *d = lower_resident(m, last, anchor, cx, cy, &idx[(size_t)(anchor->place.y + cy) * (size_t)W + (size_t)(anchor->place.x + cx)]);
        if (d && !deep_op) deep_op = d;
      }
    free(last);
  }
  for (int i = 0; i < m->nops && !m->resident; i++) {
    IrOp *op = m->ops[i];
    if (!op->placed || op->host) continue; /* an op in place on its host's cores is lowered with it */
    for (int cy = 0; cy < op->place.h; cy++)
      for (int cx = 0; cx < op->place.w; cx++) {
        CoreNets *cn = &idx[(size_t)(op->place.y + cy) * (size_t)W + (size_t)(op->place.x + cx)];
        int d = lower_core(m, op, cx, cy, cn, false);
        /* over the target's DSRs (a core receiving many streams: two DSRs
         * each)? Again, with receives of one shape sharing a DSR */
        if (m->cores[m->ncores - 1]->ndsr > (int)t->dsrs) {
          m->ncores--;
          d = lower_core(m, op, cx, cy, cn, true);
        }
        if (d && !deep_op) {
          deep_op = op;
          deep_rank = d;
        }
      }
  }
  for (size_t i = 0; i < (size_t)W * (size_t)H; i++) {
    VEC_FREE(idx[i].in);
    VEC_FREE(idx[i].out);
  }
  free(idx);
  if (m->ncores) qsort(m->cores, (size_t)m->ncores, sizeof(IrCore *), cmp_core);
  if (deep_op) {
    /* a tile of rank 5 or 6 whose axes do not fold into the 4 dims of a DSR
     * in a send, a receive or a reduction (elementwise ops and copies loop instead) */
    diag_error(&deep_op->loc,
               "%s: a core would walk a part of a rank-%d value whose axes do not fold into the 4 dims a DSR has "
               "(docs/isa.md); reshape it to rank 4 or less, merging neighbouring axes, or make unit axes of the ones "
               "not needed",
               ir_ops[deep_op->kind].name, deep_rank ? deep_rank : deep_op->shape.rank);
    return false;
  }
  return true;
}
