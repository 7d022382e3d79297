/* passes/split.c: matmuls too tall for a core become row blocks.
 *
 * A matmul's cores split K (rows of the rectangle) and N (columns), but
 * every core holds all M rows - times the batch - of its slice of the left
 * operand and of its partial sums (passes/mapping.h). When the batch times
 * M is large (a long sequence, a big batch) no rectangle makes that fit in
 * 48 KB. So a matmul whose batch x M exceeds SPLIT_ROWS becomes
 * ceil(batch x M / SPLIT_ROWS) matmuls, each on a block of M rows of the
 * left operand (a slice: a view), joined by concats along M (a balanced
 * tree; the original op becomes its root, so its users are unchanged).
 * Every output element is the same dot product as before.
 */
#include <stdlib.h>
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"

/* Rows (batch x M) a matmul core can hold: 128 rows of 32 K and 32 N
 * columns is 8 KB of f16 operand and 16 KB of f32 partial sums. */
#define SPLIT_ROWS 128
/* Row blocks per matmul at most: 1024 blocks are 131072 rows, beyond what
 * the placer and router handle today (their time grows faster than the
 * number of ops), so a taller matmul is refused here, at once. */
#define SPLIT_MAX_BLOCKS 1024

/* The matmul of rows [lo, hi) of A by B. */
static IrOp *block(IrModule *m, IrOp *mm, int64_t lo, int64_t hi) {
  IrOp *a = mm->arg[0];
  IrOp *s = ir_add_temp(m, IR_SLICE, a, NULL, mm->loc);
  s->axis = a->shape.rank - 2;
  s->start = lo;
  s->end = hi;
  if (!ir_type_op(s)) die("split: row slice does not type");
  IrOp *r = ir_add_temp(m, IR_MATMUL, s, mm->arg[1], mm->loc);
  if (!ir_type_op(r)) die("split: row block does not type");
  return r;
}

/* The blocks of rows pass_split cuts matmul op into (1: none): batch x M
 * rows in blocks of SPLIT_ROWS, at most M of them. */
static int64_t row_blocks(const IrOp *op) {
  int64_t M = op->shape.d[op->shape.rank - 2], rows = map_batch(&op->shape) * M;
  if (rows <= SPLIT_ROWS || M < 2) return 1;
  int64_t p = (rows + SPLIT_ROWS - 1) / SPLIT_ROWS;
  return p > M ? M : p;
}

/* The p blocks of mm over M, joined along M; `into` becomes the root. */
static void join(IrModule *m, IrOp *mm, int64_t M, int p, IrOp *into) {
  IrOp **blocks = xmalloc(sizeof(IrOp *) * (size_t)p);
  for (int b = 0; b < p; b++) {
    int64_t lo, n;
    map_chunk(M, p, b, &lo, &n);
    blocks[b] = block(m, mm, lo, lo + n);
  }
  ir_concat_tree(m, blocks, p, mm->shape.rank - 2, into, mm->loc);
  free(blocks);
}

/* --exec=auto chooses stream for a matmul whose weights are at least this
 * big and would be preloaded once per block of rows. */
#define AUTO_STREAM_BYTES ((int64_t)1 << 20)

void split_choose_exec(IrModule *m, const Target *t) {
  if (m->exec_stream) return;
  int64_t cores = (int64_t)(m->grid_w > 0 ? m->grid_w : (int)t->grid_w) * (m->grid_h > 0 ? m->grid_h : (int)t->grid_h);
  int64_t sram = cores * (int64_t)t->sram_bytes;
  const IrOp *big, *copied = NULL;
  int64_t bytes = map_param_bytes(m, &big), copies = 0;
  for (int i = 0; i < m->nops && !copied; i++) {
    const IrOp *op = m->ops[i], *w = op->arg[1];
    if (map_weights_matmul(op) && row_blocks(op) > 1 && shape_count(&w->shape) * ir_dtype_size(w->dt) >= AUTO_STREAM_BYTES)
      copied = op, copies = row_blocks(op);
  }
  if (big && bytes > sram) {
    diag_note(&big->loc,
              "compiled with --exec=stream: the model's parameters (%.1f MB) are more than the SRAM of all %lld cores "
              "(%.1f MB), so they stream in from MemoryX (--exec=pipeline insists on preloading them)",
              (double)bytes / 1048576.0, (long long)cores, (double)sram / 1048576.0);
  } else if (copied) {
    const IrOp *w = copied->arg[1];
    diag_note(&copied->loc,
              "compiled with --exec=stream: this matmul's %.1f MB of weights would be preloaded %lld times over in pipeline "
              "mode, once per block of %d of its %lld rows; streamed from MemoryX, they take no SRAM "
              "(--exec=pipeline insists on preloading them)",
              (double)(shape_count(&w->shape) * ir_dtype_size(w->dt)) / 1048576.0, (long long)copies, SPLIT_ROWS,
              (long long)(map_batch(&copied->shape) * copied->shape.d[copied->shape.rank - 2]));
  } else {
    return;
  }
  m->exec_stream = true;
}

bool pass_split(IrModule *m, const Target *t) {
  bool changed = false, ok = true;
  int64_t cores = (int64_t)(m->grid_w > 0 ? m->grid_w : (int)t->grid_w) * (m->grid_h > 0 ? m->grid_h : (int)t->grid_h);
  int64_t need = 0; /* cores the row blocks take at least, over all matmuls */
  int n0 = m->nops;
  for (int i = 0; i < n0; i++) {
    IrOp *op = m->ops[i];
    if (op->kind != IR_MATMUL || map_streamable(m, op)) continue; /* a streamed one splits M over its rows */
    int64_t M = op->shape.d[op->shape.rank - 2], rows = map_batch(&op->shape) * M, p = row_blocks(op);
    if (p == 1) continue;
    /* every block is a matmul and (but one) a concat, each on a core at
     * least: refuse before building more ops than the grid could place */
    need += 2 * p - 1;
    if (p > SPLIT_MAX_BLOCKS) {
      diag_error(&op->loc,
                 "this matmul has %lld rows (batch x M): more than the %d blocks of %d rows (%d rows) a matmul may be "
                 "split into; use fewer rows (a smaller batch or sequence)",
                 (long long)rows, SPLIT_MAX_BLOCKS, SPLIT_ROWS, SPLIT_MAX_BLOCKS * SPLIT_ROWS);
      ok = false;
      break;
    }
    if (need > cores) {
      diag_error(&op->loc,
                 "this matmul has %lld rows (batch x M); in blocks of %d rows it becomes %lld matmuls joined by %lld "
                 "concats, which need at least %lld cores, but %s has %lld; use fewer rows (a smaller batch or sequence)",
                 (long long)rows, SPLIT_ROWS, (long long)p, (long long)(p - 1), (long long)need,
                 m->grid_w > 0 ? "the --grid" : "the target", (long long)cores);
      ok = false;
      break;
    }
    /* the original op becomes the root concat: its users and name stay */
    IrOp orig = *op;
    join(m, &orig, M, (int)p, op);
    changed = true;
  }
  if (changed) pass_order(m);
  return ok;
}
