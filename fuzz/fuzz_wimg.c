/* fuzz/fuzz_wimg.c: the .wimg image (backend/wimg.c) and the simulator.
 *
 * wimg_read, then what wsesim does with an image it accepted: sim_new (the
 * routing-table checks), every input written (a fixed pattern), a run of at
 * most FUZZ_MAX_CYCLES cycles (runtime/sim.h: sim_run's bound; env
 * WSECC_FUZZ_MAX_CYCLES overrides), every output read back.
 *
 * The header's file_size and checksum are recomputed before wimg_read
 * (FUZZ_RAW=1 in the environment turns this off): otherwise nearly every
 * mutation is refused at the checksum and the fuzzer never gets further.
 * So a saved crash input must get the same fix-up before the release
 * wsesim reproduces it: fuzz/fixsum.py does that.
 *
 * Tensors whose element count would not fit in 2^24 floats are not written
 * or read (the harness would allocate them; wsesim would too). */
#include "fuzz/fuzz_sim.h"

#define FUZZ_MAX_CYCLES 20000

static uint64_t max_cycles = FUZZ_MAX_CYCLES;
static bool raw;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *e = getenv("WSECC_FUZZ_MAX_CYCLES");
  if (e && atoll(e) > 0) max_cycles = (uint64_t)atoll(e);
  raw = getenv("FUZZ_RAW") && !strcmp(getenv("FUZZ_RAW"), "1");
  devnull = fopen("/dev/null", "w");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *bytes = xmalloc(size);
  memcpy(bytes, data, size);
  fuzz_fix_header(bytes, size, raw);
  WImage img;
  char err[512];
  int rc = wimg_read(bytes, size, &img, err, sizeof err);
  free(bytes);
  if (rc != 0) return 0;
  Sim *s = sim_new(&img, err, sizeof err);
  if (s) {
    fuzz_run(s, &img, max_cycles, devnull);
    sim_free(s);
  }
  wimg_free(&img);
  return 0;
}
