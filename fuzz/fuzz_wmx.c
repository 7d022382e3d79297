/* fuzz/fuzz_wmx.c: the .wmx MemoryX weight store (backend/wmx.c) and the
 * simulator's MemoryX link.
 *
 * wmx_read; a store that reads is written again with wmx_write, and the
 * bytes must be those read (writing is deterministic and the reader accepts
 * one encoding per value: "fuzz check failed" otherwise). Then what wsesim
 * does with it: the store's header.image_checksum must name an image (the
 * images are the stream-mode seeds fuzz/corpus/wimg/stream-*.wimg, read
 * once at start-up from FUZZ_IMAGE_DIR, set by fuzz/CMakeLists.txt;
 * fuzz/make_corpus.sh compiles them with their .wmx seeds, so every seed
 * names one); sim_new of that image, sim_set_memoryx, every input written
 * (a fixed pattern), a run of at most FUZZ_MAX_CYCLES cycles (env
 * WSECC_FUZZ_MAX_CYCLES overrides), every output read back.
 *
 * The header's file_size and checksum are recomputed before wmx_read
 * (FUZZ_RAW=1 in the environment turns this off), as fuzz_wimg does: the
 * .wmx header has the .wimg layout there (file_size at 16, FNV-1a 64 of
 * bytes [32, file_size) at 24), so fuzz/fixsum.py gives a saved finding
 * the same fix-up before the release wsesim sees it (with --memoryx and the
 * image whose checksum the finding names).
 *
 * Tensors whose element count would not fit in 2^24 floats are not written
 * or read (the seed images have small ones; the limit is fuzz_wimg's). */
#include <dirent.h>

#include "backend/wmx.h"
#include "fuzz/fuzz_sim.h"

#ifndef FUZZ_IMAGE_DIR
#define FUZZ_IMAGE_DIR "fuzz/corpus/wimg"
#endif
#define FUZZ_MAX_CYCLES 20000
#define FUZZ_MAX_IMAGES 16

static uint64_t max_cycles = FUZZ_MAX_CYCLES;
static bool raw;
static FILE *devnull;
/* the stream-mode seed images, read once, and their header checksums */
static WImage images[FUZZ_MAX_IMAGES];
static uint64_t image_sum[FUZZ_MAX_IMAGES];
static int nimages;

static void load_images(void) {
  DIR *d = opendir(FUZZ_IMAGE_DIR);
  if (!d) fuzz_fail("cannot open %s (the stream-mode seed images; run fuzz/make_corpus.sh)", FUZZ_IMAGE_DIR);
  struct dirent *e;
  while ((e = readdir(d)) && nimages < FUZZ_MAX_IMAGES) {
    size_t n = strlen(e->d_name);
    if (strncmp(e->d_name, "stream-", 7) || n < 5 || strcmp(e->d_name + n - 5, ".wimg")) continue;
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/%s", FUZZ_IMAGE_DIR, e->d_name);
    size_t len;
    uint8_t *bytes = (uint8_t *)read_file(path, &len);
    if (!bytes) fuzz_fail("cannot read %s", path);
    if (wimg_read(bytes, len, &images[nimages], err, sizeof err) != 0) fuzz_fail("%s: %s", path, err);
    image_sum[nimages++] = wmx_header_checksum(bytes, len);
    free(bytes);
  }
  closedir(d);
  if (!nimages) fuzz_fail("no stream-*.wimg in %s (run fuzz/make_corpus.sh)", FUZZ_IMAGE_DIR);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *e = getenv("WSECC_FUZZ_MAX_CYCLES");
  if (e && atoll(e) > 0) max_cycles = (uint64_t)atoll(e);
  raw = getenv("FUZZ_RAW") && !strcmp(getenv("FUZZ_RAW"), "1");
  devnull = fopen("/dev/null", "w");
  load_images();
  return 0;
}

/* What wsesim does once the store has read and its image_checksum matched. */
static void simulate(const WImage *img, const Wmx *mx) {
  char err[512];
  Sim *s = sim_new(img, err, sizeof err);
  if (!s) fuzz_fail("sim_new refuses a seed image: %s", err);
  if (sim_set_memoryx(s, mx, err, sizeof err) == 0) fuzz_run(s, img, max_cycles, devnull);
  sim_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *bytes = xmalloc(size ? size : 1);
  memcpy(bytes, data, size);
  fuzz_fix_header(bytes, size, raw);
  Wmx mx;
  char err[512];
  if (wmx_read(bytes, size, &mx, err, sizeof err) != 0) {
    free(bytes);
    return 0;
  }
  uint8_t *again;
  size_t len;
  wmx_write(&mx, &again, &len);
  if (len != size || memcmp(bytes, again, size) != 0) fuzz_fail("a .wmx wmx_read accepted differs after wmx_write");
  free(again);
  free(bytes);
  for (int i = 0; i < nimages; i++)
    if (image_sum[i] == mx.image_checksum) {
      simulate(&images[i], &mx);
      break;
    }
  wmx_free(&mx);
  return 0;
}
