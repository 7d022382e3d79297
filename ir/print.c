/* ir/print.c: the textual IR (.wir). ir/parse.c reads exactly this back;
 * docs/ir.md is the grammar. Nothing printed depends on pointers or hash
 * order, so the text is deterministic. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/ir.h"

static void pstr(Buf *b, const char *s) {
  buf_u8(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') buf_printf(b, "\\%c", *s);
    else if ((unsigned char)*s < 0x20) buf_printf(b, "\\x%02x", (unsigned char)*s);
    else buf_u8(b, (uint8_t)*s);
  }
  buf_u8(b, '"');
}

/* The shortest "%.Ng" that reads back as the same double. */
static void preal(Buf *b, double v) {
  char t[40];
  for (int prec = 6; prec <= 17; prec++) {
    snprintf(t, sizeof t, "%.*g", prec, v);
    if (strtod(t, NULL) == v) break;
  }
  buf_printf(b, "%s", t);
}

static void pshape(Buf *b, DType dt, const Shape *s) {
  buf_printf(b, "%s[", ir_dtype_name(dt));
  for (int i = 0; i < s->rank; i++) buf_printf(b, "%s%lld", i ? ", " : "", (long long)s->d[i]);
  buf_printf(b, "]");
}

static void pbox(Buf *b, const Box *x, int rank) {
  buf_printf(b, "[");
  for (int i = 0; i < rank; i++)
    buf_printf(b, "%s%lld:%lld", i ? ", " : "", (long long)x->lo[i], (long long)(x->lo[i] + x->n[i]));
  buf_printf(b, "]");
}

static void pints(Buf *b, const int64_t *v, int n) {
  buf_printf(b, "[");
  for (int i = 0; i < n; i++) buf_printf(b, "%s%lld", i ? ", " : "", (long long)v[i]);
  buf_printf(b, "]");
}

static void pports(Buf *b, unsigned mask) {
  for (int p = 0; p < PORT__COUNT; p++)
    if (mask & (1u << p)) buf_u8(b, (uint8_t)isa_port_names[p]);
}

static void pop(Buf *b, const IrOp *op) {
  if (op->kind == IR_OUTPUT) {
    buf_printf(b, "  output ");
    pstr(b, op->name);
    buf_printf(b, " = %%%s", op->arg[0]->name);
  } else {
    buf_printf(b, "  %%%s = %s", op->name, ir_ops[op->kind].name);
    if (op->kind == IR_INPUT || op->kind == IR_PARAM) {
      buf_printf(b, " ");
      pstr(b, op->name);
    }
    if (op->kind == IR_CONST) {
      buf_printf(b, " ");
      preal(b, op->fill);
    }
    for (int i = 0; i < op->nargs; i++) buf_printf(b, "%s%%%s", i ? ", " : " ", op->arg[i]->name);
    if (op->kind == IR_CAST) buf_printf(b, " to %s", ir_dtype_name(op->dt));
    if (ir_is_reduction(op)) buf_printf(b, " axis %d%s", op->axis, op->keepdims ? " keepdims" : "");
    if (op->kind == IR_CONCAT) buf_printf(b, " axis %d", op->axis);
    if (op->kind == IR_SLICE) buf_printf(b, " axis %d [%lld:%lld]", op->axis, (long long)op->start, (long long)op->end);
    if (op->kind == IR_TRANSPOSE && op->arg[0]->shape.rank > 2) { /* 2-D: always [1, 0], not printed */
      buf_printf(b, " perm [");
      for (int k = 0; k < op->arg[0]->shape.rank; k++) buf_printf(b, "%s%d", k ? ", " : "", op->perm[k]);
      buf_printf(b, "]");
    }
  }
  if (op->typed) {
    buf_printf(b, " : ");
    pshape(b, op->dt, &op->shape);
  }
  if (op->kind == IR_PARAM) {
    switch (op->init) {
    case INIT_LOAD:
      buf_printf(b, " = load(");
      pstr(b, op->path);
      buf_printf(b, ")");
      break;
    case INIT_ZEROS: buf_printf(b, " = zeros()"); break;
    case INIT_ONES: buf_printf(b, " = ones()"); break;
    case INIT_FULL:
      buf_printf(b, " = full(");
      preal(b, op->fill);
      buf_printf(b, ")");
      break;
    case INIT_RANDN:
      buf_printf(b, " = randn(seed=%llu, std=", (unsigned long long)op->seed);
      preal(b, op->std);
      if (op->sparsity > 0) {
        buf_printf(b, ", sparsity=");
        preal(b, op->sparsity);
      }
      buf_printf(b, ")");
      break;
    case INIT_NONE: break;
    }
  }
  if (op->host) buf_printf(b, " on %%%s", op->host->name);
  if (op->placed) {
    buf_printf(b, " place [%d,%d %dx%d] tile ", op->place.x, op->place.y, op->place.w, op->place.h);
    pints(b, op->tile, op->shape.rank);
    if (op->kind == IR_MATMUL && op->ktile > 0) buf_printf(b, " k %lld", (long long)op->ktile);
    if (op->stream) buf_printf(b, " stream");
    if (op->host_rhs) buf_printf(b, " host_rhs");
  }
  if (op->loc.file) {
    buf_printf(b, " loc(");
    pstr(b, op->loc.file);
    buf_printf(b, ":%d:%d-%d)", op->loc.line, op->loc.col, op->loc.end_col);
  }
  buf_printf(b, "\n");
}

