/* frontend/build.c: from the WDL syntax tree to an untyped IR module.
 *
 * The parser (wdl.y) only builds a tree. Here every statement is checked in
 * order and turned into ops:
 *   input / param  -> INPUT / PARAM ops carrying their declared type
 *   expressions    -> ADD SUB MUL NEG RELU MATMUL ops, untyped (pass_infer
 *                     types them); a let or output of a bare name aliases
 *   output         -> an OUTPUT op named after the output
 * Name errors (unknown names with a "did you mean", use before definition,
 * redefinitions, bad dtypes/dims/initialisers) are all reported, not just
 * the first; any error makes the result NULL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frontend/ast.h"
#include "frontend/wdl.h"
#include "ir/diag.h"
#include "ir/ir.h"
#include "wdl.tab.h"
#include "wdl.lex.h"

typedef struct Sym {
  const char *name;
  SrcLoc loc;
  IrOp *op;
  const Stmt *st;
  IrOp **arr;     /* a param array: arr[0..narr) */
  int64_t narr;
} Sym;

/* The environment of an inlined def: its parameters and lets, its index
 * variables and the values its named dimensions took at this call. */
typedef struct Binding { const char *name; IrOp *op; int64_t val; } Binding;
typedef struct Env {
  VEC(Binding) vals;   /* tensors */
  StrMap valmap;       /* name -> 1 + index of its latest binding in vals */
  VEC(Binding) idx;    /* index parameters */
  VEC(Binding) dims;   /* named dimensions */
  const Stmt *def;
} Env;

typedef struct Build {
  IrModule *m;
  Ctx *ctx;
  VEC(Sym) syms;
  StrMap symmap;  /* name -> 1 + index in syms */
  StrMap defmap;  /* def name -> its first S_DEF */
  StrMap stmtmap; /* every statement's name -> its first statement */
  StrMap declmap; /* the names of statements that did not parse */
  int nest;       /* recursion depth of lower_expr, through inlined defs */
  bool stopped;   /* a limit was hit and reported: lower nothing more */
  int ntemp;
  int errors;
  Env *env;       /* inside an inlined def, else NULL */
  int ninline;    /* inlined calls so far (names their lets) */
  int depth;      /* nesting of inlined calls */
  const char *wdl_path;
} Build;

static IrOp *typed(Build *b, IrOp *op);

/* The name tables are hashed: a generated model may have 10^5 names and
 * a linear search per use made 40,000 lets take seconds. */
static Sym *lookup(Build *b, const char *name) {
  intptr_t i = (intptr_t)strmap_get(&b->symmap, name);
  return i ? &b->syms.v[i - 1] : NULL;
}

static int edit_distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 64 || lb > 64) return 99;
  int d[65][65];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
      d[i][j] = c;
    }
  return d[la][lb];
}

static void err(Build *b, const SrcLoc *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(Build *b, const SrcLoc *loc, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_error(loc, "%s", msg);
  b->errors++;
}

static const char *temp_name(Build *b) {
  char t[32];
  snprintf(t, sizeof t, "%d", b->ntemp++);
  return arena_strdup(&b->m->arena, t);
}

static IrOp *lower_expr(Build *b, const Expr *e);

/* The functions of WDL expressions: the op table's rows with a function
 * spelling (ir/ir.h) - the elementwise ones are called f(a) or f(a, b)
 * (cast(e, DTYPE)), the others take named arguments and are built below -
 * and the functions built from several ops. */
static const char *const composite_funcs[] = {"softmax", "layernorm", NULL};
static bool is_func_spelling(const char *w) { return w[0] && w[0] != '\''; }
/* "max min relu ... softmax layernorm": every function, each once. */
static const char *func_list(void) {
  static char list[512];
  if (list[0]) return list;
  size_t o = 0;
  for (int k = 0; k < IR__COUNT; k++) {
    const char *w = ir_ops[k].wdl;
    bool dup = !is_func_spelling(w);
    for (int j = 0; j < k && !dup; j++) dup = !strcmp(ir_ops[j].wdl, w);
    if (!dup) o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? " " : "", w);
  }
  for (int i = 0; composite_funcs[i]; i++) o += (size_t)snprintf(list + o, sizeof list - o, " %s", composite_funcs[i]);
  return list;
}
/* The usage of an elementwise function, for arity errors. */
static const char *func_usage(IrOpKind k) {
  if (ir_ops[k].ty == TY_CAST) return "an expression and a dtype: cast(e, f16)";
  return ir_ops[k].nargs == 1 ? "1 argument" : "2 arguments";
}

/* ---- calls ---- */

static IrOp *mk(Build *b, IrOpKind k, IrOp *x, IrOp *y, SrcLoc loc) {
  if (!x || (ir_ops[k].nargs > 1 && !y)) return NULL;
  IrOp *op = ir_add_op(b->m, k, temp_name(b));
  op->arg[0] = x;
  op->arg[1] = y;
  op->loc = loc;
  return op;
}
/* mk for ops whose attributes are already set by the caller: type it */
#define MK(...) typed(b, mk(b, __VA_ARGS__))
static IrOp *mk_const(Build *b, double v, SrcLoc loc) {
  IrOp *op = ir_add_op(b->m, IR_CONST, temp_name(b));
  op->init = INIT_FULL;
  op->fill = v;
  op->loc = loc;
  return op;
}
/* A reduction over any axis: over a batch axis each core reduces its own
 * tile (map_batch_reduce, docs/mapping.md). */
static IrOp *mk_reduce(Build *b, IrOpKind k, IrOp *x, int axis, bool keep, SrcLoc loc) {
  IrOp *op = mk(b, k, x, NULL, loc);
  if (!op) return NULL;
  op->axis = axis;
  op->keepdims = keep;
  return typed(b, op);
}

/* A compile-time number: NUMBER or -NUMBER. */
static bool const_num(const Expr *e, double *v) {
  if (e->kind == E_NUM) {
    *v = e->num;
    return true;
  }
  if (e->kind == E_NEG && e->l->kind == E_NUM) {
    *v = -e->l->num;
    return true;
  }
  return false;
}

/* A compile-time whole number: numbers, the def's index parameters and
 * named dimensions, and + - * and exact / of those
 * (slice(q, axis=1, start=i*64, end=i*64+64)). Returns 1 with *out set,
 * 0 if e is not such a number, -1 if it is one but out of range (reported
 * here: every value and intermediate result has a magnitude of at most
 * WDL_MAX_INT = 2^53, so it is exact and nothing overflows). A long chain
 * a + b + c + ... is walked along its left spine without recursion. */
