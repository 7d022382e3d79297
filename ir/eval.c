/* ir/eval.c: the reference evaluator. Evaluates a typed module on the host
 * with the documented machine arithmetic (docs/isa.md): elementwise ops in
 * f32 rounded to the result dtype, matmul accumulating in f32 in k order.
 * It never looks at the mapping, so it is an independent check of place,
 * route, lower, the backend and the simulator. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/f16.h"
#include "ir/diag.h"

static float rnd(DType t, float f) { return ir_round(t, f); }

/* Flat index into operand `a` for output multi-index idx (broadcasting). */
static int64_t bidx(const Shape *out, const Shape *a, const int64_t *idx) {
  int off = out->rank - a->rank;
  int64_t r = 0;
  for (int k = 0; k < a->rank; k++) r = r * a->d[k] + (a->d[k] == 1 ? 0 : idx[k + off]);
  return r;
}

float *ir_gather(const IrOp *op, const float *a, const float *b) {
  int64_t n = shape_count(&op->shape);
  float *r = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
  int64_t idx[IR_MAXRANK] = {0};
  for (int64_t e = 0; e < n; e++) {
    const IrOp *src = op->arg[0];
    const float *data = a;
    int64_t si[IR_MAXRANK];
    for (int k = 0; k < op->shape.rank; k++) si[k] = idx[k];
    if (op->kind == IR_TRANSPOSE) {
      for (int k = 0; k < op->shape.rank; k++) si[op->perm[k]] = idx[k];
    } else if (op->kind == IR_RESHAPE) { /* C order is kept: element e is element e */
      r[e] = data[e];
      continue;
    } else if (op->kind == IR_SLICE) {
      si[op->axis] += op->start;
    } else if (op->kind == IR_CONCAT && idx[op->axis] >= src->shape.d[op->axis]) {
      si[op->axis] -= src->shape.d[op->axis];
      src = op->arg[1];
      data = b;
    }
    int64_t off = 0;
    for (int k = 0; k < src->shape.rank; k++) off = off * src->shape.d[k] + si[k];
    r[e] = data[off];
    for (int k = op->shape.rank - 1; k >= 0; k--) {
      if (++idx[k] < op->shape.d[k]) break;
      idx[k] = 0;
    }
  }
  return r;
}

int ir_eval(const IrModule *m, float **const inputs, float **outputs) {
  float **val = xcalloc((size_t)m->nops + 1, sizeof(float *));
  int ni = 0, no = 0, rc = 0;
  for (int i = 0; i < m->nops && rc == 0; i++) {
    const IrOp *op = m->ops[i];
    int64_t n = shape_count(&op->shape);
    float *r = NULL;
    switch (op->kind) {
    case IR_INPUT:
      r = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
      memcpy(r, inputs[ni++], sizeof(float) * (size_t)n);
      break;
    case IR_PARAM:
    case IR_CONST:
      r = ir_param_data(op);
      if (!r) rc = -1;
      break;
    case IR_OUTPUT:
      outputs[no] = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
      memcpy(outputs[no++], val[op->arg[0]->idx], sizeof(float) * (size_t)n);
      break;
    case IR_SUM:
    case IR_MEAN:
    case IR_RMAX: {
      /* view the operand as [outer, len, inner] around the reduced axis */
      const IrOp *a = op->arg[0];
      const float *x = val[a->idx];
      int64_t outer = 1, len = a->shape.d[op->axis], inner = 1;
      for (int k = 0; k < op->axis; k++) outer *= a->shape.d[k];
      for (int k = op->axis + 1; k < a->shape.rank; k++) inner *= a->shape.d[k];
      r = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
      for (int64_t o = 0; o < outer; o++)
        for (int64_t in = 0; in < inner; in++) {
          float acc = op->kind == IR_RMAX ? -INFINITY : 0.0f;
          for (int64_t k = 0; k < len; k++) {
            float v = x[(o * len + k) * inner + in];
            acc = isa_alu(op->kind == IR_RMAX ? OP_FMAX : OP_FADD, acc, v);
          }
          if (op->kind == IR_MEAN) acc = acc / (float)len;
          r[o * inner + in] = rnd(op->dt, acc);
        }
      break;
    }
    case IR_TRANSPOSE:
    case IR_RESHAPE:
    case IR_SLICE:
    case IR_CONCAT:
      r = ir_gather(op, val[op->arg[0]->idx], op->nargs > 1 ? val[op->arg[1]->idx] : NULL);
      break;
    case IR_MATMUL: {
      const IrOp *A = op->arg[0], *B = op->arg[1];
      const float *a = val[A->idx], *b = val[B->idx];
      int rk = op->shape.rank;
      int64_t M = op->shape.d[rk - 2], N = op->shape.d[rk - 1], K = A->shape.d[A->shape.rank - 1];
      r = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
      /* batch index -> matrix offsets in A and B (NumPy broadcasting) */
      int64_t bi[IR_MAXRANK] = {0}, nb = n / (M * N);
      for (int64_t t = 0; t < nb; t++) {
        int64_t oa = 0, ob = 0;
        for (int k = 0; k < rk - 2; k++) {
          int ia = k - (rk - A->shape.rank), ib = k - (rk - B->shape.rank);
          if (ia >= 0) oa = oa * A->shape.d[ia] + (A->shape.d[ia] == 1 ? 0 : bi[k]);
          if (ib >= 0) ob = ob * B->shape.d[ib] + (B->shape.d[ib] == 1 ? 0 : bi[k]);
        }
        const float *pa = a + oa * M * K, *pb = b + ob * K * N;
        for (int64_t i2 = 0; i2 < M; i2++)
          for (int64_t j = 0; j < N; j++) {
            float acc = 0.0f;
            for (int64_t k = 0; k < K; k++) {
              float p = pa[i2 * K + k] * pb[k * N + j];
              acc = acc + p;
            }
            r[t * M * N + i2 * N + j] = rnd(op->dt, acc);
          }
        for (int k = rk - 3; k >= 0; k--) {
          if (++bi[k] < op->shape.d[k]) break;
          bi[k] = 0;
        }
      }
      break;
    }
    default: {
      r = xmalloc(sizeof(float) * (size_t)(n ? n : 1));
      int64_t idx[IR_MAXRANK] = {0};
      const IrOp *a = op->arg[0], *b = op->nargs > 1 ? op->arg[1] : NULL;
      for (int64_t e = 0; e < n; e++) {
        float x = val[a->idx][bidx(&op->shape, &a->shape, idx)];
        float y = b ? val[b->idx][bidx(&op->shape, &b->shape, idx)] : 0.0f;
        if (!ir_is_elementwise(op)) die("ir_eval: unhandled op %s", ir_ops[op->kind].name);
        r[e] = rnd(op->dt, isa_alu(ir_ops[op->kind].isa, x, y));
        for (int k = op->shape.rank - 1; k >= 0; k--) {
          if (++idx[k] < op->shape.d[k]) break;
          idx[k] = 0;
        }
      }
    }
    }
    val[i] = r;
  }
  for (int i = 0; i < m->nops; i++) free(val[i]);
  free(val);
  return rc;
}
