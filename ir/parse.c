/* ir/parse.c: the .wir reader - a hand-written recursive-descent parser for
 * exactly what ir/print.c writes (docs/ir.md has the grammar). Errors are
 * reported at the offending token with what was expected.
 *
 * A .wir file is user input (a hand-edited dump is as likely as a real one),
 * so every number is range-checked as it is read (the limits are in the
 * messages), every reference must resolve, and each part may only appear at
 * the stages that have it. What needs the whole module or the target (types,
 * placement, routes, programs) is checked afterwards by pass_check_wir
 * (passes/checkwir.c), at the positions this parser records (ir/wirpos.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/diag.h"
#include "ir/wirpos.h"

/* Limits of a .wir (the target's own limits are checked by pass_check_wir). */
#define WIR_MAX_DIM 1000000000LL      /* a dimension (as in WDL) */
#define WIR_MAX_ELEMS (1LL << 40)     /* elements of one tensor */
#define WIR_MAX_COORD 1048575LL       /* a core coordinate or rectangle side */
#define WIR_MAX_COLOR 255LL
#define WIR_MAX_PC 1048575LL          /* instructions, tasks, DSRs, buffers per core */
#define WIR_MAX_ADDR 4294967295LL     /* an SRAM byte address */
#define WIR_MAX_LINE 100000000LL      /* loc(): a source line */
#define WIR_MAX_COL 65535LL           /* loc(): a source column */
#define WIR_MAX_OPS 1000000           /* ops in a module */
#define WIR_MAX_DEPTH 10000           /* the longest chain of operands (the passes recurse along it) */

typedef struct P {
  const char *file, *s;
  size_t i;
  int line, col;
  IrModule *m;
  jmp_buf fail;
  /* growing arrays, freed on every exit (errors longjmp) */
  VEC(WirOpPos) opos;
  VEC(WirNetPos) npos;
  VEC(WirCorePos) cpos;
  VEC(IrDest) to;
  VEC(IrHop) hops;
  VEC(WirPos) dpos, hpos, dsrpos, taskpos, insnpos;
  VEC(WirBufPos) bufpos;
  VEC(IrBuf) bufs;
  VEC(IrDsr) dsrs;
  VEC(IrTask) tasks;
  VEC(Insn) code;
  /* value names -> ops (open addressing; ir_find_op is linear) */
  IrOp **tab;
  size_t tabn;
  VEC(int) depth;  /* per op: the longest operand chain ending at it */
  /* 'on %h' of an input names a later op (its streamed matmul or reshape):
   * resolved when the ops end */
  struct PendingHost { IrOp *op; const char *name; WirPos at; } *host;
  size_t nhost, caphost;
} P;

static size_t name_hash(const char *s) {
  size_t h = 14695981039346656037u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}
static IrOp *lookup(P *p, const char *name) {
  if (!p->tabn) return NULL;
  for (size_t i = name_hash(name) & (p->tabn - 1);; i = (i + 1) & (p->tabn - 1)) {
    if (!p->tab[i]) return NULL;
    if (!strcmp(p->tab[i]->name, name)) return p->tab[i];
  }
}
static void insert(P *p, IrOp *op) {
  if (2 * (size_t)p->m->nops >= p->tabn) { /* grow and rehash */
    size_t n = p->tabn ? 2 * p->tabn : 64;
    IrOp **t = xcalloc(n, sizeof(IrOp *));
    for (size_t j = 0; j < p->tabn; j++)
      if (p->tab[j]) {
        size_t i = name_hash(p->tab[j]->name) & (n - 1);
        while (t[i]) i = (i + 1) & (n - 1);
        t[i] = p->tab[j];
      }
    free(p->tab);
    p->tab = t;
    p->tabn = n;
  }
  size_t i = name_hash(op->name) & (p->tabn - 1);
  while (p->tab[i]) i = (i + 1) & (p->tabn - 1);
  p->tab[i] = op;
}

static void free_vecs(P *p) {
  free(p->host);
  p->host = NULL;
  p->nhost = p->caphost = 0;
  free(p->tab);
  p->tab = NULL;
  p->tabn = 0;
  VEC_FREE(p->depth);
  VEC_FREE(p->opos);
  VEC_FREE(p->npos);
  VEC_FREE(p->cpos);
  VEC_FREE(p->to);
  VEC_FREE(p->hops);
  VEC_FREE(p->dpos);
  VEC_FREE(p->hpos);
  VEC_FREE(p->dsrpos);
  VEC_FREE(p->taskpos);
  VEC_FREE(p->insnpos);
  VEC_FREE(p->bufpos);
  VEC_FREE(p->bufs);
  VEC_FREE(p->dsrs);
  VEC_FREE(p->tasks);
  VEC_FREE(p->code);
}