static int const_int(Build *b, const Expr *e, int64_t *out);
static int const_leaf(Build *b, const Expr *e, int64_t *out) {
  double v;
  if (const_num(e, &v)) {
    if (!(v >= -(double)WDL_MAX_INT && v <= (double)WDL_MAX_INT)) {
      err(b, &e->loc, "whole number out of range (at most %lld in magnitude)", (long long)WDL_MAX_INT);
      return -1;
    }
    if (v != (double)(int64_t)v) return 0;
    *out = (int64_t)v;
    return 1;
  }
  if (e->kind == E_NAME && b->env) {
    for (int i = 0; i < b->env->idx.n; i++)
      if (!strcmp(b->env->idx.v[i].name, e->name)) {
        *out = b->env->idx.v[i].val;
        return 1;
      }
    for (int i = 0; i < b->env->dims.n; i++) /* a named dimension of the def: reshape(x, [S, 4, H / 4]) */
      if (!strcmp(b->env->dims.v[i].name, e->name)) {
        *out = b->env->dims.v[i].val;
        return 1;
      }
    return 0;
  }
  if (e->kind == E_NEG) {
    int64_t a;
    int r = const_int(b, e->l, &a);
    if (r > 0) *out = -a;
    return r;
  }
  return 0;
}
static bool int_op(const Expr *e) { return e->kind == E_BIN && e->op != '@'; }
static int const_int(Build *b, const Expr *e, int64_t *out) {
  if (!int_op(e)) return const_leaf(b, e, out);
  VEC(const Expr *) spine = {0}; /* e, e->l, e->l->l, ... while they are + - * / */
  for (const Expr *x = e; int_op(x); x = x->l) VEC_PUSH(spine, x);
  int64_t acc;
  int r = const_leaf(b, spine.v[spine.n - 1]->l, &acc);
  for (int k = spine.n - 1; k >= 0 && r > 0; k--) {
    const Expr *x = spine.v[k];
    int64_t c;
    if ((r = const_int(b, x->r, &c)) <= 0) break;
    if (x->op == '/' && (c == 0 || acc % c)) { /* only exact divisions */
      r = 0;
      break;
    }
    __int128 v = x->op == '+' ? (__int128)acc + c : x->op == '-' ? (__int128)acc - c : x->op == '*' ? (__int128)acc * c : acc / c;
    if (v > WDL_MAX_INT || v < -WDL_MAX_INT) {
      err(b, &x->loc, "whole number out of range (at most %lld in magnitude)", (long long)WDL_MAX_INT);
      r = -1;
      break;
    }
    acc = (int64_t)v;
  }
  VEC_FREE(spine);
  if (r > 0) *out = acc;
  return r;
}

/* A list [a, b, ...] of at most IR_MAXRANK compile-time whole numbers:
 * 1, 0 (not such a list) or -1 (an element out of range, reported). */
static int int_list(Build *b, const Expr *e, int64_t *v, int *n) {
  if (e->kind != E_LIST) return 0;
  *n = 0;
  for (const ExprList *a = e->args; a; a = a->next) {
    if (*n == IR_MAXRANK) return 0;
    int r = const_int(b, a->e, &v[*n]);
    if (r <= 0) return r;
    (*n)++;
  }
  return 1;
}

typedef struct CallArgs {
  const Expr *pos[8];
  int npos;
  const ExprList *named[8];
  int nnamed;
} CallArgs;

static const ExprList *named(const CallArgs *c, const char *name) {
  for (int i = 0; i < c->nnamed; i++)
    if (!strcmp(c->named[i]->name, name)) return c->named[i];
  return NULL;
}

/* Check named arguments against the allowed list; read axis/keepdims/eps. */
static bool call_options(Build *b, const Expr *e, const CallArgs *c, const char *allowed, int *axis, bool *keep,
                         double *eps, bool need_axis) {
  bool ok = true;
  for (int i = 0; i < c->nnamed; i++) {
    const ExprList *a = c->named[i];
    char key[40];
    snprintf(key, sizeof key, " %s ", a->name);
    if (!strstr(allowed, key)) {
      char list[80] = "";
      int o = 0;
      for (const char *w = allowed; *w;) {
        while (*w == ' ') w++;
        const char *end = strchr(w, ' ');
        if (!end || end == w) break;
        o += snprintf(list + o, sizeof list - (size_t)o, "%s%.*s=", o ? ", " : "", (int)(end - w), w);
        w = end;
      }
      err(b, &a->nloc, "%s() has no argument '%s' (it takes %s)", e->name, a->name, list);
      ok = false;
      continue;
    }
    double v;
    if (!strcmp(a->name, "axis")) {
      /* the range first: converting 1e30 to int is undefined */
      if (!const_num(a->e, &v) || !(v >= -1e9 && v <= 1e9) || v != (double)(int)v) {
        err(b, &a->e->loc, "axis= must be a whole number, like axis=-1");
        ok = false;
      } else if (v < -IR_MAXRANK || v >= IR_MAXRANK) {
        err(b, &a->e->loc, "axis=%d is out of range (a tensor has at most %d axes: axis= is in [%d, %d])", (int)v,
            IR_MAXRANK, -IR_MAXRANK, IR_MAXRANK - 1);
        ok = false;
      } else *axis = (int)v;
    } else if (!strcmp(a->name, "keepdims")) {
      if (a->e->kind != E_NAME || (strcmp(a->e->name, "true") && strcmp(a->e->name, "false"))) {
        err(b, &a->e->loc, "keepdims= must be true or false");
        ok = false;
      } else *keep = !strcmp(a->e->name, "true");
    } else if (!strcmp(a->name, "eps")) {
      if (!const_num(a->e, &v) || !(v >= 0)) {
        err(b, &a->e->loc, "eps= must be a non-negative number, like eps=1e-5");
        ok = false;
      } else *eps = v;
    }
  }
  if (need_axis && !named(c, "axis") && ok) {
    err(b, &e->loc, "%s() needs axis= (one axis at a time, e.g. %s(x, axis=-1))", e->name, e->name);
    ok = false;
  }
  return ok;
}

static const Stmt *find_def(Build *b, const char *name);

/* Check v against a declared type, binding its named dimensions in env. */
static bool bind_type(Build *b, Env *env, const TypeSpec *t, IrOp *v, const SrcLoc *at, const char *what) {
  if (!v->typed || t->rank > IR_MAXRANK) return false; /* reported already */
  char sb[96];
  DType dt = DT_F32;
  ir_dtype_parse(t->dtype, &dt);
  bool ok = v->dt == dt && v->shape.rank == t->rank;
  for (int k = 0; ok && k < t->rank; k++) {
    if (!t->dname[k]) {
      ok = v->shape.d[k] == t->d[k];
      continue;
    }
    int j;
    for (j = 0; j < env->dims.n; j++)
      if (!strcmp(env->dims.v[j].name, t->dname[k])) break;
    if (j == env->dims.n) {
      Binding bd = {t->dname[k], NULL, v->shape.d[k]};
      VEC_PUSH(env->dims, bd);
    } else if (env->dims.v[j].val != v->shape.d[k]) {
      err(b, at, "%s is %s%s, but %s = %lld from an earlier argument", what, ir_dtype_name(v->dt),
          shape_str(&v->shape, sb, sizeof sb), t->dname[k], (long long)env->dims.v[j].val);
      return false;
    }
  }
  if (!ok) {
    char want[128];
    int o = snprintf(want, sizeof want, "%s[", t->dtype);
    for (int k = 0; k < t->rank; k++) {
      if (t->dname[k]) o += snprintf(want + o, sizeof want - (size_t)o, "%s%s", k ? ", " : "", t->dname[k]);
      else o += snprintf(want + o, sizeof want - (size_t)o, "%s%lld", k ? ", " : "", (long long)t->d[k]);
    }
    snprintf(want + o, sizeof want - (size_t)o, "]");
    err(b, at, "%s is %s%s but the def takes %s", what, ir_dtype_name(v->dt), shape_str(&v->shape, sb, sizeof sb), want);
  }
  return ok;
}

