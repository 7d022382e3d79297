/* Unit tests of the simulator on hand-built images: arithmetic on one core,
 * a multicast stream between cores, and the report of a stuck fabric. */
#include <stdlib.h>
#include "backend/wimg.h"
#include "runtime/sim.h"
#include "tests/unit/check.h"

static WTarget tgt(void) {
  WTarget t = {"test", 8, 8, 49152, 24, 44, 8, 2, 4, 2, 1100, 16, 1, 12, 2841};
  return t;
}
static uint64_t *code(const Insn *in, int n) {
  uint64_t *w = malloc(sizeof(uint64_t) * (size_t)n);
  for (int i = 0; i < n; i++) w[i] = isa_encode(in[i]);
  return w;
}
static Dsr mem(uint32_t addr, uint32_t n) { return (Dsr){DSR_MEM, WDT_F32, 0, 1, addr, {n, 0, 0, 0}, {1, 0, 0, 0}}; }
static Dsr fab(int kind, int color, uint32_t n) { return (Dsr){(uint8_t)kind, WDT_F32, (uint8_t)color, 1, 0, {n, 0, 0, 0}, {1, 0, 0, 0}}; }

/* Run a one-core image: PROG (n instructions) with DSRs d[0..nd), a MAIN
 * task, and one output "y" of 8 f32 at SRAM address out; y gets it. Returns
 * the run's tensor instruction count, or -1 if it did not load or run. */
static long run_one_core(const Insn *prog, int n, Dsr *d, int nd, uint32_t out, float y[8]) {
  char err[256];
  WImage img = {0};
  img.tgt = tgt();
  img.rw = img.rh = 1;
  WProg p = {(uint32_t)n, code(prog, n)};
  WTask t = {TASK_MAIN, 0, 0};
  WCore c = {0, 0, 0, (uint32_t)nd, d, 1, &t, 0, NULL, 0, NULL, 0};
  WPiece pc = {0, 0, out, {0, 0, 0, 0, 0, 0}, {8, 1, 1, 1, 1, 1}};
  WIo io = {"y", WIO_OUT, WDT_F32, 1, {8, 1, 1, 1, 1, 1}, 1, &pc};
  img.nprog = 1, img.progs = &p, img.ncore = 1, img.cores = &c, img.nio = 1, img.io = &io;
  Sim *s = sim_new(&img, err, sizeof err);
  long r = -1;
  if (s && sim_run(s, 1000, stderr) == 0 && sim_stats(s)->cycles > 0) {
    sim_read_output(s, &io, y);
    r = (long)sim_stats(s)->insns_tensor;
  }
  if (s) sim_free(s);
  free(p.insn);
  return r;
}