static void verr_at(P *p, WirPos at, const char *fmt, va_list ap) __attribute__((noreturn));
static void verr_at(P *p, WirPos at, const char *fmt, va_list ap) {
  char msg[400];
  vsnprintf(msg, sizeof msg, fmt, ap);
  SrcLoc l = {p->file, at.line, at.col, at.col + 1};
  diag_error(&l, "%s", msg);
  longjmp(p->fail, 1);
}
static void perr(P *p, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void perr(P *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr_at(p, (WirPos){p->line, p->col}, fmt, ap);
}
static void perr_at(P *p, WirPos at, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));
static void perr_at(P *p, WirPos at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr_at(p, at, fmt, ap);
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
static WirPos here(P *p) {
  ws(p);
  return (WirPos){p->line, p->col};
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

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '$'; }

static const char *word(P *p) {
  ws(p);
  size_t st = p->i;
  while (word_char(p->s[p->i])) adv(p);
  if (st == p->i) perr(p, "expected a word");
  if (p->i - st > 255) perr_at(p, (WirPos){p->line, p->col - (int)(p->i - st)}, "a name of at most 255 characters");
  return arena_strndup(&p->m->arena, p->s + st, p->i - st);
}
static bool kw(P *p, const char *k) {
  ws(p);
  size_t n = strlen(k);
  if (strncmp(p->s + p->i, k, n) != 0 || word_char(p->s[p->i + n])) return false;
  for (size_t j = 0; j < n; j++) adv(p);
  return true;
}
static void expect_kw(P *p, const char *k) {
  if (!kw(p, k)) perr(p, "expected '%s'", k);
}

/* A whole number in [lo, hi] (decimal; hex after 0x too if `hexok`, for
 * addresses); `what` names it in the error. */
static int64_t num_base(P *p, int64_t lo, int64_t hi, const char *what, bool hexok) {
  WirPos at = here(p);
  const char *st = p->s + p->i, *d = st;
  bool neg = *d == '-';
  if (neg) d++;
  bool hex = hexok && d[0] == '0' && d[1] == 'x' && isxdigit((unsigned char)d[2]);
  if (hex) d += 2;
  if (!(hex ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d))) perr(p, "expected a whole number (%s)", what);
  char *end;
  errno = 0;
  unsigned long long u = strtoull(d, &end, hex ? 16 : 10);
  bool range = errno == ERANGE || u > (unsigned long long)INT64_MAX;
  while (p->s + p->i < end) adv(p);
  int64_t v = range ? 0 : neg ? -(int64_t)u : (int64_t)u;
  if (range || v < lo || v > hi) {
    if (lo == 0) perr_at(p, at, "%s must be at most %lld, got %.*s", what, (long long)hi, (int)(end - st), st);
    perr_at(p, at, "%s must be between %lld and %lld, got %.*s", what, (long long)lo, (long long)hi, (int)(end - st), st);
  }
  return v;
}
static int64_t num(P *p, int64_t lo, int64_t hi, const char *what) { return num_base(p, lo, hi, what, false); }

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
      WirPos at = {p->line, p->col};
      adv(p);
      c = p->s[p->i];
      if (c == 'x') {
        if (!isxdigit((unsigned char)p->s[p->i + 1]) || !isxdigit((unsigned char)p->s[p->i + 2])) {
          buf_free(&b);
          perr_at(p, at, "'\\x' must be followed by two hex digits");
        }
        char h[3] = {p->s[p->i + 1], p->s[p->i + 2], 0};
        adv(p);
        adv(p);
        c = (char)strtol(h, NULL, 16);
        if (!c) {
          buf_free(&b);
          perr_at(p, at, "a string cannot hold a NUL byte ('\\x00')");
        }
      } else if (c != '"' && c != '\\') {
        buf_free(&b);
        perr_at(p, at, "unknown escape in a string (the escapes are \\\", \\\\ and \\xHH)");
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
  if (b.len > 4095) {
    buf_free(&b);
    perr(p, "a string of at most 4095 bytes");
  }
  char *r = arena_strndup(&p->m->arena, b.len ? (const char *)b.data : "", b.len);
  buf_free(&b);
  return r;
}

static IrOp *value(P *p) {
  expect(p, '%', "before a value name");
  size_t st = p->i;
  int col = p->col;
  while (word_char(p->s[p->i])) adv(p);
  if (p->i == st) perr(p, "expected a value name after '%%'");
  char name[260];
  if (p->i - st > 255) perr_at(p, (WirPos){p->line, col}, "a name of at most 255 characters");
  snprintf(name, sizeof name, "%.*s", (int)(p->i - st), p->s + st);
  IrOp *op = lookup(p, name);
  if (!op) perr_at(p, (WirPos){p->line, col}, "unknown value '%%%s'", name);
  return op;
}

static DType dtype(P *p) {
  WirPos at = here(p);
  const char *w = word(p);
  DType t;
  if (ir_dtype_parse(w, &t)) return t;
  perr_at(p, at, "unknown dtype '%s' (f32, f16 or bf16)", w);
}

/* A list [a, b, ...] of at most max numbers, each in [lo, hi]. */
static int ints(P *p, int64_t *v, int max, int64_t lo, int64_t hi, const char *what) {
  expect(p, '[', "to open a list");
  int n = 0;
  if (accept(p, ']')) return 0;
  do {
    if (n >= max) perr(p, "too many entries (at most %d)", max);
    v[n++] = num(p, lo, hi, what);
  } while (accept(p, ','));
  expect(p, ']', "to close a list");
  return n;
}