/* Inline def `d` with the given arguments (tensors in ops[], indices in
 * idx[]); check every argument's type against the parameter's, binding the
 * named dimensions, and the result against the declared result type. */
static IrOp *inline_def(Build *b, const Stmt *d, IrOp **ops, const int64_t *idx, SrcLoc call) {
  if (d->bad) return NULL; /* reported where it is defined */
  if (b->depth > 64) {
    err(b, &call, "def '%s' calls itself (through %d nested calls); defs cannot recurse", d->name, b->depth);
    return NULL;
  }
  Env env;
  memset(&env, 0, sizeof env);
  env.def = d;
  bool ok = true;
  int i = 0;
  for (const DParam *pa = d->params; pa; pa = pa->next, i++) {
    if (pa->type.rank < 0) {
      Binding bd = {pa->name, NULL, idx[i]};
      VEC_PUSH(env.idx, bd);
      continue;
    }
    char what[96];
    snprintf(what, sizeof what, "argument %d of %s() ('%s')", i + 1, d->name, pa->name);
    if (!bind_type(b, &env, &pa->type, ops[i], &call, what)) {
      if (pa->type.rank <= IR_MAXRANK) diag_note(&pa->loc, "'%s' is declared here", pa->name); /* else reported at the def */
      ok = false;
      continue;
    }
    Binding bd = {pa->name, ops[i], 0};
    VEC_PUSH(env.vals, bd);
    strmap_put(&env.valmap, pa->name, (void *)(intptr_t)env.vals.n);
  }
  IrOp *ret = NULL;
  if (ok) {
    Env *saved = b->env;
    b->env = &env;
    b->depth++;
    int call_no = b->ninline++;
    for (const Stmt *st = d->body; st && ok; st = st->next) {
      int before = b->m->nops;
      IrOp *v = lower_expr(b, st->e);
      if (!v) {
        ok = false;
        break;
      }
      if (b->m->nops > before && !ir_is_preloaded(v)) v->name = arena_printf(&b->m->arena, "%s$%d", st->name, call_no);
      Binding bd = {st->name, v, 0};
      VEC_PUSH(env.vals, bd);
      strmap_put(&env.valmap, st->name, (void *)(intptr_t)env.vals.n);
    }
    if (ok) ret = lower_expr(b, d->e);
    b->depth--;
    b->env = saved;
    if (ret && !bind_type(b, &env, &d->ret, ret, &call, "the result")) {
      diag_note(&d->ret.loc, "%s() is declared to return this", d->name);
      ret = NULL;
    }
  }
  VEC_FREE(env.vals);
  strmap_free(&env.valmap);
  VEC_FREE(env.idx);
  VEC_FREE(env.dims);
  return ret;
}

static IrOp *call_def(Build *b, const Expr *e, const Stmt *d, const CallArgs *c) {
  int np = 0;
  for (const DParam *pa = d->params; pa; pa = pa->next) np++;
  if (c->nnamed || c->npos != np || np > 8) {
    err(b, &e->loc, "%s() takes %d argument%s, got %d", d->name, np, np == 1 ? "" : "s", c->npos + c->nnamed);
    diag_note(&d->nloc, "%s is defined here", d->name);
    return NULL;
  }
  IrOp *ops[8] = {0};
  int64_t idx[8] = {0};
  bool ok = true;
  int i = 0;
  for (const DParam *pa = d->params; pa; pa = pa->next, i++) {
    if (pa->type.rank >= 0) {
      ops[i] = lower_expr(b, c->pos[i]);
      ok &= ops[i] != NULL;
      continue;
    }
    const Expr *a = c->pos[i];
    int r = const_int(b, a, &idx[i]);
    if (r <= 0) {
      if (r == 0) err(b, &a->loc, "argument %d of %s() ('%s') is an index: give a whole number", i + 1, d->name, pa->name);
      ok = false;
    }
  }
  return ok ? inline_def(b, d, ops, idx, e->loc) : NULL;
}

/* repeat(f, x, N) = f(... f(f(x, 0), 1) ..., N-1): a stack of N layers. */
static IrOp *call_repeat(Build *b, const Expr *e, const CallArgs *c) {
  double n;
  const Stmt *d = c->npos == 3 && c->pos[0]->kind == E_NAME ? find_def(b, c->pos[0]->name) : NULL;
  if (!d || c->nnamed || !const_num(c->pos[2], &n)) {
    err(b, &e->loc, "repeat() takes a def, a start value and a count: repeat(layer, x, 12)");
    return NULL;
  }
  /* the range before the conversion: (int64_t)1e20 is undefined */
  if (!(n >= 1 && n <= WDL_MAX_REPEAT) || n != (double)(int)n) {
    err(b, &c->pos[2]->loc, "repeat() count must be a whole number from 1 to %d", WDL_MAX_REPEAT);
    return NULL;
  }
  const DParam *p0 = d->params, *p1 = p0 ? p0->next : NULL;
  if (!p0 || !p1 || p1->next || p0->type.rank < 0 || p1->type.rank >= 0) {
    err(b, &c->pos[0]->loc, "repeat() needs a def of (tensor, index), like def layer(h: f16[S, H], i: index) -> f16[S, H]");
    diag_note(&d->nloc, "%s is defined here", d->name);
    return NULL;
  }
  IrOp *h = lower_expr(b, c->pos[1]);
  for (int64_t i = 0; h && !b->stopped && i < (int64_t)n; i++) {
    IrOp *ops[2] = {h, NULL};
    int64_t idx[2] = {0, i};
    h = inline_def(b, d, ops, idx, e->loc);
  }
  return h;
}

