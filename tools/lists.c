/* tools/lists.c: `wsecc --list-ops`, `--list-opcodes`, `--list-target-params`.
 *
 * Each prints one of the project's tables as the Markdown table that the
 * docs hold (docs/ir.md, docs/isa.md, docs/targets.md), straight from the
 * table in the code (ir/ir.h IR_OPS, backend/isa.h ISA_OPS, common/machine.h
 * MACHINE_PARAMS). tests/lit/docs/tables.test diffs each listing with its
 * doc, so the docs cannot drift from the code.
 */
#include "tools/lists.h"

#include <string.h>
#include "backend/isa.h"
#include "common/machine.h"
#include "ir/ir.h"

/* A table cell: '|' is escaped so that the Markdown table keeps its columns. */
static const char *cell(const char *s) {
  static char buf[4][512];
  static int k;
  char *o = buf[k++ & 3];
  size_t n = 0;
  for (; *s && n + 3 < sizeof buf[0]; s++) {
    if (*s == '|') o[n++] = '\\';
    o[n++] = *s;
  }
  o[n] = 0;
  return o;
}

static void list_ops(FILE *f) {
  fprintf(f, "| op | WDL | operands | typing | instruction | meaning |\n|---|---|---|---|---|---|\n");
  for (int k = 0; k < IR__COUNT; k++) {
    const IrOpInfo *o = &ir_ops[k];
    const char *w = o->wdl;
    char wdl[32];
    if (!w[0]) snprintf(wdl, sizeof wdl, "—");
    else if (w[0] == '\'') snprintf(wdl, sizeof wdl, "`%.*s`", (int)strlen(w) - 2, w + 1);
    else snprintf(wdl, sizeof wdl, "`%s()`", w);
    fprintf(f, "| `%s` | %s | %d | %s | %s | %s |\n", o->name, wdl, o->nargs, ir_type_class_names[o->ty],
            o->isa >= 0 ? isa_ops[o->isa].name : "—", cell(o->doc));
  }
}

static void list_opcodes(FILE *f) {
  static const char *const cls[] = {"scalar", "control", "tensor"};
  fprintf(f, "| opcode | name | operands (a b c imm) | class | semantics |\n|---|---|---|---|---|\n");
  for (int k = 0; k < OP__COUNT; k++)
    fprintf(f, "| %d | `%s` | `%s` | %s | %s |\n", k, isa_ops[k].name, isa_ops[k].fmt, cls[isa_ops[k].cls],
            cell(isa_ops[k].doc));
}

static void list_target_params(FILE *f) {
  fprintf(f, "| element | attribute | allowed | in the image | meaning |\n|---|---|---|---|---|\n");
  for (int i = 0; i < MP__COUNT; i++) {
    const MachineParam *p = &machine_params[i];
    char allowed[64];
    if (p->min == p->max) snprintf(allowed, sizeof allowed, "exactly %u", p->min);
    else if (p->multiple > 1) snprintf(allowed, sizeof allowed, "%u – %u, a multiple of %u", p->min, p->max, p->multiple);
    else snprintf(allowed, sizeof allowed, "%u – %u", p->min, p->max);
    fprintf(f, "| `%s` | `%s` | %s | %s | %s |\n", p->element, p->attr, allowed, p->in_image ? p->field : "—", cell(p->doc));
  }
}

bool wsecc_list(const char *what, FILE *f) {
  if (!strcmp(what, "ops")) list_ops(f);
  else if (!strcmp(what, "opcodes")) list_opcodes(f);
  else if (!strcmp(what, "target-params")) list_target_params(f);
  else return false;
  return true;
}
