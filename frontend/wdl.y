/* frontend/wdl.y: the WDL grammar (reentrant bison, %locations, custom
 * syntax errors with hints, error recovery at statement level so one run
 * reports several errors). The actions only build the syntax tree
 * (frontend/ast.h); frontend/build.c checks it and makes IR. */
%define api.pure full
%define parse.error custom
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {Ctx *ctx}

%code requires {
#include "frontend/ast.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
}

%code {
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "frontend/wdl.h"
#include "ir/diag.h"

/* Expression nesting is bounded (WDL_MAX_NESTING), so that no later
 * recursive walk can overflow the C stack. Each Expr carries its nesting
 * depth: brackets, calls, unary minus and the right operand of a binary
 * operator count one level; the left operand does not, so a + b + c + ...
 * of any length is depth 1 (frontend/build.c lowers it in a loop).
 * The parser's own stack grows with nesting only (statements and lists
 * are left-recursive, a + b + c reduces as it goes), by at most 6 entries
 * a level (f(x, a=f(x, a=...: name '(' list ',' name '='), so with
 * YYMAXDEPTH below an
 * input overflows it only if its nesting is deeper than WDL_MAX_NESTING;
 * yyerror words that message. (That stack is on the heap.) */
#define YYMAXDEPTH (6 * WDL_MAX_NESTING + 100)
static int depth_of(const ExprList *a) {
  int d = 0;
  for (; a; a = a->next) d = a->e->depth > d ? a->e->depth : d;
  return d;
}
/* False (reported) if e is nested too deeply. Such a let or output is
 * dropped, like a statement with a syntax error (its name is in
 * ctx->declared, so uses of it do not cascade); a def with such an
 * expression is kept but marked bad, and calls of it lower nothing. */
static bool check_depth(Ctx *c, const Expr *e) {
  if (e->depth <= WDL_MAX_NESTING) return true;
  c->nsyntax++;
  diag_error(&e->loc, "expression nesting is deeper than %d", WDL_MAX_NESTING);
  return false;
}

/* A dimension as read, and as an integer where it is a valid one (the
 * range is checked on the double first: (int64_t)1e400 is undefined). */
static double dimv(double v, int isint) { return isint ? v : NAN; }
static int64_t dimi(double v, int isint) { return isint && v >= 1 && v <= WDL_MAX_DIM ? (int64_t)v : 0; }

static SrcLoc L(Ctx *c, YYLTYPE a) {
  SrcLoc s = {c->file, a.first_line, a.first_column, a.last_line == a.first_line ? a.last_column : a.first_column + 1};
  return s;
}
static SrcLoc span(Ctx *c, YYLTYPE a, YYLTYPE b) {
  SrcLoc s = {c->file, a.first_line, a.first_column, b.last_line == a.first_line ? b.last_column : a.first_column + 1};
  return s;
}
static Expr *mk(Ctx *c, ExprKind k) { return ARENA_NEW(c->arena, Expr, 1); }
static Expr *bin(Ctx *c, int op, Expr *l, Expr *r, YYLTYPE all, YYLTYPE opl) {
  Expr *e = mk(c, E_BIN);
  e->kind = E_BIN;
  e->op = op;
  e->l = l;
  e->r = r;
  e->loc = L(c, all);
  e->oploc = L(c, opl);
  e->depth = l->depth > r->depth + 1 ? l->depth : r->depth + 1;
  return e;
}
static void yyerror(YYLTYPE *l, yyscan_t scanner, Ctx *c, const char *msg) {
  (void)scanner;
  SrcLoc s = L(c, *l);
  c->nsyntax++;
  if (!strcmp(msg, "memory exhausted")) /* the only message bison gives yyerror with parse.error custom */
    diag_error(&s, "expression nesting is deeper than %d", WDL_MAX_NESTING);
  else
    diag_error(&s, "%s", msg);
}
static void add_stmt(Ctx *c, Stmt *s) {
  if (c->tail) c->tail->next = s; else c->head = s;
  c->tail = s;
}
static Stmt *stmt(Ctx *c, StmtKind k, const char *name, YYLTYPE nl) {
  Stmt *s = ARENA_NEW(c->arena, Stmt, 1);
  s->kind = k;
  s->name = name;
  s->nloc = L(c, nl);
  return s;
}
}