static IrOp *lower_call(Build *b, const Expr *e) {
  CallArgs c = {{0}, 0, {0}, 0};
  int nargs = 0;
  for (const ExprList *a = e->args; a; a = a->next) {
    nargs++;
    if (a->name && c.nnamed < 8) c.named[c.nnamed++] = a;
    else if (!a->name && c.npos < 8) c.pos[c.npos++] = a->e;
  }
  if (nargs > 8) { /* no WDL function or def takes more; the counts above stop at 8 */
    err(b, &e->loc, "%s() takes at most 8 arguments, got %d", e->name, nargs);
    return NULL;
  }
  int axis = -1;
  bool keep = false;
  double eps = 1e-5;
  const char *f = e->name;
  const Stmt *d = find_def(b, f);
  if (d) return call_def(b, e, d, &c);
  if (!strcmp(f, "repeat")) return call_repeat(b, e, &c);
  bool reduce = !strcmp(f, "sum") || !strcmp(f, "mean") || (!strcmp(f, "max") && (c.nnamed || c.npos == 1));
  if (reduce) {
    if (c.npos != 1) {
      err(b, &e->loc, "%s() takes one tensor and axis=, keepdims=; got %d tensor%s", f, c.npos, c.npos == 1 ? "" : "s");
      return NULL;
    }
    if (!call_options(b, e, &c, " axis keepdims ", &axis, &keep, &eps, true)) return NULL;
    IrOp *x = lower_expr(b, c.pos[0]);
    if (!x) return NULL;
    IrOpKind k = f[0] == 's' ? IR_SUM : f[1] == 'e' ? IR_MEAN : IR_RMAX;
    return mk_reduce(b, k, x, axis, keep, e->loc);
  }
  if (!strcmp(f, "softmax")) {
    /* softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))), along axis */
    if (c.npos != 1) {
      err(b, &e->loc, "softmax() takes one tensor and axis=; got %d tensor%s", c.npos, c.npos == 1 ? "" : "s");
      return NULL;
    }
    if (!call_options(b, e, &c, " axis ", &axis, &keep, &eps, false)) return NULL;
    IrOp *x = lower_expr(b, c.pos[0]);
    if (!x) return NULL;
    IrOp *m = mk_reduce(b, IR_RMAX, x, axis, true, e->loc);
    IrOp *ex = MK(IR_EXP, MK(IR_SUB, x, m, e->loc), NULL, e->loc);
    IrOp *s = mk_reduce(b, IR_SUM, ex, axis, true, e->loc);
    return MK(IR_DIV, ex, s, e->loc);
  }
  if (!strcmp(f, "layernorm")) {
    /* (x - mean) * rsqrt(var + eps) * gamma + beta, along axis */
    if (c.npos != 3) {
      err(b, &e->loc, "layernorm() takes x, gamma, beta and axis=, eps=; got %d tensor%s", c.npos, c.npos == 1 ? "" : "s");
      return NULL;
    }
    if (!call_options(b, e, &c, " axis eps ", &axis, &keep, &eps, false)) return NULL;
    IrOp *x = lower_expr(b, c.pos[0]), *g = lower_expr(b, c.pos[1]), *be = lower_expr(b, c.pos[2]);
    if (!x || !g || !be) return NULL;
    IrOp *mu = mk_reduce(b, IR_MEAN, x, axis, true, e->loc);
    IrOp *d = MK(IR_SUB, x, mu, e->loc);
    IrOp *var = mk_reduce(b, IR_MEAN, MK(IR_MUL, d, d, e->loc), axis, true, e->loc);
    IrOp *inv = MK(IR_RSQRT, MK(IR_ADD, var, mk_const(b, eps, e->loc), e->loc), NULL, e->loc);
    return MK(IR_ADD, MK(IR_MUL, MK(IR_MUL, d, inv, e->loc), g, e->loc), be, e->loc);
  }
  if (!strcmp(f, "transpose")) {
    if (c.npos != 1) {
      err(b, &e->loc, "transpose() takes one tensor and perm=; got %d tensor%s", c.npos, c.npos == 1 ? "" : "s");
      return NULL;
    }
    int64_t perm[IR_MAXRANK];
    int np = -1; /* no perm=: the axes reversed, as in NumPy */
    for (int i = 0; i < c.nnamed; i++) {
      const ExprList *a = c.named[i];
      if (strcmp(a->name, "perm")) {
        err(b, &a->nloc, "transpose() has no argument '%s' (it takes perm=[...])", a->name);
        return NULL;
      }
      int r = int_list(b, a->e, perm, &np);
      if (r <= 0) {
        if (r == 0) err(b, &a->e->loc, "transpose() takes perm= as a list of axes: transpose(x, perm=[0, 2, 1])");
        return NULL;
      }
    }
    IrOp *x = lower_expr(b, c.pos[0]);
    if (!x) return NULL;
    IrOp *op = mk(b, IR_TRANSPOSE, x, NULL, e->loc);
    int r = x->shape.rank;
    if (np >= 0 && np != r) {
      char tb[96];
      err(b, &e->loc, "transpose() of %s%s needs perm= with %d axes, got %d", ir_dtype_name(x->dt),
          shape_str(&x->shape, tb, sizeof tb), r, np);
      return NULL;
    }
    for (int k = 0; k < r; k++) op->perm[k] = (int8_t)(np >= 0 ? perm[k] : r - 1 - k);
    return typed(b, op);
  }
  if (!strcmp(f, "reshape")) {
    int64_t dims[IR_MAXRANK];
    int nd = -1;
    int r = c.npos != 2 || c.nnamed ? 0 : int_list(b, c.pos[1], dims, &nd);
    if (r <= 0) {
      if (r == 0) err(b, &e->loc, "reshape() takes a tensor and a list of up to %d dimensions (one may be -1): "
          "reshape(x, [4, -1, 32])", IR_MAXRANK);
      return NULL;
    }
    IrOp *x = lower_expr(b, c.pos[0]);
    if (!x) return NULL;
    IrOp *op = mk(b, IR_RESHAPE, x, NULL, e->loc);
    int64_t known = 1, n = shape_count(&x->shape);
    int infer = -1;
    for (int k = 0; k < nd; k++) {
      if (dims[k] == -1 && infer < 0) {
        infer = k;
        continue;
      }
      if (dims[k] <= 0) {
        err(b, &c.pos[1]->loc, "reshape() dimensions must be positive (or one -1, inferred); got %lld",
            (long long)dims[k]);
        return NULL;
      }
      known *= dims[k];
    }
    if (infer >= 0) dims[infer] = known > 0 && n % known == 0 ? n / known : 0;
    op->shape.rank = nd;
    for (int k = 0; k < nd; k++) op->shape.d[k] = dims[k];
    if (infer >= 0 && dims[infer] == 0) {
      char tb[96];
      err(b, &c.pos[1]->loc, "reshape() of %s%s: its %lld elements are not a multiple of %lld (the other "
          "dimensions), so no size fits the -1", ir_dtype_name(x->dt), shape_str(&x->shape, tb, sizeof tb),
          (long long)n, (long long)known);
      return NULL;
    }
    return typed(b, op);
  }
  if (!strcmp(f, "slice")) {
    if (c.npos != 1) {
      err(b, &e->loc, "slice() takes one tensor and axis=, start=, end=; got %d tensor%s", c.npos, c.npos == 1 ? "" : "s");
      return NULL;
    }
    int64_t v[3] = {0, 0, 0};
    static const char *const names[3] = {"axis", "start", "end"};
    for (int k = 0; k < 3; k++) {
      const ExprList *a = named(&c, names[k]);
      int r = a ? const_int(b, a->e, &v[k]) : 0;
      if (r <= 0) {
        if (r == 0) err(b, a ? &a->e->loc : &e->loc, "slice() needs %s= as a whole number: slice(x, axis=1, start=0, end=32)",
            names[k]);
        return NULL;
      }
    }
    for (int i = 0; i < c.nnamed; i++)
      if (strcmp(c.named[i]->name, "axis") && strcmp(c.named[i]->name, "start") && strcmp(c.named[i]->name, "end")) {
        err(b, &c.named[i]->nloc, "slice() has no argument '%s' (it takes axis=, start=, end=)", c.named[i]->name);
        return NULL;
      }
    IrOp *x = lower_expr(b, c.pos[0]);
    if (!x) return NULL;
    if (v[0] < -IR_MAXRANK || v[0] >= IR_MAXRANK) {
      err(b, &named(&c, "axis")->e->loc, "slice(): axis=%lld is out of range (a tensor has at most %d axes)",
          (long long)v[0], IR_MAXRANK);
      return NULL;
    }
    IrOp *op = mk(b, IR_SLICE, x, NULL, e->loc);
    op->axis = (int)v[0];
    op->start = v[1];
    op->end = v[2];
    return typed(b, op);
  }
  if (!strcmp(f, "concat")) {
    if (c.npos != 1 || c.pos[0]->kind != E_LIST || !c.pos[0]->args || !c.pos[0]->args->next) {
      err(b, &e->loc, "concat() takes a list of two or more tensors and axis=: concat([a, b], axis=0)");
      return NULL;
    }
    if (!call_options(b, e, &c, " axis ", &axis, &keep, &eps, true)) return NULL;
    /* The parts are joined as a balanced tree of binary concats (depth
     * log2 n), so no part is copied more than log2 n times. */
    VEC(IrOp *) part = {0};
    bool ok = true;
    for (const ExprList *a = c.pos[0]->args; a; a = a->next) {
      IrOp *x = lower_expr(b, a->e);
      ok = ok && x;
      VEC_PUSH(part, x);
    }
    while (ok && part.n > 1) {
      int k = 0;
      for (int i = 0; i < part.n && ok; i += 2) {
        IrOp *x = part.v[i];
        if (i + 1 < part.n) {
          x = mk(b, IR_CONCAT, part.v[i], part.v[i + 1], e->loc);
          x->axis = axis;
          x = typed(b, x);
          ok = x != NULL;
        }
        part.v[k++] = x;
      }
      part.n = k;
    }
    IrOp *acc = ok ? part.v[0] : NULL;
    VEC_FREE(part);
    return ok ? acc : NULL;
  }
  int fk = ir_op_wdl_function(f);
  if (fk < 0) {
    const char *best = NULL;
    int bd = 3;
    for (int k = 0; k <= IR__COUNT; k++) {
      for (int i = 0; i < (k < IR__COUNT ? 1 : 2); i++) {
        const char *g = k < IR__COUNT ? ir_ops[k].wdl : composite_funcs[i];
        if (!g || !is_func_spelling(g)) continue;
        int d = edit_distance(f, g);
        if (d < bd && 2 * d <= (int)strlen(f)) {
          bd = d;
          best = g;
        }
      }
    }
    if (best) err(b, &e->oploc, "unknown function '%s'; did you mean '%s'?", f, best);
    else err(b, &e->oploc, "unknown function '%s' (WDL has %s)", f, func_list());
    for (const ExprList *a = e->args; a; a = a->next) lower_expr(b, a->e);
    return NULL;
  }
  IrOpKind kind = (IrOpKind)fk;
  bool is_cast = ir_ops[kind].ty == TY_CAST;
  int want = ir_ops[kind].nargs + is_cast; /* cast(e, DTYPE) */
  if (c.nnamed) {
    err(b, &c.named[0]->nloc, "%s() takes no named arguments", f);
    return NULL;
  }
  if (c.npos != want) {
    err(b, &e->loc, "%s() takes %s, got %d argument%s", f, func_usage(kind), c.npos, c.npos == 1 ? "" : "s");
    return NULL;
  }
  DType cast_to = DT_F32;
  int n = c.npos;
  if (is_cast) {
    const Expr *t = c.pos[1];
    if (t->kind != E_NAME || !ir_dtype_parse(t->name, &cast_to)) {
      err(b, &t->loc, "cast() takes a dtype as its second argument (f32, f16 or bf16)");
      return NULL;
    }
    n = 1;
  }
  IrOp *args[2] = {NULL, NULL};
  bool ok = true;
  for (int i = 0; i < n; i++) {
    args[i] = lower_expr(b, c.pos[i]);
    ok &= args[i] != NULL;
  }
  if (!ok) return NULL;
  IrOp *op = mk(b, kind, args[0], args[1], e->loc);
  op->dt = cast_to;
  return typed(b, op);
}