static void pnet(Buf *b, const IrNet *n) {
  buf_printf(b, "  net %d %s %%%s %s box ", n->id, n->kind == NET_PSUM ? "psum" : n->kind == NET_INGRESS ? "ingress" : "operand", n->src->name,
             ir_dtype_name(n->dt));
  /* a MemoryX stream carries a box of the matmul's weights */
  bool w = n->kind == NET_INGRESS && n->src->kind == IR_MATMUL;
  pbox(b, &n->box, (w ? n->src->arg[1] : n->src)->shape.rank);
  buf_printf(b, " from (%d,%d) to {", n->from.x, n->from.y);
  for (int i = 0; i < n->ndst; i++) {
    buf_printf(b, "%s(%d,%d)", i ? ", " : "", n->to[i].x, n->to[i].y);
    if (n->kind == NET_OPERAND) buf_printf(b, " %%%s.%d", n->to[i].op->name, n->to[i].argi);
  }
  buf_printf(b, "} color ");
  if (n->color < 0) buf_printf(b, "-");
  else buf_printf(b, "%d", n->color);
  buf_printf(b, "\n    route {");
  for (int i = 0; i < n->nhop; i++) {
    buf_printf(b, "%s(%d,%d) %c>", i ? ", " : "", n->hop[i].x, n->hop[i].y, isa_port_names[n->hop[i].in_port]);
    pports(b, n->hop[i].out_mask);
  }
  buf_printf(b, "}\n");
}

static const char *const dsr_kinds[] = {"none", "mem", "fabin", "fabout"};
static const char *const task_kinds[] = {"main", "data", "local"};

static void pcore(Buf *b, const IrModule *m, const IrCore *c) {
  buf_printf(b, "  core (%d,%d) %%%s {\n", c->x, c->y, c->op->name);
  for (int i = 0; i < c->nbuf; i++) {
    const IrBuf *x = &c->buf[i];
    buf_printf(b, "    buf %d %s %%%s ", i, ir_buf_kind_names[x->kind], x->val->name);
    pbox(b, &x->box, x->val->shape.rank);
    buf_printf(b, " %s %lld @", ir_dtype_name(x->dt), (long long)x->elems);
    if (x->addr < 0) buf_printf(b, "?");
    else buf_printf(b, "0x%04llx", (long long)x->addr);
    if (x->kind == BUF_WORDS) {
      buf_printf(b, " = {");
      for (int64_t k = 0; k < x->elems; k++) buf_printf(b, "%s%u", k ? ", " : "", x->words[k]);
      buf_printf(b, "}");
    }
    if (x->live_to >= 0) /* the resident layout: which ops' code it lives through */
      buf_printf(b, "  // live %%%s..%s%s", m->ops[x->live_from]->name, x->live_to == INT_MAX ? "" : "%",
                 x->live_to == INT_MAX ? "the end" : m->ops[x->live_to]->name);
    buf_printf(b, "\n");
  }
  for (int i = 0; i < c->ndsr; i++) {
    const IrDsr *d = &c->dsr[i];
    buf_printf(b, "    dsr %d %s %s ", i, dsr_kinds[d->kind], ir_dtype_name(d->dt));
    if (d->kind == DSR_MEM) {
      buf_printf(b, "buf %d+%lld dims ", d->buf, (long long)d->off);
      pints(b, d->dim, d->ndim);
      buf_printf(b, " strides ");
      pints(b, d->stride, d->ndim);
      buf_printf(b, "\n");
    } else {
      buf_printf(b, "color %d len %lld\n", d->color, (long long)d->dim[0]);
    }
  }
  for (int i = 0; i < c->ntask; i++) {
    buf_printf(b, "    task %d %s", i, task_kinds[c->task[i].kind]);
    if (c->task[i].kind == 1) buf_printf(b, " color %d", c->task[i].color);
    buf_printf(b, " @%d\n", c->task[i].pc);
  }
  if (c->code_bytes || c->data_end) buf_printf(b, "    sram code %lld end %lld\n", (long long)c->code_bytes, (long long)c->data_end);
  buf_printf(b, "    code {\n");
  for (int i = 0; i < c->ninsn; i++) {
    char t[128];
    isa_format(t, sizeof t, c->insn[i]);
    buf_printf(b, "      %d: %s\n", i, t);
  }
  buf_printf(b, "    }\n  }\n");
}

void ir_print(const IrModule *m, Buf *b) {
  buf_printf(b, "// wsecc IR, stage %s\n", ir_stage_name(m->stage));
  buf_printf(b, "module @%s target ", m->name);
  pstr(b, m->target);
  buf_printf(b, " grid %dx%d%s%s stage %s {\n", m->grid_w, m->grid_h, m->exec_stream ? " exec stream" : "",
             m->resident ? " resident" : "", ir_stage_name(m->stage));
  for (int i = 0; i < m->nops && m->resident; i++)
    if (m->ops[i]->placed) {
      const Rect *r = &m->ops[i]->place;
      buf_printf(b, "  // resident layout: every op on the region [%d,%d %dx%d], one after another\n", r->x, r->y, r->w, r->h);
      break;
    }
  for (int i = 0; i < m->nops; i++) pop(b, m->ops[i]);
  if (m->nnets) buf_printf(b, "\n");
  for (int i = 0; i < m->nnets; i++) pnet(b, m->nets[i]);
  for (int i = 0; i < m->ncores; i++) {
    buf_printf(b, "\n");
    pcore(b, m, m->cores[i]);
  }
  buf_printf(b, "}\n");
}
