/* frontend/ast.h: the syntax tree the WDL parser builds; frontend/build.c
 * checks names and turns it into IR. Everything lives in the parse arena. */
#ifndef WSEC_AST_H
#define WSEC_AST_H
#include "ir/ir.h"

typedef enum { E_NAME, E_NUM, E_BIN, E_NEG, E_CALL, E_LIST, E_INDEX } ExprKind;
typedef struct Expr {
  ExprKind kind;
  int op;              /* E_BIN: '+', '-', '*', '@' */
  const char *name;    /* E_NAME, E_CALL */
  double num;
  struct Expr *l, *r;  /* E_BIN operands; E_NEG: l */
  struct ExprList *args;
  SrcLoc loc;          /* whole expression */
  SrcLoc oploc;        /* operator token */
  int depth;           /* nesting, as frontend/wdl.y counts it */
} Expr;
typedef struct ExprList { const char *name; SrcLoc nloc; Expr *e; struct ExprList *next; } ExprList; /* name: NULL if positional */

typedef enum { A_STRING, A_NUMBER } IArgKind;
typedef struct IArg {
  const char *name;    /* NULL if positional */
  IArgKind kind;
  const char *str;
  double num;
  SrcLoc loc;
  struct IArg *next;
} IArg;

typedef enum { S_INPUT, S_PARAM, S_LET, S_OUTPUT, S_DEF } StmtKind;
typedef struct TypeSpec {
  const char *dtype;   /* "f32", "f16", or "index" (def parameters) */
  SrcLoc dloc;
  int rank;
  int64_t d[8];         /* def parameters: (int64_t)dv, once checked */
  double dv[8];         /* each dimension as read: checked before any conversion */
  const char *dname[8]; /* a named dimension (def parameters): S, H ... */
  SrcLoc dimloc[8];
  SrcLoc loc;
  bool bad;
} TypeSpec;
typedef struct DParam { const char *name; SrcLoc loc; TypeSpec type; struct DParam *next; } DParam;
typedef struct Stmt {
  StmtKind kind;
  const char *name;
  SrcLoc nloc;
  TypeSpec type;
  const char *init;    /* initialiser function name */
  SrcLoc iloc;
  IArg *iargs;
  Expr *e;
  int64_t count;       /* S_PARAM: array size (param w[12] : ...), 0 for one */
  DParam *params;      /* S_DEF */
  TypeSpec ret;        /* S_DEF: the result type */
  struct Stmt *body;   /* S_DEF: its lets */
  bool bad;            /* S_DEF: an expression of it was refused (too deep) */
  struct Stmt *next;
} Stmt;

typedef struct Ctx {
  Arena *arena;
  const char *file;
  const char *model;
  SrcLoc model_loc;
  Stmt *head, *tail;
  int nsyntax;
  SrcLoc prev, cur;    /* the last two tokens (for \"expected ';' after\") */
  int last_tok;        /* the previous token */
  bool bad_def;        /* a let of the def being parsed was refused */
  struct NameList { const char *name; struct NameList *next; } *declared; /* every NAME after input/param/let/output */
} Ctx;

#endif