static const Stmt *find_def(Build *b, const char *name) { return strmap_get(&b->defmap, name); }

static IrOp *name_ref(Build *b, const Expr *e) {
  if (b->env) {
    intptr_t i = (intptr_t)strmap_get(&b->env->valmap, e->name);
    if (i) return b->env->vals.v[i - 1].op;
    for (int i = 0; i < b->env->idx.n; i++)
      if (!strcmp(b->env->idx.v[i].name, e->name)) {
        err(b, &e->loc, "'%s' is an index; use it to pick from a param array, like w[%s]", e->name, e->name);
        return NULL;
      }
  }
  Sym *s = lookup(b, e->name);
  if (s && s->arr) {
    err(b, &e->loc, "'%s' is an array of %lld params; pick one with %s[i]", e->name, (long long)s->narr, e->name);
    return NULL;
  }
  if (s) return s->op;
  if (b->env) {
    err(b, &e->loc, "unknown name '%s' in def '%s'", e->name, b->env->def->name);
    return NULL;
  }
  /* defined later? */
  const Stmt *later = strmap_get(&b->stmtmap, e->name);
  if (later) {
    err(b, &e->loc, "'%s' is used before its definition", e->name);
    diag_note(&later->nloc, "'%s' is defined here", e->name);
    return NULL;
  }
  /* A name declared by a statement that did not parse: the syntax error
   * was reported already, do not cascade. */
  if (b->ctx->nsyntax && strmap_get(&b->declmap, e->name)) return NULL;
  /* past the error limit nothing is shown: skip the search for a hint */
  if (diag_errors() >= DIAG_MAX_ERRORS) {
    err(b, &e->loc, "unknown name '%s'", e->name);
    return NULL;
  }
  const char *best = NULL;
  int bd = 3;
  for (const Stmt *st = b->ctx->head; st; st = st->next) {
    if (!st->name) continue;
    int d = edit_distance(e->name, st->name);
    if (d < bd && 2 * d <= (int)strlen(e->name)) {
      bd = d;
      best = st->name;
    }
  }
  if (best) err(b, &e->loc, "unknown name '%s'; did you mean '%s'?", e->name, best);
  else err(b, &e->loc, "unknown name '%s'", e->name);
  return NULL;
}

static IrOp *lower_call(Build *b, const Expr *e);

/* A RESHAPE of v to shape s, typed. */
static IrOp *reshape_to(Build *b, IrOp *v, const Shape *s, SrcLoc loc) {
  IrOp *r = ir_add_op(b->m, IR_RESHAPE, temp_name(b));
  r->arg[0] = v;
  r->loc = loc;
  r->shape = *s;
  return typed(b, r);
}

