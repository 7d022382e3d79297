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
#include "fuzz/fuzz_common.h"
#include "runtime/sim.h"

#define FUZZ_MAX_CYCLES 20000
#define FUZZ_MAX_ELEMS (1u << 24)

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

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Element count of io, or 0 when it is above FUZZ_MAX_ELEMS. */
static uint64_t count(const WIo *io) {
  uint64_t n = 1;
  for (int k = 0; k < 4; k++)
    if (__builtin_mul_overflow(n, (uint64_t)io->dim[k], &n) || n > FUZZ_MAX_ELEMS) return 0;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *bytes = xmalloc(size);
  memcpy(bytes, data, size);
  if (!raw && size >= 64) {
    put64(bytes + 16, size);
    put64(bytes + 24, fnv1a64(bytes + 32, size - 32));
  }
  WImage img;
  char err[512];
  int rc = wimg_read(bytes, size, &img, err, sizeof err);
  free(bytes);
  if (rc != 0) return 0;
  Sim *s = sim_new(&img, err, sizeof err);
  if (s) {
    for (uint32_t i = 0; i < img.nio; i++) {
      const WIo *io = &img.io[i];
      uint64_t n = count(io);
      if (io->dir != WIO_IN || !n) continue;
      float *in = xmalloc(sizeof(float) * n);
      for (uint64_t e = 0; e < n; e++) in[e] = (float)((int)(e % 7) - 3) * 0.25f;
      sim_write_input(s, io, in);
      free(in);
    }
    if (sim_run(s, max_cycles, devnull) == 0)
      for (uint32_t i = 0; i < img.nio; i++) {
        const WIo *io = &img.io[i];
        uint64_t n = count(io);
        if (io->dir != WIO_OUT || !n) continue;
        float *out = xmalloc(sizeof(float) * n);
        sim_read_output(s, io, out);
        free(out);
      }
    sim_free(s);
  }
  wimg_free(&img);
  return 0;
}