%union {
  struct { Stmt *h, *t; } sl;      /* lists built left-recursively: head and tail */
  struct { ExprList *h, *t; } el;
  struct { IArg *h, *t; } ia;
  struct { DParam *h, *t; } dp;
  const char *str;
  struct { double v; int isint; } num;
  Expr *e;
  ExprList *arg;
  IArg *iarg;
  TypeSpec ty;
  DParam *dparam;
}

%token MODEL "'model'" INPUT "'input'" PARAM "'param'" LET "'let'" OUTPUT "'output'"
%token DEF "'def'" RETURN "'return'" ARROW "'->'"
%token <str> IDENT "name" STRING "string"
%token <num> NUMBER "number"
%token BADSTRING "unterminated string" BADCHAR "invalid character"

%type <e> expr
%type <el> args arglist
%type <arg> arg
%type <ia> iargs iarglist
%type <iarg> iarg
%type <ty> type dims
%type <dp> dparams
%type <dparam> dparam
%type <sl> body
%type <num> signed

%left '+' '-'
%left '*' '/' '@'
%right UMINUS

%%

/* file: 'model' NAME '{' stmt* '}' */
file
  : MODEL IDENT '{' stmts '}'   { ctx->model = $2; ctx->model_loc = L(ctx, @2); }
  ;

stmts
  : %empty
  | stmts stmt
  | stmts error         /* skip to the next statement keyword */
  ;

/* stmt: input NAME ':' type ';' | param NAME ':' type '=' init ';'
 *     | let NAME '=' expr ';' | output NAME '=' expr ';' */
stmt
  : INPUT IDENT ':' type ';'  { Stmt *s = stmt(ctx, S_INPUT, $2, @2); s->type = $4; add_stmt(ctx, s); }
  | PARAM IDENT ':' type '=' IDENT '(' iargs ')' ';'
      { Stmt *s = stmt(ctx, S_PARAM, $2, @2); s->type = $4; s->init = $6; s->iloc = span(ctx, @6, @9);
        s->iargs = $8.h; add_stmt(ctx, s); }
  | PARAM IDENT '[' NUMBER ']' ':' type '=' IDENT '(' iargs ')' ';'
      { Stmt *s = stmt(ctx, S_PARAM, $2, @2); s->type = $7; s->init = $9; s->iloc = span(ctx, @9, @12);
        s->iargs = $11.h; s->count = $4.isint && $4.v >= 1 && $4.v <= WDL_MAX_REPEAT ? (int64_t)$4.v : -1; add_stmt(ctx, s); }
  | LET IDENT '=' expr ';'    { if (check_depth(ctx, $4)) { Stmt *s = stmt(ctx, S_LET, $2, @2); s->e = $4; add_stmt(ctx, s); } }
  | DEF IDENT '(' dparams ')' ARROW type '{' body RETURN expr ';' '}'
      { Stmt *s = stmt(ctx, S_DEF, $2, @2); s->params = $4.h; s->ret = $7; s->body = $9.h; s->e = $11;
        s->bad = !check_depth(ctx, $11) || ctx->bad_def; ctx->bad_def = false; add_stmt(ctx, s); }
  | OUTPUT IDENT '=' expr ';' { if (check_depth(ctx, $4)) { Stmt *s = stmt(ctx, S_OUTPUT, $2, @2); s->e = $4; add_stmt(ctx, s); } }
  ;

/* def NAME '(' NAME ':' (type | 'index') , ... ')' '->' type '{' (let ...;)* return expr ';' '}' */
dparams
  : dparam              { $$.h = $$.t = $1; }
  | dparams ',' dparam  { $$ = $1; $$.t->next = $3; $$.t = $3; }
  ;