/* a @ c with NumPy's vector rules: a vector [K] on the left is a [1, K]
 * matrix, one on the right a [K, 1] one, and the unit axis they bring is
 * dropped from the result - reshapes around a matmul of matrices. */
static IrOp *matmul(Build *b, IrOp *a, IrOp *c, SrcLoc loc) {
  bool va = a->shape.rank == 1 && c->shape.rank >= 1, vc = c->shape.rank == 1 && a->shape.rank >= 1;
  int64_t ka = a->shape.d[a->shape.rank - 1], kc = c->shape.d[c->shape.rank >= 2 ? c->shape.rank - 2 : 0];
  if ((va || vc) && ka != kc) { /* say it before the reshapes, in the user's terms */
    char sa[64], sc[64];
    err(b, &loc, "matmul shapes %s%s @ %s%s: inner dimensions %lld and %lld differ", ir_dtype_name(a->dt),
        shape_str(&a->shape, sa, sizeof sa), ir_dtype_name(c->dt), shape_str(&c->shape, sc, sizeof sc), (long long)ka,
        (long long)kc);
    return NULL;
  }
  if (va) {
    Shape s = {2, {1, a->shape.d[0]}};
    if (!(a = reshape_to(b, a, &s, loc))) return NULL;
  }
  if (vc) {
    Shape s = {2, {c->shape.d[0], 1}};
    if (!(c = reshape_to(b, c, &s, loc))) return NULL;
  }
  IrOp *op = ir_add_op(b->m, IR_MATMUL, temp_name(b));
  op->arg[0] = a;
  op->arg[1] = c;
  op->loc = loc;
  op->nargs = 2;
  if (!(op = typed(b, op)) || (!va && !vc)) return op;
  Shape s = {0, {0}};
  for (int k = 0; k < op->shape.rank; k++)
    if (!((va && k == op->shape.rank - 2) || (vc && k == op->shape.rank - 1))) s.d[s.rank++] = op->shape.d[k];
  return reshape_to(b, op, &s, loc);
}
static bool bind_type(Build *b, Env *env, const TypeSpec *t, IrOp *v, const SrcLoc *at, const char *what);

/* Type a freshly built op now (ir_type_op, the rules of the op table), so that the
 * shapes at a def's call site can be checked. */
static IrOp *typed(Build *b, IrOp *op) {
  if (!op) return NULL;
  for (int i = 0; i < op->nargs; i++)
    if (!op->arg[i]->typed && op->arg[i]->kind != IR_CONST) return NULL;
  if (!ir_type_op(op)) {
    b->errors++;
    return NULL;
  }
  /* The declared tensors are bounded (check_type), but x @ y of two of
   * them can have far more elements: bound every result the same way. */
  for (int k = 0; k < op->shape.rank; k++)
    if (op->shape.d[k] > WDL_MAX_DIM) {
      char sb[96];
      err(b, &op->loc, "the result %s%s has a dimension larger than %d, the limit", ir_dtype_name(op->dt),
          shape_str(&op->shape, sb, sizeof sb), WDL_MAX_DIM);
      return NULL;
    }
  if (shape_count(&op->shape) > WDL_MAX_ELEMS) {
    char sb[96];
    err(b, &op->loc, "the result %s%s has %lld elements; a tensor has at most %lld", ir_dtype_name(op->dt),
        shape_str(&op->shape, sb, sizeof sb), (long long)shape_count(&op->shape), (long long)WDL_MAX_ELEMS);
    return NULL;
  }
  return op;
}

/* lower_expr recurses into operands, calls and inlined def bodies; its
 * depth is bounded (WDL_MAX_NESTING) so no input overflows the stack,
 * and the module's size is bounded (WDL_MAX_OPS) so repeat() and nested
 * defs cannot grow it to gigabytes. A left-deep chain a + b + c + ...
 * (the usual long expression) is walked along its left spine in a loop,
 * so it costs no depth however long it is. Once a limit is reported,
 * b->stopped makes everything return at once. */
static IrOp *lower_expr1(Build *b, const Expr *e);
static IrOp *lower_expr(Build *b, const Expr *e) {
  if (b->stopped) return NULL;
  if (b->m->nops > WDL_MAX_OPS) {
    err(b, &e->loc, "the model has more than %d ops (after inlining defs and repeat()); that is the limit", WDL_MAX_OPS);
    b->stopped = true;
    return NULL;
  }
  if (b->nest > WDL_MAX_NESTING) {
    err(b, &e->loc, "expression nesting is deeper than %d (counting the defs it calls)", WDL_MAX_NESTING);
    b->stopped = true;
    return NULL;
  }
  b->nest++;
  IrOp *r = lower_expr1(b, e);
  b->nest--;
  return r;
}

static IrOp *lower_bin(Build *b, const Expr *e) {
  VEC(const Expr *) spine = {0}; /* e, e->l, e->l->l, ... while binary */
  for (const Expr *x = e; x->kind == E_BIN; x = x->l) VEC_PUSH(spine, x);
  IrOp *acc = lower_expr(b, spine.v[spine.n - 1]->l);
  for (int k = spine.n - 1; k >= 0 && !b->stopped; k--) {
    const Expr *x = spine.v[k];
    IrOp *r = lower_expr(b, x->r); /* even if acc failed: report its errors too */
    if (!acc || !r) {
      acc = NULL;
      continue;
    }
    IrOpKind kind = x->op == '+' ? IR_ADD : x->op == '-' ? IR_SUB : x->op == '*' ? IR_MUL : x->op == '/' ? IR_DIV : IR_MATMUL;
    if (kind == IR_MATMUL && acc->typed && r->typed && (acc->shape.rank == 1 || r->shape.rank == 1)) {
      acc = matmul(b, acc, r, x->loc);
      continue;
    }
    IrOp *op = ir_add_op(b->m, kind, temp_name(b));
    op->arg[0] = acc;
    op->arg[1] = r;
    op->loc = x->loc;
    acc = typed(b, op);
  }
  VEC_FREE(spine);
  return b->stopped ? NULL : acc;
}

static IrOp *lower_expr1(Build *b, const Expr *e) {
  switch (e->kind) {
  case E_NAME: return name_ref(b, e);
  case E_NUM: {
    IrOp *op = ir_add_op(b->m, IR_CONST, temp_name(b));
    op->init = INIT_FULL;
    op->fill = e->num;
    op->loc = e->loc;
    return op;
  }
  case E_NEG: {
    IrOp *a = lower_expr(b, e->l);
    if (!a) return NULL;
    IrOp *op = ir_add_op(b->m, IR_NEG, temp_name(b));
    op->arg[0] = a;
    op->loc = e->loc;
    return typed(b, op);
  }
  case E_BIN: return lower_bin(b, e);
  case E_CALL: return lower_call(b, e);
  case E_LIST:
    err(b, &e->loc, "a list [...] can only be an argument (concat([a, b], axis=0), perm=[1, 0])");
    return NULL;
  case E_INDEX: {
    Sym *s = lookup(b, e->name);
    if (!s || !s->arr) {
      err(b, &e->loc, "'%s' is not a param array (declare one with: param %s[N] : TYPE = INIT;)", e->name, e->name);
      return NULL;
    }
    int64_t k = -1;
    int r = const_int(b, e->l, &k);
    if (r <= 0) {
      if (r == 0) err(b, &e->l->loc, "an index must be a whole number or an index parameter of the def");
      return NULL;
    }
    if (k < 0 || k >= s->narr) {
      err(b, &e->loc, "index %lld is out of range for %s[%lld]", (long long)k, e->name, (long long)s->narr);
      return NULL;
    }
    return s->arr[k];
  }
  }
  return NULL;
}

