/* Unit tests of the image format: the mlp example compiled in memory,
 * written, read back and written again byte-identically; corruptions give
 * the documented errors; every truncation is rejected without a crash. */
#include <stdlib.h>
#include <time.h>
#include "backend/emit.h"
#include "backend/wimg.h"
#include "frontend/wdl.h"
#include "ir/diag.h"
#include "passes/passes.h"
#include "tests/unit/check.h"

static const char *model =
    "model t {\n"
    "  input x : f32[6, 8];\n"
    "  param w : f32[8, 5] = randn(seed=1, std=0.5);\n"
    "  param b : f32[5] = full(0.25);\n"
    "  output y = relu(x @ w + b);\n"
    "}\n";

int main(void) {
  IrModule *m = wdl_parse_string("t.wdl", model);
  CHECK(m != NULL);
  if (!m) return 1;
  Target t;
  char err[512];
  CHECK(target_load("tiny", &t, err, sizeof err) == 0);
  for (const PassInfo *p = pass_list; p->name; p++) {
    CHECK(p->run(m, &t));
    m->stage = p->stage;
    ir_verify(m, p->name);
  }
  WImage img;
  CHECK(be_emit(m, &t, &img));
  uint8_t *bytes, *again;
  size_t len, len2;
  wimg_write(&img, &bytes, &len);
  WImage back;
  CHECK(wimg_read(bytes, len, &back, err, sizeof err) == 0);
  wimg_write(&back, &again, &len2);
  CHECK(len == len2 && memcmp(bytes, again, len) == 0);
  wimg_free(&back);
  free(again);

  uint8_t *bad = malloc(len);
  memcpy(bad, bytes, len);
  bad[0] ^= 1;
  CHECK(wimg_read(bad, len, &back, err, sizeof err) == -1);
  CHECK(strncmp(err, "offset 0x0: field header.magic: not a .wimg file", 48) == 0);
  memcpy(bad, bytes, len);
  bad[8] = 7;
  CHECK(wimg_read(bad, len, &back, err, sizeof err) == -1);
  CHECK_STR(err, "offset 0x8: field header.version: unsupported version 7 (this wsesim reads version 2)");
  memcpy(bad, bytes, len);
  bad[len / 2] ^= 0x10;
  CHECK(wimg_read(bad, len, &back, err, sizeof err) == -1);
  CHECK(strncmp(err, "offset 0x18: field header.checksum: stored 0x", 45) == 0);
  for (size_t cut = 0; cut < len; cut += 7) {
    CHECK(wimg_read(bytes, cut, &back, err, sizeof err) == -1);
  }
  /* a field error behind a valid checksum: a DSR kind of 9 in the first core
   * with DSRs (found by re-serialising a modified image) */
  WImage mod;
  CHECK(wimg_read(bytes, len, &mod, err, sizeof err) == 0);
  for (uint32_t c = 0; c < mod.ncore; c++)
    if (mod.cores[c].ndsr) {
      mod.cores[c].dsr[0].kind = 9;
      break;
    }
  uint8_t *mb;
  size_t ml;
  wimg_write(&mod, &mb, &ml);
  CHECK(wimg_read(mb, ml, &back, err, sizeof err) == -1);
  CHECK(strstr(err, ".dsr[0].kind: 9 is not a DSR kind") != NULL);
  free(mb);
  wimg_free(&mod);
  free(bad);
  free(bytes);

  /* Loading is linear: 90,000 cores, each with one piece of an input (the
   * piece's core was found by a linear search, 16 s for 80k pieces). */
  {
    enum { W = 300, N = W * W };
    WImage big = {0};
    big.tgt = (WTarget){"big", W, W, 4096, 24, 44, 8, 2, 4, 2, 1100, 16, 1, 12, 2841};
    big.rw = big.rh = W;
    uint64_t term = isa_encode((Insn){OP_TERM, 0, 0, 0, 0});
    WProg p = {1, &term};
    WTask tk = {TASK_MAIN, 0, 0};
    WCore *cores = calloc(N, sizeof(WCore));
    WPiece *pieces = calloc(N, sizeof(WPiece));
    for (int i = 0; i < N; i++) {
      cores[i] = (WCore){(uint16_t)(i % W), (uint16_t)(i / W), 0, 0, NULL, 1, &tk, 0, NULL, 0, NULL, WIMG_NO_DSRTAB};
      pieces[i] = (WPiece){(uint16_t)(i % W), (uint16_t)(i / W), 64, {(uint32_t)i, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}};
    }
    WIo io = {"x", WIO_IN, WDT_F32, 1, {N, 1, 1, 1, 1, 1}, N, pieces};
    big.nprog = 1, big.progs = &p, big.ncore = N, big.cores = cores, big.nio = 1, big.io = &io;
    uint8_t *bb;
    size_t bl;
    wimg_write(&big, &bb, &bl);
    clock_t t0 = clock();
    CHECK(wimg_read(bb, bl, &back, err, sizeof err) == 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 3.0);
    wimg_free(&back);
    free(bb);
    free(cores);
    free(pieces);
  }
  wimg_free(&img);
  ir_free(m);
  diag_free_sources();
  CHECK_DONE();
}
