/* ir/parse.c: the .wir reader - a hand-written recursive-descent parser for
 * exactly what ir/print.c writes (docs/ir.md has the grammar). Errors are
 * reported at the offending token with what was expected. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"

typedef struct P {
  const char *file, *s;
  size_t i;
  int line, col;
  IrModule *m;
  jmp_buf fail;
} P;

static void perr(P *p, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void perr(P *p, const char *fmt, ...) {
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  SrcLoc l = {p->file, p->line, p->col, p->col + 1};
  diag_error(&l, "%s", msg);
  longjmp(p->fail, 1);
}

static void adv(P *p) {
  if (p->s[p->i] == '\n') {
    p->line++;
    p->col = 1;
  } else {
    p->col++;
  }
  p->i++;
}

static void ws(P *p) {
  for (;;) {
    char c = p->s[p->i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') adv(p);
    else if (c == '/' && p->s[p->i + 1] == '/') {
      while (p->s[p->i] && p->s[p->i] != '\n') adv(p);
    } else break;
  }
}

static bool peek(P *p, char c) {
  ws(p);
  return p->s[p->i] == c;
}
static bool accept(P *p, char c) {
  if (!peek(p, c)) return false;
  adv(p);
  return true;
}
static void expect(P *p, char c, const char *what) {
  if (!accept(p, c)) perr(p, "expected '%c' %s", c, what);
}

static const char *word(P *p) {
  ws(p);
  size_t st = p->i;
  while (isalnum((unsigned char)p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '$') adv(p);
  if (st == p->i) perr(p, "expected a word");
  return arena_strndup(&p->m->arena, p->s + st, p->i - st);
}
static bool kw(P *p, const char *k) {
  ws(p);
  size_t n = strlen(k);
  if (strncmp(p->s + p->i, k, n) != 0 || isalnum((unsigned char)p->s[p->i + n]) || p->s[p->i + n] == '_') return false;
  for (size_t j = 0; j < n; j++) adv(p);
  return true;
}
static void expect_kw(P *p, const char *k) {
  if (!kw(p, k)) perr(p, "expected '%s'", k);
}

static int64_t integer(P *p) {
  ws(p);
  const char *st = p->s + p->i;
  char *end;
  errno = 0;
  long long v;
  if (st[0] == '0' && st[1] == 'x' && isxdigit((unsigned char)st[2])) v = strtoll(st + 2, &end, 16);
  else v = strtoll(st, &end, 10);
  if (end == st || errno) perr(p, "expected a whole number");
  while (p->s + p->i < end) adv(p);
  return v;
}
static int64_t decimal(P *p) {
  ws(p);
  const char *st = p->s + p->i;
  char *end;
  errno = 0;
  long long v = strtoll(st, &end, 10);
  if (end == st || errno) perr(p, "expected a whole number");
  while (p->s + p->i < end) adv(p);
  return v;
}

static double real(P *p) {
  ws(p);
  const char *st = p->s + p->i;
  char *end;
  double v = strtod(st, &end);
  if (end == st) perr(p, "expected a number");
  while (p->s + p->i < end) adv(p);
  return v;
}

static const char *string(P *p) {
  ws(p);
  if (p->s[p->i] != '"') perr(p, "expected a string");
  adv(p);
  Buf b = {0};
  while (p->s[p->i] && p->s[p->i] != '"' && p->s[p->i] != '\n') {
    char c = p->s[p->i];
    if (c == '\\') {
      adv(p);
      c = p->s[p->i];
      if (c == 'x') {
        char h[3] = {p->s[p->i + 1], p->s[p->i + 2], 0};
        adv(p);
        adv(p);
        c = (char)strtol(h, NULL, 16);
      }
    }
    buf_u8(&b, (uint8_t)c);
    adv(p);
  }
  if (p->s[p->i] != '"') {
    buf_free(&b);
    perr(p, "unterminated string");
  }
  adv(p);
  char *r = arena_strndup(&p->m->arena, b.len ? (const char *)b.data : "", b.len);
  buf_free(&b);
  return r;
}

static IrOp *value(P *p) {
  expect(p, '%', "before a value name");
  size_t st = p->i;
  int col = p->col;
  while (isalnum((unsigned char)p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '$') adv(p);
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)(p->i - st), p->s + st);
  IrOp *op = ir_find_op(p->m, name);
  if (!op) {
    p->col = col;
    perr(p, "unknown value '%%%s'", name);
  }
  return op;
}

static DType dtype(P *p) {
  const char *w = word(p);
  DType t;
  if (ir_dtype_parse(w, &t)) return t;
  perr(p, "unknown dtype '%s'", w);
}

static int ints(P *p, int64_t *v, int max) {
  expect(p, '[', "to open a list");
  int n = 0;
  if (accept(p, ']')) return 0;
  do {
    if (n >= max) perr(p, "too many entries (at most %d)", max);
    v[n++] = integer(p);
  } while (accept(p, ','));
  expect(p, ']', "to close a list");
  return n;
}

static void type(P *p, IrOp *op) {
  op->dt = dtype(p);
  op->shape.rank = ints(p, op->shape.d, IR_MAXRANK);
  op->typed = true;
}

static int box(P *p, Box *b) {
  expect(p, '[', "to open a box");
  int n = 0;
  memset(b, 0, sizeof *b);
  if (accept(p, ']')) return 0;
  do {
    if (n >= IR_MAXRANK) perr(p, "box of too many dimensions");
    b->lo[n] = integer(p);
    expect(p, ':', "in a box range");
    b->n[n] = integer(p) - b->lo[n];
    n++;
  } while (accept(p, ','));
  expect(p, ']', "to close a box");
  return n;
}

static IrCoord coord(P *p) {
  IrCoord c;
  expect(p, '(', "before a core coordinate");
  c.x = (int)integer(p);
  expect(p, ',', "in a core coordinate");
  c.y = (int)integer(p);
  expect(p, ')', "after a core coordinate");
  return c;
}

static int port(P *p, char c) {
  for (int i = 0; i < PORT__COUNT; i++)
    if (isa_port_names[i] == c) return i;
  perr(p, "'%c' is not a port (R, N, E, S, W)", c);
}

static void loc(P *p, IrOp *op) {
  if (!kw(p, "loc")) return;
  expect(p, '(', "after loc");
  op->loc.file = string(p);
  expect(p, ':', "in loc");
  op->loc.line = (int)integer(p);
  expect(p, ':', "in loc");
  op->loc.col = (int)integer(p);
  expect(p, '-', "in loc");
  op->loc.end_col = (int)integer(p);
  expect(p, ')', "to close loc");
}

static IrOpKind op_kind(P *p, const char *w) {
  for (int k = 0; k < IR__COUNT; k++)
    if (!strcmp(ir_ops[k].name, w)) return (IrOpKind)k;
  perr(p, "unknown op '%s'", w);
}

static void parse_op(P *p) {
  if (kw(p, "output")) {
    const char *name = string(p);
    IrOp *op = ir_add_op(p->m, IR_OUTPUT, name);
    expect(p, '=', "after the output name");
    op->arg[0] = value(p);
    if (accept(p, ':')) type(p, op);
    loc(p, op);
    return;
  }
  expect(p, '%', "to start an op");
  const char *name = word(p);
  if (ir_find_op(p->m, name)) perr(p, "redefinition of '%%%s'", name);
  expect(p, '=', "after the value name");
  IrOpKind k = op_kind(p, word(p));
  IrOp *op = ir_add_op(p->m, k, name);
  if (k == IR_INPUT || k == IR_PARAM) string(p);
  if (k == IR_CONST) {
    op->init = INIT_FULL;
    op->fill = real(p);
  }
  for (int a = 0; a < op->nargs; a++) {
    if (a) expect(p, ',', "between operands");
    op->arg[a] = value(p);
  }
  if (k == IR_CAST) {
    expect_kw(p, "to");
    op->dt = dtype(p);
  }
  if (ir_is_reduction(op)) {
    expect_kw(p, "axis");
    op->axis = (int)decimal(p);
    op->keepdims = kw(p, "keepdims");
  }
  if (k == IR_CONCAT || k == IR_SLICE) {
    expect_kw(p, "axis");
    op->axis = (int)integer(p);
  }
  if (k == IR_TRANSPOSE) {
    /* perm [..] for rank 3 and 4; otherwise the axes reversed */
    int r = op->arg[0]->shape.rank;
    for (int j = 0; j < IR_MAXRANK; j++) op->perm[j] = (int8_t)(j < r ? r - 1 - j : j);
    if (kw(p, "perm")) {
      expect(p, '[', "before the permutation");
      for (int j = 0; j < r; j++) {
        if (j) expect(p, ',', "between axes");
        op->perm[j] = (int8_t)decimal(p);
      }
      expect(p, ']', "after the permutation");
    }
  }
  if (k == IR_SLICE) {
    expect(p, '[', "before the slice range");
    op->start = integer(p);
    expect(p, ':', "in the slice range");
    op->end = integer(p);
    expect(p, ']', "after the slice range");
  }
  if (accept(p, ':')) type(p, op);
  if (k == IR_PARAM && accept(p, '=')) {
    const char *f = word(p);
    expect(p, '(', "after the initialiser");
    if (!strcmp(f, "load")) {
      op->init = INIT_LOAD;
      op->path = string(p);
    } else if (!strcmp(f, "zeros")) op->init = INIT_ZEROS;
    else if (!strcmp(f, "ones")) op->init = INIT_ONES;
    else if (!strcmp(f, "full")) {
      op->init = INIT_FULL;
      op->fill = real(p);
    } else if (!strcmp(f, "randn")) {
      op->init = INIT_RANDN;
      expect_kw(p, "seed");
      expect(p, '=', "after seed");
      op->seed = (uint64_t)integer(p);
      expect(p, ',', "between randn arguments");
      expect_kw(p, "std");
      expect(p, '=', "after std");
      op->std = real(p);
    } else perr(p, "unknown initialiser '%s'", f);
    expect(p, ')', "to close the initialiser");
  }
  if (kw(p, "place")) {
    expect(p, '[', "to open a rectangle");
    op->placed = true;
    op->place.x = (int)integer(p);
    expect(p, ',', "in a rectangle");
    op->place.y = (int)integer(p);
    op->place.w = (int)decimal(p);
    expect(p, 'x', "in a rectangle");
    op->place.h = (int)integer(p);
    expect(p, ']', "to close a rectangle");
    expect_kw(p, "tile");
    ints(p, op->tile, IR_MAXRANK);
    if (kw(p, "k")) op->ktile = integer(p);
  }
  loc(p, op);
}