/* The element count of a declared type, exactly, as text (it can exceed
 * any integer type: f32[1000000000, 1000000000, 1000000000, 1000000000]). */
static const char *count_str(const TypeSpec *t, char *buf, size_t n) {
  __int128 c = 1;
  int k;
  for (k = 0; k < t->rank && c <= WDL_MAX_ELEMS * (__int128)WDL_MAX_DIM * WDL_MAX_DIM; k++) c *= (__int128)t->dv[k];
  if (k < t->rank) snprintf(buf, n, "more than 10^36");
  else if (c <= INT64_MAX) snprintf(buf, n, "%lld", (long long)c);
  else snprintf(buf, n, "%.4g", (double)c);
  return buf;
}

/* Declared types: dtype and dims. */
static bool check_type(Build *b, const TypeSpec *t, DType *dt, Shape *s) {
  bool ok = true;
  if (!ir_dtype_parse(t->dtype, dt)) {
    err(b, &t->dloc, "unknown dtype '%s' (WDL has f32, f16 and bf16)", t->dtype);
    ok = false;
  }
  if (t->rank > IR_MAXRANK) {
    err(b, &t->loc, "a tensor of rank %d is not supported (at most %d dimensions)", t->rank, IR_MAXRANK);
    return false;
  }
  s->rank = t->rank;
  for (int i = 0; i < t->rank; i++)
    if (t->dname[i]) {
      err(b, &t->dimloc[i], "named dimensions ('%s') are only for def parameters; give a number", t->dname[i]);
      return false;
    }
  /* The parser keeps each dimension as the number it read (a double:
   * f32[1e400] is inf), so the range is checked before any conversion. */
  int64_t count = 1;
  for (int i = 0; i < t->rank; i++) {
    double v = t->dv[i];
    if (!(v >= 1 && v <= WDL_MAX_DIM) || v != (double)(int64_t)v) {
      err(b, &t->dimloc[i], "dimensions must be positive whole numbers, at most %d", WDL_MAX_DIM);
      ok = false;
      continue;
    }
    s->d[i] = (int64_t)v;
    if (count <= WDL_MAX_ELEMS) count *= s->d[i]; /* at most 2^31 * 10^9: no overflow */
  }
  if (ok && count > WDL_MAX_ELEMS) {
    err(b, &t->loc, "a tensor has at most %lld elements; this one would have %s", (long long)WDL_MAX_ELEMS,
        count_str(t, (char[64]){0}, 64));
    ok = false;
  }
  return ok;
}

static const IArg *named_arg(const IArg *args, const char *name) {
  for (const IArg *a = args; a; a = a->next)
    if (a->name && !strcmp(a->name, name)) return a;
  return NULL;
}

static char *join_path(Build *b, const char *rel) {
  if (rel[0] == '/') return arena_strdup(&b->m->arena, rel);
  const char *slash = strrchr(b->wdl_path, '/');
  if (!slash) return arena_strdup(&b->m->arena, rel);
  return arena_printf(&b->m->arena, "%.*s/%s", (int)(slash - b->wdl_path), b->wdl_path, rel);
}

static bool check_init(Build *b, const Stmt *st, IrOp *op) {
  const char *f = st->init;
  int n = 0;
  for (const IArg *a = st->iargs; a; a = a->next) n++;
  if (!strcmp(f, "zeros") || !strcmp(f, "ones")) {
    if (n) {
      err(b, &st->iloc, "%s() takes no arguments", f);
      return false;
    }
    op->init = f[0] == 'z' ? INIT_ZEROS : INIT_ONES;
    return true;
  }
  if (!strcmp(f, "full")) {
    const IArg *a = st->iargs;
    if (n != 1 || a->kind != A_NUMBER || (a->name && strcmp(a->name, "value"))) {
      err(b, &st->iloc, "full() takes one number: full(0.5) or full(value=0.5)");
      return false;
    }
    op->init = INIT_FULL;
    op->fill = a->num;
    return true;
  }
  if (!strcmp(f, "load")) {
    const IArg *a = st->iargs;
    if (n != 1 || a->kind != A_STRING || (a->name && strcmp(a->name, "path"))) {
      err(b, &st->iloc, "load() takes one file name: load(\"weights.npy\")");
      return false;
    }
    op->init = INIT_LOAD;
    op->path = join_path(b, a->str);
    return true;
  }
  if (!strcmp(f, "randn")) {
    const IArg *seed = named_arg(st->iargs, "seed"), *std = named_arg(st->iargs, "std"),
               *sp = named_arg(st->iargs, "sparsity");
    bool ok = seed && std && n == 2 + !!sp && seed->kind == A_NUMBER && std->kind == A_NUMBER && (!sp || sp->kind == A_NUMBER);
    if (!ok) {
      err(b, &st->iloc, "randn() takes seed= and std= (and optionally sparsity=), e.g. randn(seed=7, std=0.1, sparsity=0.9)");
      return false;
    }
    if (sp && !(sp->num >= 0 && sp->num <= 1)) {
      err(b, &sp->loc, "randn(): sparsity is the fraction of zeros, a number from 0 to 1");
      return false;
    }
    op->sparsity = sp ? sp->num : 0;
    if (!(seed->num >= 0 && seed->num <= 9007199254740992.0) || seed->num != (double)(uint64_t)seed->num) {
      err(b, &seed->loc, "randn(): seed must be a non-negative whole number, at most 2^53");
      return false;
    }
    if (!(std->num >= 0)) {
      err(b, &std->loc, "randn(): std must not be negative");
      return false;
    }
    op->init = INIT_RANDN;
    op->seed = (uint64_t)seed->num;
    op->std = std->num;
    return true;
  }
  err(b, &st->iloc, "unknown initialiser '%s' (expected load, zeros, ones, full or randn)", f);
  return false;
}

static void define(Build *b, const Stmt *st, IrOp *op) {
  Sym s = {st->name, st->nloc, op, st, NULL, 0};
  VEC_PUSH(b->syms, s);
  strmap_put(&b->symmap, st->name, (void *)(intptr_t)b->syms.n);
}

static bool redefined(Build *b, const Stmt *st) {
  if (st->kind == S_DEF) return false;
  Sym *s = lookup(b, st->name);
  if (!s) return false;
  err(b, &st->nloc, "redefinition of '%s'", st->name);
  diag_note(&s->loc, "previous definition is here");
  return true;
}

/* The numeric dimensions and the rank of a def's parameter or result type
 * (named ones are bound at each call). */
