/* passes/cost.h: the cost model of a weight-streamed matmul (--exec=stream),
 * the simulator's own rules in closed form (docs/mapping.md, "Predicted
 * cycles"), for `wsecc --stats` to set beside what `wsesim --stats`
 * measures. */
#ifndef WSEC_COST_H
#define WSEC_COST_H
#include <stdint.h>
#include "ir/ir.h"
#include "targets/target.h"

typedef struct StreamCost {
  int64_t rows;          /* output rows n: one ring reduction each */
  double compute, ingress, ring; /* cycles per row of the busiest column, channel, ring */
  double per_row;        /* the largest of the three */
  const char *bound;     /* "compute", "ingress" or "ring" */
  double cycles;         /* rows x per_row, plus the ring's fill */
  int64_t nonzero, dense; /* weights sent, weights in all */
  double fmac_util;      /* FMAC elements / (cycles x cores x f16 lanes) */
} StreamCost;

/* op: a placed streamed MATMUL; B: its weights (ir_known_values). */
void cost_stream(const IrOp *op, const Target *t, const float *B, StreamCost *c);
/* The resident layout (IrModule.resident): the predicted cycles of an
 * elementwise op or a row reduction of the program, on its busiest core. */
double cost_resident(const IrOp *op, const Target *t);
#endif
