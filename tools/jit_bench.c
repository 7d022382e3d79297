/* tools/jit_bench.c: FMAC throughput of the simulator's two engines, side by
 * side in one run (the ratios mean something on a shared machine; single
 * absolute figures less so).
 *
 *   build/jit_bench [--fmacs N] [--runs R]
 *
 * Each case is one core looping over one memory-only FMAC (`FMAC d0, d1,
 * d2` in a BNEZ loop) until about N FMACs (default 2^30) have been done,
 * run by wsesim's machinery (sim_run) with --engine=interp and with
 * --engine=jit; the figure is FMAC elements per host second, the best of R
 * runs (default 3). "kernel only" calls the JIT kernel on the same SRAM
 * without the simulator around it. Every pair of runs must end with the
 * same SRAM and the same cycles, or the tool says so and fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "backend/wimg.h"
#include "runtime/jit.h"
#include "runtime/sim.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct Case {
  const char *name;
  int dt[3];          /* dst, a, b */
  uint32_t n;         /* elements per FMAC */
  int32_t stride[3];  /* of a one-dimensional walk */
  bool same;          /* b is dst itself (dst = dst + a * dst) */
} Case;

static const Case CASES[] = {
    {"f32 += f16 * f16, contiguous", {WDT_F32, WDT_F16, WDT_F16}, 4096, {1, 1, 1}, false},
    {"f32 += f32 * f32, contiguous", {WDT_F32, WDT_F32, WDT_F32}, 3072, {1, 1, 1}, false},
    {"f16 += f16 * f16, contiguous", {WDT_F16, WDT_F16, WDT_F16}, 6144, {1, 1, 1}, false},
    {"bf16 += bf16 * bf16, contiguous", {WDT_BF16, WDT_BF16, WDT_BF16}, 6144, {1, 1, 1}, false},
    {"f32 += f16 * f16, b broadcast", {WDT_F32, WDT_F16, WDT_F16}, 4096, {1, 1, 0}, false},
    {"f32 += f16 * f16, stride 2", {WDT_F32, WDT_F16, WDT_F16}, 2048, {2, 2, 2}, false},
    {"f32 += f32 * dst, in place", {WDT_F32, WDT_F32, WDT_F32}, 4096, {1, 1, 1}, true},
    {"f32 += f16 * f16, 64 elements", {WDT_F32, WDT_F16, WDT_F16}, 64, {1, 1, 1}, false},
    {"f32 += f16 * f16, 16 elements", {WDT_F32, WDT_F16, WDT_F16}, 16, {1, 1, 1}, false},
};

/* DSRs of a case: dst at 0, then a, then b */
static void dsrs(const Case *c, Dsr d[3]) {
  uint32_t addr = 0;
  for (int k = 0; k < 3; k++) {
    uint32_t span = (c->n - 1) * (uint32_t)c->stride[k] + 1;
    d[k] = (Dsr){DSR_MEM, (uint8_t)c->dt[k], 0, 1, addr, {c->n, 0, 0, 0}, {c->stride[k], 0, 0, 0}};
    addr += (span * (uint32_t)wdt_size(c->dt[k]) + 63) & ~63u;
  }
  if (c->same) d[2] = d[0];
}

#define SRAM 49152

/* values that keep the accumulation finite and normal: operands about
 * 2^-7 .. 2^-5 in every dtype, so products are about 2^-12 */
static void fill(const Case *c, uint8_t *init) {
  uint32_t x = 12345;
  Dsr d[3];
  dsrs(c, d);
  memset(init, 0, SRAM);
  for (int k = 0; k < 3; k++) {
    uint32_t span = ((c->n - 1) * (uint32_t)(c->stride[k] ? c->stride[k] : 0) + 1) * (uint32_t)wdt_size(c->dt[k]);
    for (uint32_t i = 0; i < span; i += (uint32_t)wdt_size(c->dt[k])) {
      x = x * 1103515245u + 12345u;
      uint32_t m = x >> 9;
      if (c->dt[k] == WDT_F32) {
        uint32_t u = (120u + m % 3) << 23 | (m & 0x7fffff);
        memcpy(init + d[k].addr + i, &u, 4);
      } else {
        uint16_t h = c->dt[k] == WDT_F16 ? (uint16_t)((8u + m % 3) << 10 | (m & 0x3ff))
                                         : (uint16_t)((120u + m % 3) << 7 | (m & 0x7f));
        memcpy(init + d[k].addr + i, &h, 2);
      }
    }
  }
}

