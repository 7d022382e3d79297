/* passes/passes.h: the compiler passes, one file each, one verb-named entry
 * point each. Every pass returns true on success; on failure it has reported
 * user diagnostics (ir/diag.h) and the driver stops with exit status 1.
 * The pipeline (tools/wsecc.c) runs them in this order, with the IR verifier
 * after each:
 *
 *   infer   shape/type inference, broadcasting checks, canonical op order
 *   fuse    matmuls sharing their left operand and weights -> one matmul;
 *           heads split by reshape -> one chain per head
 *   split   matmuls with too many rows -> blocks of rows, concatenated
 *   place   tiling + placement of each op on a rectangle of the core grid
 *   route   nets between producer and consumer cores; trees and colors
 *   lower   per-core programs: buffers, DSRs, tasks, code
 *   alloc   SRAM addresses (code from 0, then buffers); 48 KB / 44 DSRs checks
 */
#ifndef WSEC_PASSES_H
#define WSEC_PASSES_H
#include <stdbool.h>
#include "ir/ir.h"
#include "targets/target.h"

bool pass_infer(IrModule *m, const Target *t);
/* The canonical op order (a post-order walk from the outputs sorted by
 * name; all-digit names renumbered): what infer ends with, and what a pass
 * that adds ops calls again. */
void pass_order(IrModule *m);
bool pass_fuse(IrModule *m, const Target *t);
/* Attention heads split from a matrix by reshape and transpose become one
 * chain of ops per head, on slices (passes/heads.c; run by pass_fuse). */
void fuse_heads(IrModule *m);
bool pass_split(IrModule *m, const Target *t);
/* --exec=auto, after infer: sets m->exec_stream when pipeline mode could not
 * preload the weights once each (they exceed the grid's SRAM, or a matmul's
 * 1 MiB or more would be copied into every block of rows split makes),
 * with a note that says which and why (passes/split.c). */
void split_choose_exec(IrModule *m, const Target *t);
bool pass_place(IrModule *m, const Target *t);
bool pass_route(IrModule *m, const Target *t);
bool pass_lower(IrModule *m, const Target *t);
bool pass_alloc(IrModule *m, const Target *t);
/* A module read from a .wir file is user input: pass_check_wir
 * (passes/checkwir.c) checks all of it against target t for its stage,
 * before any pass runs - re-deriving what the passes decided, so it lives
 * with them - reporting FILE:LINE:COL errors; returns false if there were
 * any. */
bool pass_check_wir(IrModule *m, const Target *t);

typedef struct PassInfo {
  const char *name;
  IrStage stage;             /* the stage the module is in after the pass */
  bool (*run)(IrModule *, const Target *);
  const char *summary;
} PassInfo;
extern const PassInfo pass_list[];   /* in pipeline order, NULL-terminated by name */
#endif