static void type(P *p, IrOp *op) {
  op->dt = dtype(p);
  WirPos at = here(p);
  Shape s = {0, {0}};
  s.rank = ints(p, s.d, IR_MAXRANK, 1, WIR_MAX_DIM, "a dimension");
  int64_t n = 1;
  for (int k = 0; k < s.rank; k++) {
    if (n > WIR_MAX_ELEMS / s.d[k]) perr_at(p, at, "a tensor of at most %lld elements", (long long)WIR_MAX_ELEMS);
    n *= s.d[k];
  }
  op->shape = s;
  op->typed = true;
}

static int box(P *p, Box *b, bool empty_ok) {
  expect(p, '[', "to open a box");
  int n = 0;
  memset(b, 0, sizeof *b);
  if (accept(p, ']')) return 0;
  do {
    if (n >= IR_MAXRANK) perr(p, "a box of at most %d dimensions", IR_MAXRANK);
    b->lo[n] = num(p, 0, WIR_MAX_DIM - 1, "a box's lower bound");
    expect(p, ':', "in a box range");
    WirPos at = here(p);
    int64_t hi = num(p, 0, WIR_MAX_DIM, "a box's upper bound");
    if (hi < b->lo[n] + !empty_ok) perr_at(p, at, "an empty box range [%lld:%lld] (the upper bound must be larger)", (long long)b->lo[n], (long long)hi);
    b->n[n] = hi - b->lo[n];
    n++;
  } while (accept(p, ','));
  expect(p, ']', "to close a box");
  return n;
}

static IrCoord coord(P *p) {
  IrCoord c;
  expect(p, '(', "before a core coordinate");
  c.x = (int)num(p, 0, WIR_MAX_COORD, "a core's x");
  expect(p, ',', "in a core coordinate");
  c.y = (int)num(p, 0, WIR_MAX_COORD, "a core's y");
  expect(p, ')', "after a core coordinate");
  return c;
}

static int port(P *p, char c) {
  for (int i = 0; i < PORT__COUNT; i++)
    if (isa_port_names[i] == c) return i;
  if (isprint((unsigned char)c)) perr(p, "'%c' is not a port (R, N, E, S, W)", c);
  perr(p, "expected a port (R, N, E, S, W)");
}

static void loc(P *p, IrOp *op) {
  if (!kw(p, "loc")) return;
  expect(p, '(', "after loc");
  op->loc.file = string(p);
  expect(p, ':', "in loc");
  op->loc.line = (int)num(p, 1, WIR_MAX_LINE, "a source line");
  expect(p, ':', "in loc");
  op->loc.col = (int)num(p, 1, WIR_MAX_COL, "a source column");
  expect(p, '-', "in loc");
  op->loc.end_col = (int)num(p, op->loc.col, WIR_MAX_COL, "a source end column");
  expect(p, ')', "to close loc");
}

static IrOpKind op_kind(P *p, const char *w, WirPos at) {
  for (int k = 0; k < IR__COUNT; k++)
    if (!strcmp(ir_ops[k].name, w) && k != IR_OUTPUT) return (IrOpKind)k;
  if (!strcmp(w, "output")) perr_at(p, at, "an output is written 'output \"NAME\" = %%VALUE'");
  perr_at(p, at, "unknown op '%s'", w);
}

/* The hosts of inputs ('on %h', a later op), once every op is known. */
static void resolve_hosts(P *p) {
  for (size_t i = 0; i < p->nhost; i++) {
    IrOp *h = lookup(p, p->host[i].name);
    if (!h) perr_at(p, p->host[i].at, "unknown value '%%%s'", p->host[i].name);
    p->host[i].op->host = h;
  }
  p->nhost = 0;
}

