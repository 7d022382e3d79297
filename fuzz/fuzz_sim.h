/* fuzz/fuzz_sim.h: what the harnesses that run images share (fuzz_wimg,
 * fuzz_wmx): the header fix-up that lets mutations past the checksum, and
 * a run of a loaded image as wsesim does it. */
#ifndef WSEC_FUZZ_SIM_H
#define WSEC_FUZZ_SIM_H
#include "fuzz/fuzz_common.h"
#include "runtime/sim.h"

/* Tensors over this many elements are not written or read (the harness
 * would have to allocate them). */
#define FUZZ_MAX_ELEMS (1u << 24)

/* .wimg and .wmx share the header layout: file_size at 16, the FNV-1a
 * checksum of [32, size) at 24. Recomputed, so that a mutation is judged by
 * the fields after them (FUZZ_RAW=1 turns this off: raw). */
static void fuzz_fix_header(uint8_t *bytes, size_t size, int raw) {
  if (raw || size < 64) return;
  uint64_t sum = fnv1a64(bytes + 32, size - 32);
  for (int i = 0; i < 8; i++) {
    bytes[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    bytes[24 + i] = (uint8_t)(sum >> (8 * i));
  }
}

/* Element count of io, or 0 when it is above FUZZ_MAX_ELEMS. */
static uint64_t fuzz_io_count(const WIo *io) {
  uint64_t n = wimg_io_count(io); /* wimg_read: at most 2^32 */
  return n > FUZZ_MAX_ELEMS ? 0 : n;
}

/* Every input written (a fixed pattern), the run (at most max_cycles),
 * every output read. */
static void fuzz_run(Sim *s, const WImage *img, uint64_t max_cycles, FILE *report) {
  for (uint32_t i = 0; i < img->nio; i++) {
    const WIo *io = &img->io[i];
    uint64_t n = fuzz_io_count(io);
    if (io->dir != WIO_IN || !n) continue;
    float *in = xmalloc(sizeof(float) * n);
    for (uint64_t e = 0; e < n; e++) in[e] = (float)((int)(e % 7) - 3) * 0.25f;
    sim_write_input(s, io, in);
    free(in);
  }
  if (sim_run(s, max_cycles, report) != 0) return;
  for (uint32_t i = 0; i < img->nio; i++) {
    const WIo *io = &img->io[i];
    uint64_t n = fuzz_io_count(io);
    if (io->dir != WIO_OUT || !n) continue;
    float *out = xmalloc(sizeof(float) * n);
    sim_read_output(s, io, out);
    free(out);
  }
}
#endif
