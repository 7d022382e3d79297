/* passes/mapping.h: how a placed op's tensors are laid out over its core
 * rectangle. This is the one place the tiling scheme is defined; place,
 * route, lower and the IR verifier all ask it. docs/mapping.md explains the
 * scheme with pictures.
 *
 * Every value is viewed as a matrix [R, C]: its last two axes (rank 1 [N]
 * as [1, N], rank 0 as [1, 1]). The axes before them (batch axes, ranks 3
 * and 4) are not split: every core holds them whole for its (rows, cols)
 * tile.
 *
 *  - INPUT and elementwise ops on a w x h rectangle: rows split over the h
 *    core rows, columns over the w core columns, in balanced chunks (sizes
 *    differ by at most one, larger chunks first).
 *  - MATMUL C[..,M,N] = A[..,M,K] @ B[..,K,N] on w x h (batch axes are
 *    NumPy-broadcast and whole on every core): N is split over the columns,
 *    K over the rows. Core (cx, cy) needs A[:, Kc(cy)] and B[Kc(cy), Nc(cx)],
 *    computes a partial C[:, Nc(cx)] and the partials are summed down each
 *    column over the fabric; the bottom row (cy = h-1) holds the result.
 *  - A streamed MATMUL (op->stream, --exec=stream) C[M,N] = A[M,K] @ B[K,N]
 *    on w x h: M over the core rows, K and N both over the core columns.
 *    Core (cx, cy) needs A[Mc(cy), Kc(cx)] and holds C[Mc(cy), Nc(cx)]: the
 *    output lands in the input's distribution. B streams in from MemoryX
 *    down each column (Kc(cx) x all N); partial sums travel along the row.
 *  - SUM/MEAN/RMAX over one axis on w x h: the operand is split like an
 *    elementwise op's; each core reduces its tile into f32 partials, which
 *    flow along the reduced direction (east for columns, south for rows);
 *    the last core of each row (column) holds the result.
 */
#ifndef WSEC_MAPPING_H
#define WSEC_MAPPING_H
#include <stdbool.h>
#include "ir/ir.h"

/* Balanced split of n into parts: chunk i is [*lo, *lo + *len). */
void map_chunk(int64_t n, int parts, int i, int64_t *lo, int64_t *len);
/* Matrix view [R, C] of a shape. */
void map_matrix(const Shape *s, int64_t *rows, int64_t *cols);
/* The box of op's value held by core (cx, cy) of its rectangle (relative
 * coordinates). Returns false if that core holds none of it. */
bool map_held(const IrOp *op, int cx, int cy, Box *out);
/* The box of operand `argi` (in the operand's index space) that core (cx,cy)
 * of op's rectangle needs. Returns false if it needs none. */
bool map_need(const IrOp *op, int argi, int cx, int cy, Box *out);
/* True when operand 1 of op is the same value as operand 0 and every core
 * needs the same box of it for both (elementwise x * x): one stream and one
 * buffer serve both slots. Not for ops whose operand slots need different
 * parts of the value (concat([a, a]), a @ a): those get a stream each. */
bool map_shares_operand(const IrOp *op);
/* The number of batch elements of a shape: the product of all but its
 * last two axes (1 for ranks 0..2). */
int64_t map_batch(const Shape *s);
/* MATMUL: the accumulator box of the cores of column cx (every batch, all
 * M rows, the column's N chunk), in the output's index space. */
void map_matmul_acc(const IrOp *op, int cx, Box *out);
/* --exec=stream streams a matmul's weights when they are known at compile
 * time (a param, or views and concats of params) and both operands are
 * matrices; any other matmul keeps the spatial mapping. place sets
 * op->stream from this; split leaves such matmuls whole. */
bool map_streamable(const IrModule *m, const IrOp *op);
/* map_output_named: per op index, whether an output names it (xcalloc'd;
 * the caller frees it). map_host_rhs: whether the matmul op takes its right
 * operand from the host (IrOp.host_rhs): not streamed, outside the resident
 * layout, and the operand, through views no output names, an input. */
bool *map_output_named(const IrModule *m);
bool map_host_rhs(const IrModule *m, const IrOp *op, const bool *named);
/* A matmul by weights: its right operand known at compile time, both
 * operands matrices (what --exec=stream streams). */
bool map_weights_matmul(const IrOp *op);
/* The bytes of the module's params, and (if big) the largest param: what
 * pipeline mode would preload (place refuses past the grid's SRAM, and
 * --exec=auto streams instead: passes/split.c). */
int64_t map_param_bytes(const IrModule *m, const IrOp **big);
/* Per op, the index of the last op that uses its value (its own index if
 * none; INT_MAX if an output names it); heap-allocated. */