static void parse_op(P *p) {
  WirOpPos pos;
  memset(&pos, 0, sizeof pos);
  pos.at = here(p);
  if (kw(p, "output")) {
    WirPos sat = here(p);
    const char *name = string(p);
    /* the image's I/O map holds 1 to 255 printable characters (backend/wimg.c) */
    bool printable = name[0] && strlen(name) <= 255;
    for (const char *q = name; *q && printable; q++) printable = *q >= 0x21 && *q <= 0x7e;
    if (!printable) perr_at(p, sat, "an output name is 1 to 255 printable characters, no spaces");
    if (p->m->nops >= WIR_MAX_OPS) perr_at(p, pos.at, "a module of at most %d ops", WIR_MAX_OPS);
    IrOp *op = ir_add_op(p->m, IR_OUTPUT, name);
    VEC_PUSH(p->opos, pos);
    int zero = 0;
    VEC_PUSH(p->depth, zero); /* nothing takes an output as an operand */
    expect(p, '=', "after the output name");
    op->arg[0] = value(p);
    if (accept(p, ':')) {
      p->opos.v[op->idx].type = here(p);
      type(p, op);
    }
    loc(p, op);
    return;
  }
  expect(p, '%', "to start an op");
  WirPos nat = here(p);
  const char *name = word(p);
  if (lookup(p, name)) perr_at(p, nat, "redefinition of '%%%s'", name);
  if (p->m->nops >= WIR_MAX_OPS) perr_at(p, pos.at, "a module of at most %d ops", WIR_MAX_OPS);
  expect(p, '=', "after the value name");
  WirPos kat = here(p);
  IrOpKind k = op_kind(p, word(p), kat);
  IrOp *op = ir_add_op(p->m, k, name);
  insert(p, op);
  VEC_PUSH(p->opos, pos);
  WirOpPos *op_pos = &p->opos.v[op->idx];
  if (k == IR_INPUT || k == IR_PARAM) string(p);
  if (k == IR_CONST) {
    op->init = INIT_FULL;
    op->fill = real(p);
  }
  int depth = 0;
  for (int a = 0; a < op->nargs; a++) {
    if (a) expect(p, ',', "between operands");
    WirPos vat = here(p);
    op->arg[a] = value(p);
    /* the op is known by its name from here on, but it is not defined
     * until its operands are: SSA, operands are earlier ops */
    if (op->arg[a] == op) perr_at(p, vat, "%%%s is its own operand (an operand must be an earlier value)", op->name);
    if (p->depth.v[op->arg[a]->idx] > depth) depth = p->depth.v[op->arg[a]->idx];
  }
  if (++depth > WIR_MAX_DEPTH) perr_at(p, pos.at, "%%%s ends a chain of more than %d ops, each an operand of the next", op->name, WIR_MAX_DEPTH);
  VEC_PUSH(p->depth, depth);
  DType cast_to = DT_F32;
  if (k == IR_CAST) {
    expect_kw(p, "to");
    op->dt = cast_to = dtype(p);
  }
  if (ir_is_reduction(op)) {
    expect_kw(p, "axis");
    op->axis = (int)num(p, -IR_MAXRANK, IR_MAXRANK - 1, "an axis");
    op->keepdims = kw(p, "keepdims");
  }
  if (k == IR_CONCAT || k == IR_SLICE) {
    expect_kw(p, "axis");
    op->axis = (int)num(p, -IR_MAXRANK, IR_MAXRANK - 1, "an axis");
  }
  if (k == IR_TRANSPOSE) {
    /* perm [..] for rank 3 and 4; otherwise the axes reversed */
    int r = op->arg[0]->typed ? op->arg[0]->shape.rank : 2;
    for (int j = 0; j < IR_MAXRANK; j++) op->perm[j] = (int8_t)(j < r ? r - 1 - j : j);
    op_pos->noperm = !(peek(p, 'p') && !strncmp(p->s + p->i, "perm", 4));
    if (kw(p, "perm")) {
      expect(p, '[', "before the permutation");
      for (int j = 0; j < IR_MAXRANK; j++) {
        if (j && !accept(p, ',')) break;
        op->perm[j] = (int8_t)num(p, 0, IR_MAXRANK - 1, "an axis");
        op_pos->nperm = j + 1;
        if (op->arg[0]->typed && j + 1 > r) perr(p, "the permutation has more entries than %%%s has axes (%d)", op->arg[0]->name, r);
      }
      expect(p, ']', "after the permutation");
    }
  }
  if (k == IR_SLICE) {
    expect(p, '[', "before the slice range");
    op->start = num(p, -WIR_MAX_DIM, WIR_MAX_DIM, "a slice bound");
    expect(p, ':', "in the slice range");
    op->end = num(p, -WIR_MAX_DIM, WIR_MAX_DIM, "a slice bound");
    expect(p, ']', "after the slice range");
  }
  if (accept(p, ':')) {
    op_pos->type = here(p);
    type(p, op);
    if (k == IR_CAST && op->dt != cast_to)
      perr_at(p, op_pos->type, "a cast to %s has type %s", ir_dtype_name(cast_to), ir_dtype_name(op->dt));
  }
  if ((k == IR_INPUT || k == IR_PARAM) && !op->typed)
    perr(p, "%s %%%s needs its type (': DTYPE[DIMS]')", ir_ops[k].name, op->name);
  if (k == IR_RESHAPE && !op->typed) perr(p, "a reshape needs its type (': DTYPE[DIMS]')");
  if (k == IR_CONST && op->typed && op->shape.rank != 0) perr_at(p, op_pos->type, "a const is a scalar (its type is DTYPE[])");
  if (k == IR_PARAM) {
    if (!accept(p, '=')) perr(p, "param %%%s needs an initialiser ('= load(\"FILE.npy\")', zeros(), ones(), full(V) or randn(seed=S, std=V))", op->name);
    WirPos iat = here(p);
    const char *f = word(p);
    expect(p, '(', "after the initialiser");
    if (!strcmp(f, "load")) {
      op->init = INIT_LOAD;
      WirPos sat = here(p);
      op->path = string(p);
      if (!op->path[0]) perr_at(p, sat, "an empty file name");
    } else if (!strcmp(f, "zeros")) op->init = INIT_ZEROS;
    else if (!strcmp(f, "ones")) op->init = INIT_ONES;
    else if (!strcmp(f, "full")) {
      op->init = INIT_FULL;
      op->fill = real(p);
    } else if (!strcmp(f, "randn")) {
      op->init = INIT_RANDN;
      expect_kw(p, "seed");
      expect(p, '=', "after seed");
      WirPos seat = here(p);
      char *end;
      errno = 0;
      op->seed = strtoull(p->s + p->i, &end, 10);
      if (!isdigit((unsigned char)p->s[p->i]) || errno) perr_at(p, seat, "a seed is a whole number from 0 to %llu", (unsigned long long)UINT64_MAX);
      while (p->s + p->i < end) adv(p);
      expect(p, ',', "between randn arguments");
      expect_kw(p, "std");
      expect(p, '=', "after std");
      WirPos sat = here(p);
      op->std = real(p);
      if (!(op->std >= 0 && op->std <= 1e30)) perr_at(p, sat, "std must be a finite number >= 0");
      if (accept(p, ',')) {
        expect_kw(p, "sparsity");
        expect(p, '=', "after sparsity");
        WirPos spat = here(p);
        op->sparsity = real(p);
        if (!(op->sparsity >= 0 && op->sparsity <= 1)) perr_at(p, spat, "sparsity must be a number in [0, 1]");
      }
    } else perr_at(p, iat, "unknown initialiser '%s' (load, zeros, ones, full or randn)", f);
    expect(p, ')', "to close the initialiser");
  }
  if (peek(p, 'o') && !strncmp(p->s + p->i, "on ", 3)) {
    expect_kw(p, "on");
    if (op->kind == IR_INPUT) { /* a later op holds the input: resolved when the ops end */
      expect(p, '%', "before a value name");
      WirPos at = here(p);
      size_t st = p->i;
      while (word_char(p->s[p->i])) adv(p);
      if (p->i == st) perr(p, "expected a value name after '%%'");
      if (p->i - st > 255) perr_at(p, at, "a name of at most 255 characters");
      if (p->nhost == p->caphost) {
        p->caphost = p->caphost ? 2 * p->caphost : 8;
        p->host = xrealloc(p->host, sizeof *p->host * p->caphost);
      }
      p->host[p->nhost++] = (struct PendingHost){op, arena_printf(&p->m->arena, "%.*s", (int)(p->i - st), p->s + st), at};
    } else {
      op->host = value(p); /* an earlier op: its cores hold this one's value (checkwir checks the rest) */
    }
  }
  if (peek(p, 'p') && !strncmp(p->s + p->i, "place", 5)) {
    WirPos at = here(p);
    expect_kw(p, "place");
    if (p->m->stage < STAGE_PLACE)
      perr_at(p, at, "a placement at stage %s (rectangles appear from stage place on)", ir_stage_name(p->m->stage));
    op_pos->place = here(p);
    expect(p, '[', "to open a rectangle");
    op->placed = true;
    op->place.x = (int)num(p, 0, WIR_MAX_COORD, "a rectangle's x");
    expect(p, ',', "in a rectangle");
    op->place.y = (int)num(p, 0, WIR_MAX_COORD, "a rectangle's y");
    op->place.w = (int)num(p, 1, WIR_MAX_COORD, "a rectangle's width");
    expect(p, 'x', "in a rectangle");
    op->place.h = (int)num(p, 1, WIR_MAX_COORD, "a rectangle's height");
    expect(p, ']', "to close a rectangle");
    expect_kw(p, "tile");
    op_pos->tile = here(p);
    op_pos->ntile = ints(p, op->tile, IR_MAXRANK, 1, WIR_MAX_DIM, "a tile dimension");
    if (kw(p, "k")) {
      op_pos->k = here(p);
      op->ktile = num(p, 1, WIR_MAX_DIM, "a K chunk");
    }
    WirPos sat = here(p);
    if (kw(p, "stream")) {
      if (!p->m->exec_stream)
        perr_at(p, sat, "%%%s is weight-streamed, which needs 'exec stream' in the module header", op->name);
      op->stream = true;
    }
    if (kw(p, "host_rhs")) op->host_rhs = true; /* (checkwir checks where it may be) */
  }
  loc(p, op);
}

