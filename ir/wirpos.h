/* ir/wirpos.h: where the parts of a module read from a .wir file are in
 * that file (private to ir/parse.c, which records them, and passes/checkwir.c,
 * which reports errors at them). Positions are 1-based line and column;
 * line 0 means "not written in the file". Arrays are indexed like the
 * module's as parsed: ops by parse order (IrOp.idx), nets by id, cores by
 * their order in the file, and inside them by element number. All memory
 * is in the module's arena. */
#ifndef WSEC_WIRPOS_H
#define WSEC_WIRPOS_H
#include "ir/ir.h"

typedef struct WirPos { int line, col; } WirPos;

typedef struct WirOpPos {
  WirPos at;          /* the start of the op's line ('%' or 'output') */
  WirPos type;        /* the dtype of ': DTYPE[DIMS]' */
  WirPos place;       /* the '[' of 'place [X,Y WxH]' */
  WirPos tile;        /* the '[' of 'tile [..]' */
  WirPos k;           /* the number after 'k' */
  int ntile;          /* entries in 'tile [..]' */
  bool noperm;        /* a transpose without 'perm': the axes reversed, whatever the rank */
  int nperm;          /* entries of 'perm [..]' */
} WirOpPos;

typedef struct WirNetPos {
  WirPos at, box, from, color, route;
  int boxrank;
  WirPos *dst;        /* per destination */
  WirPos *hop;        /* per router of the route */
} WirNetPos;

typedef struct WirBufPos { WirPos at; int boxrank; } WirBufPos;

typedef struct WirCorePos {
  WirPos at, sram;
  WirBufPos *buf;
  WirPos *dsr, *task, *insn;
} WirCorePos;

typedef struct IrWirPos {
  const char *file;
  int nops; WirOpPos *op;
  int nnets; WirNetPos *net;
  int ncores; WirCorePos *core;
} IrWirPos;

#endif