int *map_last_uses(const IrModule *m);
/* Accumulators per core of a streamed matmul (passes/lower.c), each a
 * column of f32 partial sums: a core may run up to this many rows less one
 * ahead of its reductions, which evens out rows whose weights (at high
 * sparsity) are unevenly many. 8 rather than 4 took the 1024 layer at 90 %
 * sparsity from 120,203 to 115,056 cycles. */
#define MAP_STREAM_ACCS 8
/* --exec=stream, the resident layout (IrModule.resident, place decides):
 * every op of the model runs on one w x h region, one after another, and
 * the activations never move. A value [M, F] is held as rows
 * chunk(M, h, cy) x columns chunk(F, w, cx) - a streamed matmul's tiling -
 * or, when F is 1 (a row statistic: mean, max, sum), its rows' one column
 * on every core of the row (the reduction leaves it there). A vector [F]
 * (an input broadcast along the rows) is held like one row of a matrix,
 * on every core row. */
void map_resident_box(const IrOp *v, int w, int h, int cx, int cy, Box *out);
/* Whether the model can run in the resident layout: under --exec=stream,
 * every op an input, a matmul by weights (at least one), an elementwise op
 * or a reduction of each row (keepdims), on matrices [M, F] with one M or on
 * vectors [F] (inputs and elementwise ops). If not, and why is not NULL,
 * why (n bytes) says which op keeps it out and how. */
bool map_resident_ok(const IrModule *m, char *why, size_t n);
/* MATMUL: K chunk and N chunk of core (cx, cy) (streamed: of column cx). */
void map_matmul_chunks(const IrOp *op, int cx, int cy, int64_t *k0, int64_t *kn,
                       int64_t *n0, int64_t *nn);
/* SUM/MEAN/RMAX over a batch axis (an axis before the last two of the
 * operand). Batch axes are whole on every core, so each core reduces its
 * own box of the operand: the op is tiled like an elementwise op of its
 * result, and needs no partials from other cores. */
bool map_batch_reduce(const IrOp *op);
/* SUM/MEAN/RMAX: true if the reduced axis is the operand's matrix columns
 * (split over x, partials flow east), false for rows (split over y,
 * partials flow south). */
bool map_reduces_cols(const IrOp *op);
/* SUM/MEAN/RMAX: the accumulator length of core (cx, cy) (its rows when
 * reducing columns, its columns when reducing rows), and the output box it
 * accumulates (in the output's index space). */
int64_t map_reduce_acc(const IrOp *op, int cx, int cy, Box *out);
/* Views. A SLICE or TRANSPOSE that no output names is a view: it is not
 * placed, and its users receive the boxes they need straight from the cores
 * of the value under it (its root). ViewMap takes view indices to root
 * indices: root[perm[k]] = view[k] + off[perm[k]]. */
typedef struct ViewMap { int rank; int perm[IR_MAXRANK]; int64_t off[IR_MAXRANK]; } ViewMap;
/* Follow views down from v; returns the root and (if m) the composed map. */
const IrOp *map_root(const IrOp *v, ViewMap *m);
/* A box in view space -> the box in root space. */
Box map_view_box(const ViewMap *m, const Box *b);
/* RESHAPE: its value is held by one column of cores, split along the
 * first axis longer than 1 (map_reshape_axis), so each core's tile is one
 * run of C order. map_flat: the C-order index of idx in s.
 * map_flat_bounds: the smallest box of s holding the run [f0, f0+n).
 * map_flat_pieces: the run as at most 2*rank-1 boxes of s, each itself a
 * run, in order (returns how many). */
int map_reshape_axis(const Shape *s);
/* A reshape whose split axis is its last (every axis before it 1: [1, N],
 * [N]) may be laid out as one row of cores instead (place: when the column
 * would be tall), its runs along x as an elementwise op of its shape tiles
 * it; a reshape wider than one core is such a row. */
bool map_reshape_row_ok(const Shape *s);
int64_t map_flat(const Shape *s, const int64_t *idx);
Box map_flat_bounds(const Shape *s, int64_t f0, int64_t n);
int map_flat_pieces(const Shape *s, int64_t f0, int64_t n, Box *out);
/* A box of a view (a TRANSPOSE written by the host, ir_host_written, or a
 * host_rhs matmul's right operand) is written by the host as runs, one per
 * index of its leading axes [0, map_perm_lead), along the trailing axes,
 * whose perm is increasing (so each run is a box of the input in the same
 * C order). map_perm_runs: the most runs a tile of transpose tr can have,
 * the product of its leading dims. */
int map_perm_lead(const int *perm, int rank);
int64_t map_perm_runs(const IrOp *tr);
/* Per-core tile shape of the value held by (cx,cy) as a matrix box:
 * rows/cols of the box in matrix view. */
void map_box_matrix(const IrOp *v, const Box *b, int64_t *r0, int64_t *rn, int64_t *c0, int64_t *cn);
#endif