static void parse_net(P *p, WirPos at) {
  IrNet *n = ir_add_net(p->m);
  WirNetPos pos;
  memset(&pos, 0, sizeof pos);
  pos.at = at;
  if (p->m->stage < STAGE_ROUTE) perr_at(p, at, "a net at stage %s (nets appear from stage route on)", ir_stage_name(p->m->stage));
  WirPos iat = here(p);
  if (num(p, 0, INT32_MAX, "a net number") != n->id) perr_at(p, iat, "nets must be numbered 0, 1, 2, ... in order (expected %d)", n->id);
  if (kw(p, "psum")) n->kind = NET_PSUM;
  else if (kw(p, "operand")) n->kind = NET_OPERAND;
  else if (kw(p, "ingress")) n->kind = NET_INGRESS;
  else perr(p, "expected 'operand', 'psum' or 'ingress'");
  n->src = value(p);
  n->dt = dtype(p);
  expect_kw(p, "box");
  pos.box = here(p);
  pos.boxrank = box(p, &n->box, false);
  expect_kw(p, "from");
  pos.from = here(p);
  n->from = coord(p);
  expect_kw(p, "to");
  expect(p, '{', "before the destinations");
  p->to.n = p->dpos.n = 0;
  do {
    WirPos dat = here(p);
    IrCoord c = coord(p);
    IrDest d = {c.x, c.y, n->src, n->kind == NET_INGRESS ? 1 : 0}; /* weights: the matmul's operand 1 */
    if (n->kind == NET_OPERAND) {
      d.op = value(p);
      expect(p, '.', "before the operand number");
      WirPos aat = here(p);
      d.argi = (int)num(p, 0, 1, "an operand number");
      const IrOp *root = d.argi < d.op->nargs ? d.op->arg[d.argi] : NULL;
      while (root && ir_is_view_kind(root) && !root->placed) root = root->arg[0]; /* through views */
      if (root != n->src) perr_at(p, aat, "operand %d of %%%s is not %%%s", d.argi, d.op->name, n->src->name);
    }
    VEC_PUSH(p->to, d);
    VEC_PUSH(p->dpos, dat);
  } while (accept(p, ','));
  expect(p, '}', "after the destinations");
  n->ndst = p->to.n;
  n->to = ARENA_NEW(&p->m->arena, IrDest, p->to.n);
  memcpy(n->to, p->to.v, sizeof(IrDest) * (size_t)p->to.n);
  pos.dst = ARENA_NEW(&p->m->arena, WirPos, p->dpos.n);
  memcpy(pos.dst, p->dpos.v, sizeof(WirPos) * (size_t)p->dpos.n);
  expect_kw(p, "color");
  pos.color = here(p);
  if (accept(p, '-')) n->color = -1;
  else n->color = (int)num(p, 0, WIR_MAX_COLOR, "a color");
  expect_kw(p, "route");
  pos.route = here(p);
  expect(p, '{', "before the route");
  p->hops.n = p->hpos.n = 0;
  if (!peek(p, '}')) do {
      WirPos hat = here(p);
      IrCoord c = coord(p);
      ws(p);
      IrHop h = {c.x, c.y, (uint8_t)port(p, p->s[p->i]), 0};
      adv(p);
      expect(p, '>', "after the input port");
      while (isupper((unsigned char)p->s[p->i])) {
        int o = port(p, p->s[p->i]);
        if (h.out_mask & (1 << o)) perr(p, "port %c listed twice", p->s[p->i]);
        h.out_mask |= (uint8_t)(1 << o);
        adv(p);
      }
      if (!h.out_mask) perr(p, "expected the output ports (R, N, E, S, W) after '>'");
      VEC_PUSH(p->hops, h);
      VEC_PUSH(p->hpos, hat);
    } while (accept(p, ','));
  expect(p, '}', "after the route");
  n->nhop = p->hops.n;
  n->hop = ARENA_NEW(&p->m->arena, IrHop, p->hops.n);
  if (p->hops.n) memcpy(n->hop, p->hops.v, sizeof(IrHop) * (size_t)p->hops.n);
  pos.hop = ARENA_NEW(&p->m->arena, WirPos, p->hpos.n);
  if (p->hpos.n) memcpy(pos.hop, p->hpos.v, sizeof(WirPos) * (size_t)p->hpos.n);
  VEC_PUSH(p->npos, pos);
}

