/* Unit tests of the IR: the text form round-trips at every stage, boxes
 * intersect correctly, and the reference evaluator computes known values. */
#include <stdlib.h>
#include "frontend/wdl.h"
#include "ir/diag.h"
#include "passes/mapping.h"
#include "passes/passes.h"
#include "tests/unit/check.h"

int main(void) {
  const char *src =
      "model r {\n  input a : f32[2, 3];\n  param w : f32[3, 2] = ones();\n  param b : f32[2] = full(-4);\n"
      "  output y = relu(a @ w + b);\n  output z = -a;\n}\n";
  IrModule *m = wdl_parse_string("r.wdl", src);
  CHECK(m != NULL);
  if (!m) return 1;
  Target t;
  char err[256];
  CHECK(target_load("tiny", &t, err, sizeof err) == 0);
  for (const PassInfo *p = pass_list; p->name; p++) {
    CHECK(p->run(m, &t));
    m->stage = p->stage;
    Buf a = {0}, b = {0};
    ir_print(m, &a);
    buf_u8(&a, 0);
    IrModule *m2 = ir_parse("r.wir", (const char *)a.data);
    CHECK(m2 != NULL);
    if (m2) {
      ir_print(m2, &b);
      buf_u8(&b, 0);
      CHECK_STR((const char *)b.data, (const char *)a.data);
      /* a real dump passes the .wir checker (passes/checkwir.c) unchanged */
      CHECK(pass_check_wir(m2, &t));
      CHECK(diag_errors() == 0);
      Buf c = {0};
      ir_print(m2, &c);
      buf_u8(&c, 0);
      CHECK_STR((const char *)c.data, (const char *)a.data);
      buf_free(&c);
      ir_free(m2);
    }
    buf_free(&a);
    buf_free(&b);
    if (p->stage == STAGE_INFER) {
      float in[6] = {1, 2, 3, -1, 0, 5};
      float *ins[1] = {in};
      float *outs[2] = {0};
      CHECK(ir_eval(m, ins, outs) == 0);
      /* y = relu(rowsum(a) - 4) = relu([2, 0]) per column */
      CHECK(outs[0][0] == 2 && outs[0][1] == 2 && outs[0][2] == 0 && outs[0][3] == 0);
      CHECK(outs[1][0] == -1 && outs[1][5] == -5);
      free(outs[0]);
      free(outs[1]);
    }
  }
  ir_free(m);
  Box x = {{0, 4}, {8, 4}}, y = {{6, 0}, {10, 6}}, r;
  CHECK(box_intersect(&x, &y, 2, &r) && r.lo[0] == 6 && r.n[0] == 2 && r.lo[1] == 4 && r.n[1] == 2);
  Box z = {{8, 0}, {1, 1}};
  CHECK(!box_intersect(&x, &z, 2, &r));
  /* reshape runs: every run [f0, f0+n) of a [3, 4, 5] tensor splits into at
   * most 5 boxes that are themselves consecutive runs covering it exactly,
   * all inside the run's bounding box */
  Shape sh = {3, {3, 4, 5}};
  for (int64_t f0 = 0; f0 < 60; f0++)
    for (int64_t n = 1; f0 + n <= 60; n++) {
      Box pc[8], bb = map_flat_bounds(&sh, f0, n);
      int np = map_flat_pieces(&sh, f0, n, pc);
      int64_t at = f0;
      bool ok = np >= 1 && np <= 5;
      for (int i = 0; i < np && ok; i++) {
        int64_t c = box_count(&pc[i], 3), last[3];
        for (int k = 0; k < 3; k++) last[k] = pc[i].lo[k] + pc[i].n[k] - 1;
        ok = map_flat(&sh, pc[i].lo) == at && map_flat(&sh, last) == at + c - 1;
        for (int k = 0; k < 3; k++) ok = ok && pc[i].lo[k] >= bb.lo[k] && last[k] < bb.lo[k] + bb.n[k];
        at += c;
      }
      CHECK(ok && at == f0 + n);
    }
  /* parse errors are reported, not crashes */
  CHECK(ir_parse("bad.wir", "module @m target \"wse2\" grid 0x0 stage infer {\n  %a = frob %b\n}\n") == NULL);
  CHECK(ir_parse("bad.wir", "module @m") == NULL);
  /* numbers out of range and bad escapes are parse errors */
  CHECK(ir_parse("bad.wir", "module @m target \"wse2\" grid 0x0 stage infer {\n  %a = input \"a\" : f32[0, 2]\n}\n") == NULL);
  CHECK(ir_parse("bad.wir", "module @m target \"wse2\\x\" grid 0x0 stage infer {\n}\n") == NULL);
  /* what parses but disagrees with the types is refused by pass_check_wir */
  {
    Target tt;
    CHECK(target_load("tiny", &tt, err, sizeof err) == 0);
    IrModule *bad = ir_parse("bad.wir", "module @m target \"tiny\" grid 0x0 stage infer {\n"
                                        "  %a = input \"a\" : f32[2, 3]\n  %1 = neg %a : f32[3, 2]\n  output \"y\" = %1 : f32[3, 2]\n}\n");
    CHECK(bad != NULL);
    int before = diag_errors();
    if (bad) CHECK(!pass_check_wir(bad, &tt) && diag_errors() > before);
    ir_free(bad);
  }
  diag_free_sources();
  CHECK_DONE();
}