static void parse_net(P *p) {
  IrNet *n = ir_add_net(p->m);
  if (integer(p) != n->id) perr(p, "nets must be numbered 0, 1, 2, ... in order");
  if (kw(p, "psum")) n->kind = NET_PSUM;
  else if (kw(p, "operand")) n->kind = NET_OPERAND;
  else perr(p, "expected 'operand' or 'psum'");
  n->src = value(p);
  n->dt = dtype(p);
  expect_kw(p, "box");
  box(p, &n->box);
  expect_kw(p, "from");
  n->from = coord(p);
  expect_kw(p, "to");
  expect(p, '{', "before the destinations");
  VEC(IrDest) to = {0};
  do {
    IrCoord c = coord(p);
    IrDest d = {c.x, c.y, n->src, 0};
    if (n->kind == NET_OPERAND) {
      d.op = value(p);
      expect(p, '.', "before the operand number");
      d.argi = (int)integer(p);
      const IrOp *root = d.argi >= 0 && d.argi < d.op->nargs ? d.op->arg[d.argi] : NULL;
      while (root && ir_is_view_kind(root) && !root->placed) root = root->arg[0]; /* through views */
      if (root != n->src) {
        VEC_FREE(to);
        perr(p, "operand %d of %%%s is not %%%s", d.argi, d.op->name, n->src->name);
      }
    }
    VEC_PUSH(to, d);
  } while (accept(p, ','));
  expect(p, '}', "after the destinations");
  n->ndst = to.n;
  n->to = ARENA_NEW(&p->m->arena, IrDest, to.n);
  memcpy(n->to, to.v, sizeof(IrDest) * (size_t)to.n);
  VEC_FREE(to);
  expect_kw(p, "color");
  if (accept(p, '-')) n->color = -1;
  else n->color = (int)integer(p);
  expect_kw(p, "route");
  expect(p, '{', "before the route");
  VEC(IrHop) hops = {0};
  if (!peek(p, '}')) do {
      IrCoord c = coord(p);
      ws(p);
      IrHop h = {c.x, c.y, (uint8_t)port(p, p->s[p->i]), 0};
      adv(p);
      expect(p, '>', "after the input port");
      while (isupper((unsigned char)p->s[p->i])) {
        h.out_mask |= (uint8_t)(1 << port(p, p->s[p->i]));
        adv(p);
      }
      VEC_PUSH(hops, h);
    } while (accept(p, ','));
  expect(p, '}', "after the route");
  n->nhop = hops.n;
  n->hop = ARENA_NEW(&p->m->arena, IrHop, hops.n);
  if (hops.n) memcpy(n->hop, hops.v, sizeof(IrHop) * (size_t)hops.n);
  VEC_FREE(hops);
}

