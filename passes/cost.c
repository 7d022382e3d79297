/* passes/cost.c: the predicted cycles of a weight-streamed matmul.
 *
 * Per output row n every core of column cx runs one WAXPY over the row's
 * non-zero weights of its K chunk (each ceil(rows / lanes) cycles, at least
 * one cycle per wavelet it pops, and one pop for the row's command), then
 * starts the row's ring reduction (rows elements, one a cycle) and goes
 * on. So a row costs the largest of:
 *   compute  the busiest column: its non-zeros per row x cycles per weight,
 *            + 1 (the command) + 4 (issue, loop)
 *   ingress  the busiest channel: the wavelets per row of its columns
 *            (weights x wavelets per weight + one command each) / its rate
 *   ring     rows of the core (the FADD of a reduction, one element a cycle)
 * and the layer costs rows x that plus the ring's fill (3 cycles a hop, the
 * last reduction). MAP_STREAM_ACCS accumulators let a column run rows ahead, so the
 * busiest column's average over the rows is what counts. The model
 * assumes the layer's channels carry only its weights. */
#include "passes/cost.h"

#include <stdlib.h>
#include <string.h>
#include "passes/mapping.h"

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void cost_stream(const IrOp *op, const Target *t, const float *B, StreamCost *c) {
  memset(c, 0, sizeof *c);
  int w = op->place.w, h = op->place.h;
  int64_t M = op->shape.d[op->shape.rank - 2], K = op->arg[1]->shape.d[0], N = op->arg[1]->shape.d[1];
  int64_t rn = map_batch(&op->shape) * cdiv(M, h); /* a core's rows: its M rows of every batch */
  int lanes = (int)(op->dt == DT_F32 ? t->simd_f32 : t->simd_f16), per_weight = op->arg[1]->dt == DT_F32 ? 2 : 1;
  double per_w = (double)(cdiv(rn, lanes) > per_weight ? cdiv(rn, lanes) : per_weight);
  double *chan = calloc((size_t)t->mx_channels + 1, sizeof(double));
  c->rows = N;
  for (int cx = 0; cx < w; cx++) {
    int64_t k0, kn, n0, nn, nz = 0;
    map_matmul_chunks(op, cx, 0, &k0, &kn, &n0, &nn);
    for (int64_t k = k0; k < k0 + kn; k++)
      for (int64_t n = 0; n < N; n++) nz += B[k * N + n] != 0.0f;
    c->nonzero += nz;
    double compute = (double)nz / (double)N * per_w + 5;
    if (compute > c->compute) c->compute = compute;
    int ch = (int)((int64_t)(op->place.x + cx) * t->mx_channels / t->grid_w);
    chan[ch] += ((double)nz * per_weight + (double)N) / (double)N;
  }
  for (uint32_t k = 0; k < t->mx_channels; k++) {
    double ing = chan[k] * 1000.0 / (double)t->mx_rate;
    if (ing > c->ingress) c->ingress = ing;
  }
  free(chan);
  c->ring = w > 1 ? (double)rn : 0;
  c->dense = K * N;
  c->per_row = c->compute, c->bound = "compute";
  if (c->ingress > c->per_row) c->per_row = c->ingress, c->bound = "ingress";
  if (c->ring > c->per_row) c->per_row = c->ring, c->bound = "ring";
  c->cycles = (double)N * c->per_row + 3.0 * w + (double)rn;
  c->fmac_util = (double)c->nonzero * (double)M / (c->cycles * (double)w * h * t->simd_f16);
}

/* The resident layout's other ops (docs/mapping.md, "The resident
 * layout"), on the busiest core: an elementwise op walks its tile at the
 * lanes of its dtypes, plus a few cycles of issue and DSR moves; a row
 * reduction walks its tile into its partials, then goes round the ring
 * twice, w - 1 hops each, a hop rows elements one a cycle plus 3 to cross
 * a router, plus its branches. */
double cost_resident(const IrOp *op, const Target *t) {
  int w = op->place.w, h = op->place.h;
  const IrOp *v = ir_is_reduction(op) ? op->arg[0] : op;
  int r = v->shape.rank;
  int64_t rows = r == 2 ? cdiv(v->shape.d[0], h) : 1, f = v->shape.d[r - 1];
  int64_t elems = rows * (f == 1 ? 1 : cdiv(f, w));
  bool wide = op->dt == DT_F32;
  for (int a = 0; a < op->nargs; a++) wide |= op->arg[a]->dt == DT_F32;
  int64_t lanes = wide ? t->simd_f32 : t->simd_f16;
  if (!ir_is_reduction(op)) return (double)cdiv(elems, lanes) + 4;
  double c = (double)cdiv(elems, lanes) + (double)cdiv(rows, t->simd_f32) + 8;
  if (w > 1) c += 2.0 * (w - 1) * ((double)rows + 3);
  if (op->kind == IR_MEAN) c += (double)cdiv(rows, t->simd_f32) + 2;
  return c;
}