int main(void) {
  char err[256];
  /* (1) one core: d0 = 1.5; d1 = d0 + d0 */
  {
    float one5 = 1.5f, y[8];
    int32_t bits;
    memcpy(&bits, &one5, 4);
    Insn prog[] = {{OP_FFILL, 0, 0, 0, bits}, {OP_FADD, 1, 0, 0, 0}, {OP_TERM, 0, 0, 0, 0}};
    Dsr d[2] = {mem(64, 8), mem(96, 8)};
    CHECK(run_one_core(prog, 3, d, 2, 96, y) == 2);
    for (int i = 0; i < 8; i++) CHECK(y[i] == 3.0f);
  }
  /* (2) core (0,0) multicasts 8 values on color 3 to (1,0) and (2,0); each
   *     receives asynchronously and a LOCAL task doubles them. */
  {
    WImage img = {0};
    img.tgt = tgt();
    img.rw = 3, img.rh = 1;
    Insn send[] = {{OP_FMOV, 1, 0, 0, 0}, {OP_TERM, 0, 0, 0, 0}};
    Insn recv[] = {{OP_TERM, 0, 0, 0, 0},
                   {OP_FMOV, 0, 1, 0, ISA_ASYNC | ISA_ACTIVATE | (2 << 8)},
                   {OP_TERM, 0, 0, 0, 0},
                   {OP_FADD, 2, 0, 0, 0},
                   {OP_TERM, 0, 0, 0, 0}};
    WProg p[2] = {{2, code(send, 2)}, {5, code(recv, 5)}};
    Dsr ds[2] = {mem(64, 8), fab(DSR_FABOUT, 3, 8)};
    Dsr dr[3] = {mem(64, 8), fab(DSR_FABIN, 3, 8), mem(128, 8)};
    WTask ts = {TASK_MAIN, 0, 0};
    WTask tr[3] = {{TASK_MAIN, 0, 0}, {TASK_DATA, 3, 1}, {TASK_LOCAL, 0, 3}};
    WRoute r0 = {3, PORT_R, 1 << PORT_E}, r1 = {3, PORT_W, (1 << PORT_R) | (1 << PORT_E)}, r2 = {3, PORT_W, 1 << PORT_R};
    WCore c[3] = {{0, 0, 0, 2, ds, 1, &ts, 1, &r0, 0, NULL, 0},
                  {1, 0, 1, 3, dr, 3, tr, 1, &r1, 0, NULL, 0},
                  {2, 0, 1, 3, dr, 3, tr, 1, &r2, 0, NULL, 0}};
    WPiece pin = {0, 0, 64, {0, 0, 0, 0, 0, 0}, {8, 1, 1, 1, 1, 1}};
    WPiece pout[2] = {{1, 0, 128, {0, 0, 0, 0, 0, 0}, {8, 1, 1, 1, 1, 1}}, {2, 0, 128, {0, 0, 0, 0, 0, 0}, {8, 1, 1, 1, 1, 1}}};
    WIo io[2] = {{"x", WIO_IN, WDT_F32, 1, {8, 1, 1, 1, 1, 1}, 1, &pin}, {"y", WIO_OUT, WDT_F32, 1, {8, 1, 1, 1, 1, 1}, 1, &pout[0]}};
    WIo io2 = {"y2", WIO_OUT, WDT_F32, 1, {8, 1, 1, 1, 1, 1}, 1, &pout[1]};
    img.nprog = 2, img.progs = p, img.ncore = 3, img.cores = c, img.nio = 2, img.io = io;
    Sim *s = sim_new(&img, err, sizeof err);
    CHECK(s != NULL);
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8];
    sim_write_input(s, &io[0], x);
    CHECK(sim_run(s, 1000, stderr) == 0);
    sim_read_output(s, &io[1], y);
    for (int i = 0; i < 8; i++) CHECK(y[i] == 2 * x[i]);
    sim_read_output(s, &io2, y);
    for (int i = 0; i < 8; i++) CHECK(y[i] == 2 * x[i]);
    /* 8 wavelets, 2 hops and 2 deliveries each; the stream needs at least
     * 8 cycles plus the path */
    CHECK(sim_stats(s)->wavelets_sent == 8 && sim_stats(s)->hops == 16 && sim_stats(s)->wavelets_delivered == 16);
    CHECK(sim_stats(s)->cycles >= 10 && sim_stats(s)->cycles < 40);
    sim_free(s);
    /* (3) the sender sends nothing: both receivers wait on color 3 */
    Insn idle[] = {{OP_TERM, 0, 0, 0, 0}};
    free(p[0].insn);
    p[0] = (WProg){1, code(idle, 1)};
    s = sim_new(&img, err, sizeof err);
    FILE *rep = tmpfile();
    CHECK(sim_run(s, 1000, rep) == 1);
    rewind(rep);
    char text[1024] = {0};
    CHECK(fread(text, 1, sizeof text - 1, rep) > 0);
    fclose(rep);
    CHECK(strstr(text, "the fabric stopped making progress at cycle") != NULL);
    CHECK(strstr(text, "core (1,0): task 1 (data, color 3) armed, no wavelet arrived") != NULL);
    CHECK(strstr(text, "core (2,0): task 1 (data, color 3) armed, no wavelet arrived") != NULL);
    sim_free(s);
    /* (4) an inconsistent routing table is refused */
    r1.in_port = PORT_N;
    s = sim_new(&img, err, sizeof err);
    CHECK(s == NULL);
    CHECK_STR(err, "routing table: core (0,0) color 3 sends E to (1,0), which has no route for color 3 from W");
    free(p[0].insn);
    free(p[1].insn);
  }
  /* (4b) the table decides which immediates are flags; DSR extents never
   *     overflow into range */
  CHECK(!isa_has_flags(OP_FFILL) && isa_has_flags(OP_FMOV) && isa_has_flags(OP_FMAC) && !isa_has_flags(OP_LD));
  {
    Dsr d = {DSR_MEM, WDT_F32, 0, 2, 16, {0xffffffffu, 3, 0, 0}, {0x7fffffff, 0x7fffffff, 0, 0}};
    int64_t lo, hi;
    CHECK(dsr_extent(&d, &lo, &hi) == -2);
    Dsr e = {DSR_MEM, WDT_F16, 0, 2, 100, {4, 8, 0, 0}, {-8, 1, 0, 0}};
    CHECK(dsr_extent(&e, &lo, &hi) == 0 && lo == 100 - 48 && hi == 100 + 16);
  }
  /* (5) FFILL's imm is its f32 value: bits that would read as "async, act
   *     t200" on another tensor instruction fill synchronously and activate
   *     nothing (the core has one task) */
  {
    int32_t bits = ISA_ASYNC | ISA_ACTIVATE | (200 << 8);
    Insn prog[] = {{OP_FFILL, 0, 0, 0, bits}, {OP_TERM, 0, 0, 0, 0}};
    Dsr d[1] = {mem(64, 8)};
    float y[8];
    CHECK(run_one_core(prog, 2, d, 1, 64, y) == 1);
    for (int i = 0; i < 8; i++) CHECK(memcmp(&y[i], &bits, 4) == 0);
  }
  /* (6) run-time faults: an LD past the end of SRAM, a DINC that moves a
   *     DSR out of it; the run stops with the core, pc and instruction */
  {
    Insn progs[2][2] = {{{OP_LD, 1, 0, 0, 49152}, {OP_TERM, 0, 0, 0, 0}}, {{OP_DINC, 0, 0, 0, 12280}, {OP_TERM, 0, 0, 0, 0}}};
    const char *want[2] = {"wsesim: error: run-time fault at core (0,0) pc 0: LD r1, r0, 49152: address 0xc000 is outside SRAM (49152 bytes)\n",
                           "wsesim: error: run-time fault at core (0,0) pc 0: DINC d0, 12280: moves d0 to bytes [49184, 49216), outside SRAM (49152 bytes)\n"};
    for (int k = 0; k < 2; k++) {
      WImage img = {0};
      img.tgt = tgt();
      img.rw = img.rh = 1;
      WProg p = {2, code(progs[k], 2)};
      Dsr d[1] = {mem(64, 8)};
      WTask t = {TASK_MAIN, 0, 0};
      WCore c = {0, 0, 0, 1, d, 1, &t, 0, NULL, 0, NULL, 0};
      img.nprog = 1, img.progs = &p, img.ncore = 1, img.cores = &c;
      Sim *s = sim_new(&img, err, sizeof err);
      CHECK(s != NULL);
      FILE *rep = tmpfile();
      CHECK(sim_run(s, 1000, rep) == 1);
      rewind(rep);
      char text[512] = {0};
      CHECK(fread(text, 1, sizeof text - 1, rep) > 0);
      fclose(rep);
      CHECK_STR(text, want[k]);
      sim_free(s);
      free(p.insn);
    }
  }
  CHECK_DONE();
}
