/* fuzz/fuzz_target.c: target description XML (targets/target.c).
 *
 * target_load takes a built-in name or a path ending in ".xml" and has no
 * in-memory entry point, so each input is written to a private temporary
 * file (fuzz_tmpfile: in /dev/shm when there is one) and loaded by path,
 * exactly as `wsecc --target FILE.xml` does.
 *
 * A target that loads is then used: a small fixed model (a matmul, a bias,
 * a reduction, a softmax) goes through the whole pipeline for it and its
 * image is read back. That is where odd but valid values (1 DSR, 1 color,
 * 1 KB of SRAM, a 1x1 grid) meet the passes. The model is parsed once. */
#include "fuzz/fuzz_common.h"
#include "frontend/wdl.h"

static const char model[] =
    "model t {\n"
    "  input x : f32[6, 10];\n"
    "  param w : f32[10, 7] = randn(seed=1, std=0.3);\n"
    "  param b : f32[7] = ones();\n"
    "  let h = relu(x @ w + b);\n"
    "  output y = softmax(h, axis=-1);\n"
    "  output s = sum(h, axis=0);\n"
    "}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  diag_set_color(DIAG_COLOR_NEVER);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_tmpfile(".xml", data, size);
  Target t;
  char err[512];
  int rc = target_load(path, &t, err, sizeof err);
  fuzz_unlink(path);
  if (rc != 0) return 0;
  if (t.grid_w < 1 || t.grid_h < 1 || t.dsrs < 1 || t.colors < 1 || t.sram_bytes < 1024 || t.name[sizeof t.name - 1])
    fuzz_fail("target_load accepted out-of-range values");
  IrModule *m = wdl_parse_string("fuzz-target.wdl", model);
  if (!m) fuzz_fail("the fixed model does not parse");
  fuzz_pipeline(m, &t);
  ir_free(m);
  fuzz_reset();
  return 0;
}
