/* fuzz/fuzz_wir.c: the .wir text form (ir/parse.c, ir/print.c).
 *
 * Parse; check the module in full for the stage its header names, as the
 * driver does (pass_check_wir), then verify it (a verifier failure after the
 * check is a compiler bug); print it,
 * re-parse the print and print that again: the two prints must be equal
 * (the printer writes what the reader reads, and a dump resumes to the same
 * image). Then the remaining passes and the image, as `wsecc FILE.wir`.
 *
 * The target is the module's own when it is a built-in name (loaded once);
 * a .xml path in a fuzzed header is replaced by `tiny`, so the harness never
 * opens files the input names. */
#include "fuzz/fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_load_builtins();
  diag_set_color(DIAG_COLOR_NEVER);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  if (!text) return 0;
  diag_set_source("fuzz.wir", text); /* as the driver does: caret lines from memory */
  IrModule *m = ir_parse("fuzz.wir", text);
  free(text);
  const Target *t = NULL;
  if (m && !diag_errors()) {
    t = m->target ? fuzz_builtin(m->target) : NULL;
    if (!t) {
      m->target = arena_strdup(&m->arena, "tiny");
      t = fuzz_builtin("tiny");
    }
    /* as the driver: a .wir is user input, checked in full for its stage
     * (passes/checkwir.c) before anything trusts it */
    if (m->grid_w > (int)t->grid_w || m->grid_h > (int)t->grid_h || !pass_check_wir(m, t) || diag_errors()) t = NULL;
  }
  if (t) {
    ir_verify(m, "parse"); /* after pass_check_wir, a verifier failure is our bug */
    Buf p1 = {0}, p2 = {0};
    ir_print(m, &p1);
    buf_u8(&p1, 0);
    IrModule *m2 = ir_parse("print1.wir", (const char *)p1.data);
    if (!m2) fuzz_fail("the print of a parsed module does not parse:\n%s", (const char *)p1.data);
    ir_print(m2, &p2);
    buf_u8(&p2, 0);
    if (p1.len != p2.len || memcmp(p1.data, p2.data, p1.len) != 0)
      fuzz_fail("print(parse(print(m))) differs from print(m):\n--- first\n%s\n--- second\n%s", (const char *)p1.data,
                (const char *)p2.data);
    ir_free(m2);
    buf_free(&p1);
    buf_free(&p2);
    fuzz_pipeline(m, t);
  }
  ir_free(m);
  fuzz_reset();
  return 0;
}