static int pick(P *p, const char *const *names, int n, const char *what) {
  WirPos at = here(p);
  const char *w = word(p);
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], w)) return i;
  perr_at(p, at, "unknown %s '%s'", what, w);
}

static void parse_core(P *p, WirPos at) {
  if (p->m->stage < STAGE_LOWER) perr_at(p, at, "a core program at stage %s (programs appear from stage lower on)", ir_stage_name(p->m->stage));
  WirCorePos pos;
  memset(&pos, 0, sizeof pos);
  pos.at = at;
  IrCoord c = coord(p);
  IrCore *core = ir_add_core(p->m, c.x, c.y);
  core->op = value(p);
  expect(p, '{', "to open a core");
  p->bufs.n = p->dsrs.n = p->tasks.n = p->code.n = 0;
  p->bufpos.n = p->dsrpos.n = p->taskpos.n = p->insnpos.n = 0;
  static const char *const dk[] = {"mem", "fabin", "fabout"};
  static const char *const tk[] = {"main", "data", "local"};
  bool alloc = p->m->stage >= STAGE_ALLOC;
  for (;;) {
    WirPos eat = here(p);
    if (kw(p, "buf")) {
      WirPos iat = here(p);
      if (num(p, 0, WIR_MAX_PC, "a buffer number") != p->bufs.n) perr_at(p, iat, "buffers must be numbered 0, 1, 2, ... in order (expected %d)", p->bufs.n);
      IrBuf b;
      memset(&b, 0, sizeof b);
      b.live_from = b.live_to = -1;
      WirPos kat = here(p);
      b.kind = (IrBufKind)pick(p, ir_buf_kind_names, BUF__COUNT, "buffer kind");
      if (b.kind == BUF_WORDS)
        perr_at(p, kat, "a words buffer belongs to the resident layout of --exec=stream, whose .wir is read back up to "
                        "stage route");
      b.val = value(p);
      WirBufPos bp = {eat, box(p, &b.box, true)}; /* an acc buffer's box may be empty */
      b.dt = dtype(p);
      b.elems = num(p, 1, WIR_MAX_ELEMS, "a buffer's element count");
      expect(p, '@', "before the address");
      WirPos aat = here(p);
      if (accept(p, '?')) {
        if (alloc) perr_at(p, aat, "at stage alloc every buffer has an address");
        b.addr = -1;
      } else {
        if (!alloc) perr_at(p, aat, "an address at stage %s (addresses are given by alloc; write '@?')", ir_stage_name(p->m->stage));
        b.addr = num_base(p, 0, WIR_MAX_ADDR, "an SRAM address", true);
      }
      VEC_PUSH(p->bufs, b);
      VEC_PUSH(p->bufpos, bp);
    } else if (kw(p, "dsr")) {
      WirPos iat = here(p);
      if (num(p, 0, WIR_MAX_PC, "a DSR number") != p->dsrs.n) perr_at(p, iat, "DSRs must be numbered 0, 1, 2, ... in order (expected %d)", p->dsrs.n);
      IrDsr d;
      memset(&d, 0, sizeof d);
      d.kind = (DsrKind)(pick(p, dk, 3, "DSR kind (mem, fabin or fabout)") + 1);
      d.dt = dtype(p);
      if (d.kind == DSR_MEM) {
        expect_kw(p, "buf");
        d.buf = (int)num(p, 0, WIR_MAX_PC, "a buffer number");
        expect(p, '+', "after the buffer");
        d.off = num(p, 0, WIR_MAX_ELEMS, "an element offset");
        expect_kw(p, "dims");
        d.ndim = ints(p, d.dim, 4, 1, WIR_MAX_DIM, "a DSR dimension");
        if (!d.ndim) perr(p, "a memory DSR has 1 to 4 dimensions");
        expect_kw(p, "strides");
        if (ints(p, d.stride, 4, -WIR_MAX_DIM, WIR_MAX_DIM, "a stride") != d.ndim) perr(p, "dims and strides differ in length");
      } else {
        d.buf = -1;
        expect_kw(p, "color");
        d.color = (int)num(p, 0, WIR_MAX_COLOR, "a color");
        expect_kw(p, "len");
        d.ndim = 1;
        d.dim[0] = num(p, 1, WIR_MAX_DIM, "a fabric length");
        d.stride[0] = 1;
      }
      VEC_PUSH(p->dsrs, d);
      VEC_PUSH(p->dsrpos, eat);
    } else if (kw(p, "task")) {
      WirPos iat = here(p);
      if (num(p, 0, WIR_MAX_PC, "a task number") != p->tasks.n) perr_at(p, iat, "tasks must be numbered 0, 1, 2, ... in order (expected %d)", p->tasks.n);
      IrTask t = {pick(p, tk, 3, "task kind (main, data or local)"), 0, 0};
      if (t.kind == 1) {
        expect_kw(p, "color");
        t.color = (int)num(p, 0, WIR_MAX_COLOR, "a color");
      }
      expect(p, '@', "before the task's pc");
      t.pc = (int)num(p, 0, WIR_MAX_PC, "a pc");
      VEC_PUSH(p->tasks, t);
      VEC_PUSH(p->taskpos, eat);
    } else if (kw(p, "sram")) {
      if (!alloc) perr_at(p, eat, "an 'sram' line at stage %s (it is written by alloc)", ir_stage_name(p->m->stage));
      if (pos.sram.line) perr_at(p, eat, "a second 'sram' line");
      pos.sram = eat;
      expect_kw(p, "code");
      core->code_bytes = num(p, 0, WIR_MAX_ADDR, "a code size");
      expect_kw(p, "end");
      core->data_end = num(p, 0, WIR_MAX_ADDR, "an SRAM end");
    } else if (kw(p, "code")) {
      expect(p, '{', "to open the code");
      while (!accept(p, '}')) {
        WirPos cat = here(p);
        if (!p->s[p->i]) perr(p, "expected '}' to close the code");
        if (num(p, 0, WIR_MAX_PC, "a pc") != p->code.n) perr_at(p, cat, "instructions must be numbered 0, 1, 2, ... in order (expected %d)", p->code.n);
        expect(p, ':', "after the pc");
        ws(p);
        size_t st = p->i;
        WirPos iat = {p->line, p->col};
        while (p->s[p->i] && p->s[p->i] != '\n') adv(p);
        size_t e = p->i;
        while (e > st && (p->s[e - 1] == '\r' || p->s[e - 1] == ' ' || p->s[e - 1] == '\t')) e--; /* CRLF files */
        if (e - st > 200) perr_at(p, iat, "an instruction of at most 200 characters");
        char line[256], err[200];
        snprintf(line, sizeof line, "%.*s", (int)(e - st), p->s + st);
        Insn in;
        if (isa_parse(line, &in, err, sizeof err) != 0) perr_at(p, iat, "%s", err);
        VEC_PUSH(p->code, in);
        VEC_PUSH(p->insnpos, iat);
      }
    } else break;
  }
  expect(p, '}', "to close the core");
#define KEEP(DST, N, VV, T) do { DST = ARENA_NEW(&p->m->arena, T, (VV).n); if ((VV).n) memcpy(DST, (VV).v, sizeof(T) * (size_t)(VV).n); N = (VV).n; } while (0)
  KEEP(core->buf, core->nbuf, p->bufs, IrBuf);
  KEEP(core->dsr, core->ndsr, p->dsrs, IrDsr);
  KEEP(core->task, core->ntask, p->tasks, IrTask);
  KEEP(core->insn, core->ninsn, p->code, Insn);
  int ignore;
  KEEP(pos.buf, ignore, p->bufpos, WirBufPos);
  KEEP(pos.dsr, ignore, p->dsrpos, WirPos);
  KEEP(pos.task, ignore, p->taskpos, WirPos);
  KEEP(pos.insn, ignore, p->insnpos, WirPos);
  (void)ignore;
#undef KEEP
  VEC_PUSH(p->cpos, pos);
}