dparam
  : IDENT ':' type      { $$ = ARENA_NEW(ctx->arena, DParam, 1); $$->name = $1; $$->loc = L(ctx, @1); $$->type = $3; }
  | IDENT ':' IDENT     { $$ = ARENA_NEW(ctx->arena, DParam, 1); $$->name = $1; $$->loc = L(ctx, @1);
                          $$->type.dtype = $3; $$->type.dloc = L(ctx, @3); $$->type.loc = L(ctx, @3); $$->type.rank = -1; }
  ;

body
  : %empty              { $$.h = $$.t = NULL; }
  | body LET IDENT '=' expr ';'
      { if (!check_depth(ctx, $5)) ctx->bad_def = true;
        Stmt *s = stmt(ctx, S_LET, $3, @3); s->e = $5;
        $$ = $1; if ($$.t) $$.t->next = s; else $$.h = s; $$.t = s; }
  ;

/* type: DTYPE '[' dims ']' | DTYPE '[' ']' */
type
  : IDENT '[' dims ']'  { $$ = $3; $$.dtype = $1; $$.dloc = L(ctx, @1); $$.loc = span(ctx, @1, @4); }
  | IDENT '[' ']'       { memset(&$$, 0, sizeof $$); $$.dtype = $1; $$.dloc = L(ctx, @1); $$.loc = span(ctx, @1, @3); }
  ;

dims
  : signed              { memset(&$$, 0, sizeof $$); $$.rank = 1; $$.dv[0] = dimv($1.v, $1.isint); $$.d[0] = dimi($1.v, $1.isint);
                          $$.dimloc[0] = L(ctx, @1); }
  | dims ',' signed     { $$ = $1; if ($$.rank < 8) { $$.dv[$$.rank] = dimv($3.v, $3.isint); $$.d[$$.rank] = dimi($3.v, $3.isint);
                          $$.dimloc[$$.rank] = L(ctx, @3); } else $$.bad = true;
                          $$.rank++; }
  | IDENT               { memset(&$$, 0, sizeof $$); $$.rank = 1; $$.dname[0] = $1; $$.dimloc[0] = L(ctx, @1); }
  | dims ',' IDENT      { $$ = $1; if ($$.rank < 8) { $$.dname[$$.rank] = $3; $$.dimloc[$$.rank] = L(ctx, @3); } else $$.bad = true;
                          $$.rank++; }
  ;

signed
  : NUMBER              { $$ = $1; }
  | '-' NUMBER          { $$ = $2; $$.v = -$2.v; }
  ;

/* init arguments: "string" | number | name '=' number */
iargs
  : %empty              { $$.h = $$.t = NULL; }
  | iarglist            { $$ = $1; }
  ;

iarglist
  : iarg                { $$.h = $$.t = $1; }
  | iarglist ',' iarg   { $$ = $1; $$.t->next = $3; $$.t = $3; }
  ;

iarg
  : STRING              { $$ = ARENA_NEW(ctx->arena, IArg, 1); $$->kind = A_STRING; $$->str = $1; $$->loc = L(ctx, @1); }
  | signed              { $$ = ARENA_NEW(ctx->arena, IArg, 1); $$->kind = A_NUMBER; $$->num = $1.v; $$->loc = L(ctx, @1); }
  | IDENT '=' signed    { $$ = ARENA_NEW(ctx->arena, IArg, 1); $$->kind = A_NUMBER; $$->name = $1; $$->num = $3.v; $$->loc = span(ctx, @1, @3); }
  | IDENT '=' STRING    { $$ = ARENA_NEW(ctx->arena, IArg, 1); $$->kind = A_STRING; $$->name = $1; $$->str = $3; $$->loc = span(ctx, @1, @3); }
  ;

/* expr: expr ('+'|'-'|'*'|'/'|'@') expr | '-' expr | '(' expr ')' | NAME
 *     | NAME '(' args ')' | NUMBER | '[' args ']' */