/* the loop on one core: r0 = reps; FMAC; r0 -= 1; BNEZ */
static double run_sim(const Case *c, uint64_t reps, SimEngine e, uint8_t *out, uint64_t *cycles, uint64_t *fmacs) {
  Insn prog[] = {{OP_MOVI, 0, 0, 0, (int32_t)reps}, {OP_FMAC, 0, 1, 2, 0}, {OP_ADDI, 0, 0, 0, -1},
                 {OP_BNEZ, 0, 0, 0, 1},             {OP_TERM, 0, 0, 0, 0}};
  uint64_t code[5];
  for (int i = 0; i < 5; i++) code[i] = isa_encode(prog[i]);
  static uint8_t init[SRAM];
  fill(c, init);
  Dsr d[3];
  dsrs(c, d);
  WImage img = {0};
  img.tgt = (WTarget){"bench", 8, 8, SRAM, 24, 44, 8, 2, 4, 2, 1100, 16, 1, 12, 2841};
  img.rw = img.rh = 1;
  WProg p = {5, code};
  WTask t = {TASK_MAIN, 0, 0};
  WInit in = {0, SRAM, 0};
  WCore core = {0, 0, 0, 3, d, 1, &t, 0, NULL, 1, &in, 0};
  WPiece pc = {0, 0, 0, {0, 0, 0, 0}, {SRAM / 4, 1, 1, 1}};
  WIo io = {"m", WIO_OUT, WDT_F32, 1, {SRAM / 4, 1, 1, 1}, 1, &pc};
  img.nprog = 1, img.progs = &p, img.ncore = 1, img.cores = &core, img.nio = 1, img.io = &io;
  img.ndata = SRAM, img.data = init;
  char err[256];
  Sim *s = sim_new(&img, err, sizeof err);
  if (!s) {
    fprintf(stderr, "jit_bench: %s\n", err);
    exit(1);
  }
  if (!sim_set_engine(s, e)) {
    fprintf(stderr, "jit_bench: this build has no JIT\n");
    exit(1);
  }
  sim_set_jit_threshold(s, 0);
  double t0 = now_s();
  if (sim_run(s, UINT64_MAX / 2, stderr)) exit(1);
  double dt = now_s() - t0;
  sim_read_output(s, &io, (float *)out);
  *cycles = sim_stats(s)->cycles;
  *fmacs = sim_stats(s)->fmac_elements;
  sim_free(s);
  return dt;
}

int main(int argc, char **argv) {
  uint64_t total = 1ull << 30;
  int runs = 3;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--fmacs") && i + 1 < argc) total = strtoull(argv[++i], NULL, 0);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: jit_bench [--fmacs N] [--runs R]\n");
      return 2;
    }
  }
  if (!sim_jit_available()) {
    fprintf(stderr, "jit_bench: this build has no JIT (WSECC_JIT=OFF)\n");
    return 1;
  }
  printf("%-34s %14s %14s %8s %16s\n", "FMAC kernel (elements per FMAC)", "interp FMAC/s", "jit FMAC/s", "ratio", "kernel only");
  int bad = 0;
  static uint8_t mi[SRAM], mj[SRAM], buf[SRAM];
  for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
    const Case *c = &CASES[k];
    uint64_t reps = total / c->n;
    double ti = 1e30, tj = 1e30, tk = 1e30;
    uint64_t ci, cj, fi, fj;
    for (int r = 0; r < runs; r++) {
      double a = run_sim(c, reps, SIM_ENGINE_INTERP, mi, &ci, &fi);
      double b = run_sim(c, reps, SIM_ENGINE_JIT, mj, &cj, &fj);
      if (a < ti) ti = a;
      if (b < tj) tj = b;
    }
    if (memcmp(mi, mj, SRAM) || ci != cj || fi != fj) {
      printf("%s: FAIL the engines ended with different SRAM or cycles\n", c->name);
      bad++;
    }
    /* the kernel alone, on the same SRAM */
    char err[256];
    SimJit *j = sim_jit_new(0, err, sizeof err);
    sim_jit_set_threshold(j, 0);
    Dsr d[3];
    dsrs(c, d);
    SimJitOp op = {OP_FMAC, 0, 2, c->n, d[0], {d[1], d[2]}};
    fill(c, buf);
    sim_jit_run(j, &op, buf); /* compiles */
    for (int r = 0; r < runs; r++) {
      fill(c, buf);
      double t0 = now_s();
      for (uint64_t i = 0; i < reps; i++) sim_jit_run(j, &op, buf);
      double dt = now_s() - t0;
      if (dt < tk) tk = dt;
    }
    sim_jit_free(j);
    char name[64];
    snprintf(name, sizeof name, "%s (%u)", c->name, c->n);
    printf("%-34s %12.3f G %12.3f G %7.2fx %14.3f G\n", name, (double)fi / ti * 1e-9, (double)fj / tj * 1e-9, ti / tj,
           (double)(reps * c->n) / tk * 1e-9);
    fflush(stdout);
  }
  return bad ? 1 : 0;
}