static int pick(P *p, const char *const *names, int n, const char *what) {
  const char *w = word(p);
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], w)) return i;
  perr(p, "unknown %s '%s'", what, w);
}

static void parse_core(P *p) {
  IrCoord c = coord(p);
  IrCore *core = ir_add_core(p->m, c.x, c.y);
  core->op = value(p);
  expect(p, '{', "to open a core");
  VEC(IrBuf) bufs = {0};
  VEC(IrDsr) dsrs = {0};
  VEC(IrTask) tasks = {0};
  VEC(Insn) code = {0};
  static const char *const bk[] = {"tile", "operand", "param", "acc", "stage"};
  static const char *const dk[] = {"none", "mem", "fabin", "fabout"};
  static const char *const tk[] = {"main", "data", "local"};
  for (;;) {
    if (kw(p, "buf")) {
      if (integer(p) != bufs.n) perr(p, "buffers must be numbered in order");
      IrBuf b;
      memset(&b, 0, sizeof b);
      b.kind = (IrBufKind)pick(p, bk, 5, "buffer kind");
      b.val = value(p);
      box(p, &b.box);
      b.dt = dtype(p);
      b.elems = integer(p);
      expect(p, '@', "before the address");
      if (accept(p, '?')) b.addr = -1;
      else b.addr = integer(p);
      VEC_PUSH(bufs, b);
    } else if (kw(p, "dsr")) {
      if (integer(p) != dsrs.n) perr(p, "DSRs must be numbered in order");
      IrDsr d;
      memset(&d, 0, sizeof d);
      d.kind = (DsrKind)pick(p, dk, 4, "DSR kind");
      d.dt = dtype(p);
      if (d.kind == DSR_MEM) {
        expect_kw(p, "buf");
        d.buf = (int)integer(p);
        expect(p, '+', "after the buffer");
        d.off = integer(p);
        expect_kw(p, "dims");
        d.ndim = ints(p, d.dim, 4);
        expect_kw(p, "strides");
        if (ints(p, d.stride, 4) != d.ndim) perr(p, "dims and strides differ in length");
      } else {
        d.buf = -1;
        expect_kw(p, "color");
        d.color = (int)integer(p);
        expect_kw(p, "len");
        d.ndim = 1;
        d.dim[0] = integer(p);
        d.stride[0] = 1;
      }
      VEC_PUSH(dsrs, d);
    } else if (kw(p, "task")) {
      if (integer(p) != tasks.n) perr(p, "tasks must be numbered in order");
      IrTask t = {pick(p, tk, 3, "task kind"), 0, 0};
      if (t.kind == 1) {
        expect_kw(p, "color");
        t.color = (int)integer(p);
      }
      expect(p, '@', "before the task's pc");
      t.pc = (int)integer(p);
      VEC_PUSH(tasks, t);
    } else if (kw(p, "sram")) {
      expect_kw(p, "code");
      core->code_bytes = integer(p);
      expect_kw(p, "end");
      core->data_end = integer(p);
    } else if (kw(p, "code")) {
      expect(p, '{', "to open the code");
      while (!accept(p, '}')) {
        if (integer(p) != code.n) perr(p, "instructions must be numbered in order");
        expect(p, ':', "after the pc");
        ws(p);
        size_t st = p->i;
        while (p->s[p->i] && p->s[p->i] != '\n') adv(p);
        char line[256], err[200];
        snprintf(line, sizeof line, "%.*s", (int)(p->i - st), p->s + st);
        Insn in;
        if (isa_parse(line, &in, err, sizeof err) != 0) perr(p, "%s", err);
        VEC_PUSH(code, in);
      }
    } else break;
  }
  expect(p, '}', "to close the core");
#define KEEP(DST, N, VV, T) do { DST = ARENA_NEW(&p->m->arena, T, (VV).n); if ((VV).n) memcpy(DST, (VV).v, sizeof(T) * (size_t)(VV).n); N = (VV).n; VEC_FREE(VV); } while (0)
  KEEP(core->buf, core->nbuf, bufs, IrBuf);
  KEEP(core->dsr, core->ndsr, dsrs, IrDsr);
  KEEP(core->task, core->ntask, tasks, IrTask);
  KEEP(core->insn, core->ninsn, code, Insn);
#undef KEEP
}