expr
  : expr '+' expr       { $$ = bin(ctx, '+', $1, $3, @$, @2); }
  | expr '-' expr       { $$ = bin(ctx, '-', $1, $3, @$, @2); }
  | expr '*' expr       { $$ = bin(ctx, '*', $1, $3, @$, @2); }
  | expr '/' expr       { $$ = bin(ctx, '/', $1, $3, @$, @2); }
  | expr '@' expr       { $$ = bin(ctx, '@', $1, $3, @$, @2); }
  | '-' expr %prec UMINUS { $$ = mk(ctx, E_NEG); $$->kind = E_NEG; $$->l = $2; $$->loc = L(ctx, @$); $$->oploc = L(ctx, @1);
                          $$->depth = $2->depth + 1; }
  | '(' expr ')'        { $$ = $2; $$->depth++; }
  | IDENT               { $$ = mk(ctx, E_NAME); $$->kind = E_NAME; $$->name = $1; $$->loc = L(ctx, @1); }
  | IDENT '[' expr ']'  { $$ = mk(ctx, E_INDEX); $$->kind = E_INDEX; $$->name = $1; $$->l = $3; $$->loc = L(ctx, @$);
                          $$->depth = $3->depth + 1; }
  | IDENT '(' args ')'  { $$ = mk(ctx, E_CALL); $$->kind = E_CALL; $$->name = $1; $$->args = $3.h; $$->loc = L(ctx, @$); $$->oploc = L(ctx, @1);
                          $$->depth = depth_of($3.h) + 1; }
  | NUMBER              { $$ = mk(ctx, E_NUM); $$->kind = E_NUM; $$->num = $1.v; $$->loc = L(ctx, @1); }
  | '[' args ']'        { $$ = mk(ctx, E_LIST); $$->kind = E_LIST; $$->args = $2.h; $$->loc = L(ctx, @$);
                          $$->depth = depth_of($2.h) + 1; }
  ;

/* args: (expr | NAME '=' expr) (',' ...)* */
args
  : %empty              { $$.h = $$.t = NULL; }
  | arglist             { $$ = $1; }
  ;

arglist
  : arg                 { $$.h = $$.t = $1; }
  | arglist ',' arg     { $$ = $1; $$.t->next = $3; $$.t = $3; }
  ;

arg
  : expr                { $$ = ARENA_NEW(ctx->arena, ExprList, 1); $$->e = $1; }
  | IDENT '=' expr      { $$ = ARENA_NEW(ctx->arena, ExprList, 1); $$->name = $1; $$->nloc = L(ctx, @1); $$->e = $3; }
  ;

%%

/* Syntax errors: "unexpected X; expected Y or Z", with a hint for the most
 * common slip, a missing ';' (reported after the previous token). */
static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, Ctx *ctx) {
  (void)scanner;
  yysymbol_kind_t exp[6];
  int n = yypcontext_expected_tokens(yyctx, exp, 6);
  yysymbol_kind_t got = yypcontext_token(yyctx);
  SrcLoc loc = L(ctx, *yypcontext_location(yyctx));
  ctx->nsyntax++;
  bool semi = false;
  for (int i = 0; i < n; i++)
    if (!strcmp(yysymbol_name(exp[i]), "';'")) semi = true;
  if (got == YYSYMBOL_BADSTRING) {
    diag_error(&loc, "missing closing '\"' of a string");
    return 0;
  }
  if (got == YYSYMBOL_BADCHAR) {
    diag_error(&loc, "invalid character in WDL source");
    return 0;
  }
  if (semi && loc.line > ctx->prev.line && ctx->prev.line > 0) {
    SrcLoc after = ctx->prev;
    diag_error(&after, "expected ';' after statement");
    return 0;
  }
  char msg[512];
  int o = snprintf(msg, sizeof msg, "unexpected %s", got == YYSYMBOL_YYEOF ? "end of file" : yysymbol_name(got));
  if (n > 0 && n < 6) {
    o += snprintf(msg + o, sizeof msg - (size_t)o, "; expected ");
    for (int i = 0; i < n && o < (int)sizeof msg; i++)
      o += snprintf(msg + o, sizeof msg - (size_t)o, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", yysymbol_name(exp[i]));
  }
  diag_error(&loc, "%s", msg);
  return 0;
}