static void def_dims(Build *b, const TypeSpec *t) {
  if (t->rank > IR_MAXRANK) {
    err(b, &t->loc, "a tensor of rank %d is not supported (at most %d dimensions)", t->rank, IR_MAXRANK);
    return;
  }
  for (int i = 0; i < t->rank; i++)
    if (!t->dname[i] && !t->d[i])
      err(b, &t->dimloc[i], "dimensions must be positive whole numbers, at most %d", WDL_MAX_DIM);
}

static IrModule *build(Ctx *ctx, const char *path) {
  Build b = {0};
  b.ctx = ctx;
  b.wdl_path = path;
  b.m = ir_new(ctx->model ? ctx->model : "model");
  for (const Stmt *st = ctx->head; st; st = st->next) {
    if (!st->name) continue;
    if (!strmap_get(&b.stmtmap, st->name)) strmap_put(&b.stmtmap, st->name, (void *)st);
    if (st->kind == S_DEF && !strmap_get(&b.defmap, st->name)) strmap_put(&b.defmap, st->name, (void *)st);
  }
  for (const struct NameList *d = ctx->declared; d; d = d->next) strmap_put(&b.declmap, d->name, (void *)d);
  int noutputs = 0;
  for (const Stmt *st = ctx->head; st && !b.stopped; st = st->next) {
    /* inputs and param arrays add ops too (4096 per statement) */
    if (b.m->nops + (st->count > 0 ? st->count : 1) > WDL_MAX_OPS) {
      err(&b, &st->nloc, "the model has more than %d ops (after inlining defs and repeat()); that is the limit",
          WDL_MAX_OPS);
      break;
    }
    bool dup = redefined(&b, st);
    switch (st->kind) {
    case S_DEF: {
      const Stmt *first = find_def(&b, st->name);
      if (first != st) {
        err(&b, &st->nloc, "redefinition of def '%s'", st->name);
        diag_note(&first->nloc, "previous definition is here");
      }
      for (const DParam *pa = st->params; pa; pa = pa->next)
        if (pa->type.rank < 0 && strcmp(pa->type.dtype, "index"))
          err(&b, &pa->type.dloc, "'%s' is not a parameter type (a tensor type like f16[S, H], or index)", pa->type.dtype);
        else if (pa->type.rank >= 0 && strcmp(pa->type.dtype, "f32") && strcmp(pa->type.dtype, "f16"))
          err(&b, &pa->type.dloc, "unknown dtype '%s' (WDL has f32 and f16)", pa->type.dtype);
        else def_dims(&b, &pa->type);
      def_dims(&b, &st->ret);
      break;
    }
    case S_INPUT:
    case S_PARAM: {
      DType dt = DT_F32;
      Shape s = {0};
      bool ok = check_type(&b, &st->type, &dt, &s);
      if (st->count < 0) {
        err(&b, &st->nloc, "a param array needs a whole number of elements in [1, 4096]: param %s[12] : ...", st->name);
        break;
      }
      int64_t n = st->count ? st->count : 1;
      IrOp **arr = ARENA_NEW(&b.m->arena, IrOp *, n);
      for (int64_t k = 0; k < n; k++) {
        const char *name = st->count ? arena_printf(&b.m->arena, "%s$%lld", st->name, (long long)k) : st->name;
        IrOp *op = ir_add_op(b.m, st->kind == S_INPUT ? IR_INPUT : IR_PARAM, name);
        op->typed = true;
        op->dt = dt;
        op->shape = s;
        op->loc = st->nloc;
        if (st->kind == S_PARAM) ok = check_init(&b, st, op) && ok;
        if (ok && st->count && op->init == INIT_RANDN) op->seed += (uint64_t)k; /* w[k]: seed + k */
        if (ok && st->count && op->init == INIT_LOAD) {
          const char *brace = strstr(op->path, "{}");
          if (!brace) {
            err(&b, &st->iloc, "load() of a param array needs {} in the file name, replaced by the index: load(\"w_{}.npy\")");
            ok = false;
          } else {
            op->path = arena_printf(&b.m->arena, "%.*s%lld%s", (int)(brace - op->path), op->path, (long long)k, brace + 2);
          }
        }
        arr[k] = op;
        if (!ok) break;
      }
      if (!dup) {
        define(&b, st, arr[0]);
        if (st->count) {
          b.syms.v[b.syms.n - 1].arr = arr;
          b.syms.v[b.syms.n - 1].narr = n;
        }
      }
      break;
    }
    case S_LET:
    case S_OUTPUT: {
      int before = b.m->nops;
      IrOp *v = lower_expr(&b, st->e);
      if (v && st->kind == S_LET && b.m->nops > before) v->name = arena_strdup(&b.m->arena, st->name);
      if (st->kind == S_OUTPUT) {
        noutputs++;
        if (v) {
          IrOp *o = ir_add_op(b.m, IR_OUTPUT, st->name);
          o->arg[0] = v;
          o->loc = st->nloc;
        }
      }
      if (!dup) define(&b, st, v);
      break;
    }
    }
  }
  if (ctx->model && noutputs == 0 && b.errors == 0 && ctx->nsyntax == 0)
    err(&b, &ctx->model_loc, "model '%s' has no output (add: output NAME = EXPR;)", ctx->model);
  VEC_FREE(b.syms);
  strmap_free(&b.symmap);
  strmap_free(&b.defmap);
  strmap_free(&b.stmtmap);
  strmap_free(&b.declmap);
  if (b.errors || diag_errors()) {
    ir_free(b.m);
    return NULL;
  }
  return b.m;
}

IrModule *wdl_parse_string(const char *file, const char *text) {
  Arena arena = {0};
  Ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.arena = &arena;
  ctx.file = file;
  diag_set_source(file, text);
  yyscan_t sc;
  if (yylex_init_extra(&ctx, &sc) != 0) die("cannot create the WDL scanner");
  YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)strlen(text), sc);
  yyset_lineno(1, sc);
  yyset_column(1, sc);
  int rc = yyparse(sc, &ctx);
  yy_delete_buffer(buf, sc);
  yylex_destroy(sc);
  IrModule *m = NULL;
  if (rc == 0 && ctx.nsyntax == 0 && diag_errors() == 0) m = build(&ctx, file);
  else if (ctx.model || ctx.head) build(&ctx, file); /* report name errors too */
  arena_free(&arena);
  return m;
}

IrModule *wdl_parse_file(const char *path) {
  size_t len;
  char *text = read_file_max(path, WDL_MAX_SOURCE, &len);
  if (!text) {
    SrcLoc none = {0};
    char eb[96];
    diag_error(&none, "cannot read '%s': %s", path, read_file_error(errno, WDL_MAX_SOURCE, eb, sizeof eb));
    return NULL;
  }
  if (strlen(text) != len) {
    SrcLoc none = {0};
    diag_error(&none, "'%s' contains a NUL byte; is it a WDL source file?", path);
    free(text);
    return NULL;
  }
  IrModule *m = wdl_parse_string(path, text);
  free(text);
  return m;
}