IrModule *ir_parse(const char *file, const char *text) {
  P p;
  memset(&p, 0, sizeof p);
  p.file = file;
  p.s = text;
  p.line = p.col = 1;
  p.m = ir_new("module");
  if (setjmp(p.fail)) {
    ir_free(p.m);
    return NULL;
  }
  expect_kw(&p, "module");
  expect(&p, '@', "before the module name");
  p.m->name = word(&p);
  expect_kw(&p, "target");
  p.m->target = string(&p);
  expect_kw(&p, "grid");
  p.m->grid_w = (int)decimal(&p);
  expect(&p, 'x', "in the grid size");
  p.m->grid_h = (int)integer(&p);
  expect_kw(&p, "stage");
  const char *st = word(&p);
  int s;
  for (s = 0; s <= STAGE_ALLOC; s++)
    if (!strcmp(ir_stage_name((IrStage)s), st)) break;
  if (s > STAGE_ALLOC) perr(&p, "unknown stage '%s'", st);
  p.m->stage = (IrStage)s;
  expect(&p, '{', "to open the module");
  for (;;) {
    if (kw(&p, "net")) parse_net(&p);
    else if (kw(&p, "core")) parse_core(&p);
    else if (peek(&p, '%') || (ws(&p), !strncmp(p.s + p.i, "output", 6))) parse_op(&p);
    else break;
  }
  expect(&p, '}', "to close the module");
  ws(&p);
  if (p.s[p.i]) perr(&p, "unexpected text after the module");
  return p.m;
}
