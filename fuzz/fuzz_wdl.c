/* fuzz/fuzz_wdl.c: WDL source through the whole pipeline.
 *
 * Parse (frontend), then every pass for the built-in `tiny` target (24x16
 * cores: a fuzzed model is small or refused quickly; the model's own target
 * is replaced, as --target tiny does), the verifier after each pass, emit
 * the image to memory, list it, and read it back with wimg_read.
 *
 * load("F.npy") paths are resolved against the directory of the source file
 * name given to the parser: FUZZ_LOAD_DIR (fuzz/corpus/npy, set by
 * fuzz/CMakeLists.txt), so the .npy seeds are reachable by name. */
#include "fuzz/fuzz_common.h"
#include "frontend/wdl.h"

#ifndef FUZZ_LOAD_DIR
#define FUZZ_LOAD_DIR "."
#endif

static const Target *tiny;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_load_builtins();
  tiny = fuzz_builtin("tiny");
  diag_set_color(DIAG_COLOR_NEVER);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  if (!text) return 0;
  IrModule *m = wdl_parse_string(FUZZ_LOAD_DIR "/fuzz.wdl", text);
  free(text);
  if (m && !diag_errors()) {
    m->target = arena_strdup(&m->arena, "tiny");
    fuzz_pipeline(m, tiny);
  }
  ir_free(m);
  fuzz_reset();
  return 0;
}