IrModule *ir_parse(const char *file, const char *text) {
  P p;
  memset(&p, 0, sizeof p);
  p.file = file;
  p.s = text;
  p.line = p.col = 1;
  p.m = ir_new("module");
  if (setjmp(p.fail)) {
    free_vecs(&p);
    ir_free(p.m);
    return NULL;
  }
  expect_kw(&p, "module");
  expect(&p, '@', "before the module name");
  p.m->name = word(&p);
  expect_kw(&p, "target");
  WirPos tat = here(&p);
  p.m->target = string(&p);
  if (!p.m->target[0]) perr_at(&p, tat, "an empty target name");
  expect_kw(&p, "grid");
  WirPos gat = here(&p);
  p.m->grid_w = (int)num(&p, 0, WIR_MAX_COORD, "a grid width");
  expect(&p, 'x', "in the grid size");
  p.m->grid_h = (int)num(&p, 0, WIR_MAX_COORD, "a grid height");
  if ((p.m->grid_w == 0) != (p.m->grid_h == 0)) perr_at(&p, gat, "a grid is WxH with both positive, or 0x0 for the whole target");
  WirPos eat = here(&p), rat = eat;
  if (kw(&p, "exec")) {
    eat = here(&p);
    const char *e = word(&p);
    if (strcmp(e, "stream")) perr_at(&p, eat, "unknown exec mode '%s' (a module of --exec=stream says 'exec stream'; pipeline is the default)", e);
    p.m->exec_stream = true;
  }
  rat = here(&p);
  if (kw(&p, "resident")) {
    if (!p.m->exec_stream) perr_at(&p, rat, "'resident' is the layout of --exec=stream: it follows 'exec stream'");
    p.m->resident = true;
  }
  expect_kw(&p, "stage");
  WirPos sat = here(&p);
  const char *st = word(&p);
  int s;
  for (s = 0; s <= STAGE_ALLOC; s++)
    if (!strcmp(ir_stage_name((IrStage)s), st)) break;
  if (s > STAGE_ALLOC) perr_at(&p, sat, "unknown stage '%s'", st);
  p.m->stage = (IrStage)s;
  if (p.m->resident && p.m->stage < STAGE_PLACE)
    perr_at(&p, rat, "'resident' at stage %s: place chooses the resident layout", ir_stage_name(p.m->stage));
  if (p.m->exec_stream && p.m->stage > STAGE_ROUTE)
    perr_at(&p, sat, "a .wir of a streamed program (exec stream) is read back up to stage route, and this one is at stage "
                     "%s: give the stage-route dump (--dump-dir) or the .wdl", ir_stage_name(p.m->stage));
  expect(&p, '{', "to open the module");
  /* ops, then nets, then cores, as ir/print.c writes them */
  int part = 0;
  for (;;) {
    WirPos at = here(&p);
    if (part == 0 && (peek(&p, 'n') || peek(&p, 'c') || peek(&p, '}'))) resolve_hosts(&p);
    if (kw(&p, "net")) {
      if (part > 1) perr_at(&p, at, "nets come before the core programs");
      part = 1;
      parse_net(&p, at);
    } else if (kw(&p, "core")) {
      part = 2;
      parse_core(&p, at);
    } else if (peek(&p, '%') || (ws(&p), !strncmp(p.s + p.i, "output", 6) && !word_char(p.s[p.i + 6]))) {
      if (part > 0) perr_at(&p, at, "ops come before the nets and core programs");
      parse_op(&p);
    } else break;
  }
  WirPos close = here(&p);
  expect(&p, '}', "to close the module");
  bool any_output = false;
  for (int i = 0; i < p.m->nops; i++) any_output |= p.m->ops[i]->kind == IR_OUTPUT;
  if (!any_output) perr_at(&p, close, "module '%s' has no output (a module computes at least one: output \"NAME\" = %%v : TYPE)", p.m->name);
  ws(&p);
  if (p.s[p.i]) perr(&p, "unexpected text after the module");
  IrWirPos *w = ARENA_NEW(&p.m->arena, IrWirPos, 1);
  w->file = arena_strdup(&p.m->arena, file);
#define KEEP(DST, N, VV, T) do { DST = ARENA_NEW(&p.m->arena, T, (VV).n); if ((VV).n) memcpy(DST, (VV).v, sizeof(T) * (size_t)(VV).n); N = (VV).n; } while (0)
  KEEP(w->op, w->nops, p.opos, WirOpPos);
  KEEP(w->net, w->nnets, p.npos, WirNetPos);
  KEEP(w->core, w->ncores, p.cpos, WirCorePos);
#undef KEEP
  p.m->wir = w;
  free_vecs(&p);
  return p.m;
}
