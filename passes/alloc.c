/* passes/alloc.c: SRAM and DSR allocation per core.
 *
 * Algorithm: a core's SRAM holds its code from address 0 (8 bytes per
 * instruction, rounded up to 16), then its buffers, each aligned to 16
 * bytes: first those live for the whole run (params, received operands),
 * in program order; after them two overlays that share the same bytes, the
 * stage buffers (received, then copied out by the body's first
 * instructions) and the accumulators and tiles (written only after that).
 * lower already shares identical DSR descriptors. In the resident layout
 * (IrModule.resident) lower has given every buffer its bytes by its life,
 * relative to the data area, and LD immediates relative to it too: alloc
 * adds the data area's base to both. The pass checks the
 * target's limits, SRAM bytes (code included) and DSRs: a core over one is
 * an error that says what takes the space and prints the core's memory
 * map. (Tasks, one per incoming net plus two, cannot outgrow the 8-bit
 * task id: that would be a compiler bug.)
 */
#include <stdio.h>
#include "ir/diag.h"
#include "passes/passes.h"

static void print_map(const IrCore *c, int64_t sram) {
  fprintf(stderr, "  memory map of core (%d,%d) (%%%s):\n", c->x, c->y, c->op->name);
  fprintf(stderr, "    0x%05llx-0x%05llx  code: %d instructions\n", 0ULL,
          (unsigned long long)(c->code_bytes - 1), c->ninsn);
  for (int i = 0; i < c->nbuf; i++) {
    const IrBuf *b = &c->buf[i];
    int64_t bytes = b->elems * ir_dtype_size(b->dt);
    char sb[96] = "";
    int rank = b->val->shape.rank, o = 0;
    o += snprintf(sb + o, sizeof sb - (size_t)o, "[");
    for (int k = 0; k < rank && o < (int)sizeof sb - 24; k++)
      o += snprintf(sb + o, sizeof sb - (size_t)o, "%s%lld:%lld", k ? ", " : "", (long long)b->box.lo[k],
                    (long long)(b->box.lo[k] + b->box.n[k]));
    snprintf(sb + o, sizeof sb - (size_t)o, "]");
    fprintf(stderr, "    0x%05llx-0x%05llx  %-7s %%%s%s %s, %lld bytes\n", (unsigned long long)b->addr,
            (unsigned long long)(b->addr + bytes - 1), ir_buf_kind_names[b->kind], b->val->name, sb,
            ir_dtype_name(b->dt), (long long)bytes);
  }
  fprintf(stderr, "    total %lld of %lld bytes\n", (long long)c->data_end, (long long)sram);
}

bool pass_alloc(IrModule *m, const Target *t) {
  bool ok = true;
  int reported = 0;
  for (int i = 0; i < m->ncores; i++) {
    IrCore *c = m->cores[i];
    c->code_bytes = ((int64_t)c->ninsn * 8 + 15) & ~(int64_t)15;
    /* Buffers live through the whole program first (params, operands);
     * after them two overlays: the stage buffers, dead once the body has
     * copied them out (its first instructions), and the accumulators and
     * tiles, first written after that. */
    int64_t live = c->code_bytes;
    if (m->resident) { /* lower gave each buffer its bytes in the data area, by its life */
      int64_t end = 0;
      for (int b = 0; b < c->nbuf; b++) {
        IrBuf *bf = &c->buf[b];
        int64_t e = (bf->addr + bf->elems * ir_dtype_size(bf->dt) + 15) & ~(int64_t)15;
        end = e > end ? e : end;
        bf->addr += c->code_bytes;
      }
      live = c->code_bytes + end;
      /* its LDs read its words: their addresses were relative too */
      for (int k = 0; k < c->ninsn; k++)
        if (c->insn[k].op == OP_LD) c->insn[k].imm += (int32_t)c->code_bytes;
    }
    for (int b = 0; b < c->nbuf && !m->resident; b++)
      if (c->buf[b].kind == BUF_PARAM || c->buf[b].kind == BUF_OPERAND || c->buf[b].kind == BUF_INPUT) {
        c->buf[b].addr = live;
        live = (live + c->buf[b].elems * ir_dtype_size(c->buf[b].dt) + 15) & ~(int64_t)15;
      }
    int64_t body = live, stage = live;
    for (int b = 0; b < c->nbuf && !m->resident; b++) {
      IrBufKind k = c->buf[b].kind;
      if (k == BUF_PARAM || k == BUF_OPERAND || k == BUF_INPUT) continue;
      int64_t *at = k == BUF_STAGE ? &stage : &body;
      c->buf[b].addr = *at;
      *at = (*at + c->buf[b].elems * ir_dtype_size(c->buf[b].dt) + 15) & ~(int64_t)15;
    }
    int64_t addr = body > stage ? body : stage;
    c->data_end = addr;
    if (reported >= 3) continue;
    if (addr > (int64_t)t->sram_bytes) {
      /* what takes the space, by kind of buffer */
      int64_t by[BUF__COUNT] = {0};
      for (int b = 0; b < c->nbuf; b++) by[c->buf[b].kind] += c->buf[b].elems * ir_dtype_size(c->buf[b].dt);
      int big = 0;
      for (int k = 1; k < BUF__COUNT; k++) big = by[k] > by[big] ? k : big;
      diag_error(&c->op->loc,
                 "core (%d,%d) of '%s' needs %lld bytes of SRAM (code included) but a core of target "
                 "'%s' has %u; the most, %lld bytes, is %s%s",
                 c->x, c->y, c->op->name, (long long)addr, t->name, t->sram_bytes, (long long)by[big], ir_buf_kind_docs[big],
                 c->op->dt == DT_F32 ? " (f16 data would halve it)" : "");
      print_map(c, t->sram_bytes);
      ok = false;
      reported++;
    } else if (c->ndsr > (int)t->dsrs) {
      int nin = 0, nstage = 0;
      for (int d = 0; d < c->ndsr; d++) nin += c->dsr[d].kind == DSR_FABIN;
      for (int b = 0; b < c->nbuf; b++) nstage += c->buf[b].kind == BUF_STAGE;
      diag_error(&c->op->loc,
                 "core (%d,%d) of '%s' needs %d DSRs but a core of target '%s' has %u: it receives %d streams "
                 "(%d staged); a receive takes 2 DSRs, or 1 when it shares the moving DSR of the receives of its shape "
                 "into one buffer, and a staged one 2 more",
                 c->x, c->y, c->op->name, c->ndsr, t->name, t->dsrs, nin, nstage);
      print_map(c, t->sram_bytes);
      ok = false;
      reported++;
    }
    /* One task per incoming net (each on its own color at this router,
     * and a target has at most 32) plus two: never near the 8-bit id. */
    if (c->ntask > 256) die("alloc: core (%d,%d) has %d tasks", c->x, c->y, c->ntask);
  }
  return ok;
}
