/* Unit tests of the JIT engine (runtime/jit.c) against the interpreter.
 *
 *  1. conversions: every f16 and bf16 value loaded, and a dense sample of
 *     f32 patterns around every f16 rounding boundary stored, through JIT
 *     kernels (contiguous, which LLVM vectorises, and strided), bit for bit
 *     against common/f16.h; also LLVM's own fpext/fptrunc without the NaN
 *     fix-ups (SIM_JIT_RAW_F16), which must be exact on every non-NaN.
 *  2. random instructions on one core: random ops, dtypes, ndim 1..4,
 *     strides 0, negative and contiguous, sources placed on, next to or
 *     over dst, values with NaN payloads, infinities and subnormals; the
 *     SRAM after the interpreter (a wsesim run) and after the kernel must
 *     be the same bytes; every 8th case is also run by the simulator with
 *     the JIT engine, and its cycles and stats must equal the interpreter's.
 *  3. programs of several instructions, run with both engines.
 *
 *  test_jit --exhaustive: (1) for all 2^32 f32 patterns (a minute or so);
 *  --cases N (600) and --seed S: more or other random instructions. */
#include <stdlib.h>
#include "backend/wimg.h"
#include "common/f16.h"
#include "runtime/jit.h"
#include "runtime/sim.h"
#include "tests/unit/check.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}
static uint32_t below(uint32_t n) { return rnd() % n; }
static int only = -1; /* --only N: run random case N alone (the others are drawn, not run) */

static WTarget tgt(void) {
  WTarget t = {"test", 8, 8, 49152, 24, 44, 8, 2, 4, 2, 1100, 16, 1, 12, 2841};
  return t;
}

/* ---- 1. conversions ---- */

static Dsr vec(int dt, uint32_t addr, uint32_t n, int32_t stride) {
  return (Dsr){DSR_MEM, (uint8_t)dt, 0, 1, addr, {n, 0, 0, 0}, {stride, 0, 0, 0}};
}

/* FMOV of n elements from (sdt, stride ss) to (ddt, stride ds) over buf:
 * the source at 0, dst after it; in instructions of `chunk` elements when
 * chunk is set (kernels of fewer than 32 elements are compiled apart). */
static uint32_t chunk;
static bool fmov(SimJit *j, uint8_t *buf, int sdt, int ddt, uint32_t n, int32_t ss, int32_t ds) {
  uint32_t step = chunk ? chunk : n;
  for (uint32_t i = 0; i < n; i += step) {
    uint32_t m = n - i < step ? n - i : step;
    SimJitOp op = {OP_FMOV, 0, 1, m, vec(ddt, (n * (uint32_t)ss * 4) + i * (uint32_t)ds * (uint32_t)wdt_size(ddt), m, ds),
                   {vec(sdt, i * (uint32_t)ss * (uint32_t)wdt_size(sdt), m, ss)}};
    if (!sim_jit_run(j, &op, buf)) return false;
  }
  return true;
}

static uint32_t f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static float u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* All 2^16 f16 and bf16 patterns to f32 and back to their own type. */
static void check_loads(SimJit *j, SimJit *raw, int32_t stride) {
  uint32_t n = 65536;
  uint8_t *buf = calloc((size_t)n * (uint32_t)stride * 4 * 2, 1);
  for (int dt = WDT_F16; dt <= WDT_BF16; dt++) {
    for (int pass = 0; pass < 2; pass++) {
      SimJit *k = pass ? raw : j;
      for (uint32_t i = 0; i < n; i++) {
        uint16_t h = (uint16_t)i;
        memcpy(buf + 2 * (size_t)i * (uint32_t)stride, &h, 2);
      }
      CHECK(fmov(k, buf, dt, WDT_F32, n, stride, stride));
      uint32_t bad = 0, badnum = 0, badq = 0;
      for (uint32_t i = 0; i < n; i++) {
        uint32_t got, want = f2u(dt == WDT_F16 ? f16_to_f32((uint16_t)i) : bf16_to_f32((uint16_t)i));
        memcpy(&got, buf + (size_t)n * (uint32_t)stride * 4 + 4 * (size_t)i * (uint32_t)stride, 4);
        if (got != want) {
          bad++;
          badnum += (i & 0x7fff) <= 0x7c00 || dt == WDT_BF16;
          badq += (got | 0x400000u) != (want | 0x400000u); /* NaN: sign and payload must stay, quieted or not */
          if (!pass && bad <= 3)
            fprintf(stderr, "load %s 0x%04x: got 0x%08x want 0x%08x\n", dt == WDT_F16 ? "f16" : "bf16", i, got, want);
        }
      }
      if (!pass) CHECK(bad == 0);
      else {
        CHECK(badnum == 0); /* fpext itself must be exact but for NaN patterns */
        CHECK(badq == 0);   /* and quieting a NaN is all it may do (jit.c load_el relies on it) */
        if (dt == WDT_F16 && stride == 1)
          printf("raw fpext half->float: %u of 65536 f16 patterns differ from f16_to_f32 (all NaN)\n", bad);
      }
      /* and back: 16-bit to 16-bit goes through f32 */
      CHECK(fmov(k, buf, dt, dt, n, stride, stride));
      bad = 0;
      for (uint32_t i = 0; i < n && !pass; i++) {
        uint16_t got, want = dt == WDT_F16 ? f32_to_f16(f16_to_f32((uint16_t)i)) : f32_to_bf16(bf16_to_f32((uint16_t)i));
        memcpy(&got, buf + (size_t)n * (uint32_t)stride * 4 + 2 * (size_t)i * (uint32_t)stride, 2);
        if (got != want && ++bad <= 3) fprintf(stderr, "%s->%s 0x%04x: got 0x%04x want 0x%04x\n", dt == WDT_F16 ? "f16" : "bf16",
                                               dt == WDT_F16 ? "f16" : "bf16", i, got, want);
      }
      CHECK(bad == 0);
    }
  }
  free(buf);
}

/* Stores of the f32 patterns pat[0..n) to f16 and bf16. Returns the number
 * of f16 results that differ (raw: counting non-NaN inputs only in *num). */
static uint64_t check_stores(SimJit *j, const uint32_t *pat, uint32_t n, int32_t stride, uint8_t *buf, uint64_t *num, bool bf16) {
  for (uint32_t i = 0; i < n; i++) memcpy(buf + 4 * (size_t)i * (uint32_t)stride, &pat[i], 4);
  uint64_t bad = 0;
  for (int dt = WDT_F16; dt <= (bf16 ? WDT_BF16 : WDT_F16); dt++) {
    if (!fmov(j, buf, WDT_F32, dt, n, stride, stride)) return UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
      uint16_t got, want = dt == WDT_F16 ? f32_to_f16(u2f(pat[i])) : f32_to_bf16(u2f(pat[i]));
      memcpy(&got, buf + (size_t)n * (uint32_t)stride * 4 + 2 * (size_t)i * (uint32_t)stride, 2);
      if (got != want) {
        bad++;
        if (num && (pat[i] & 0x7fffffffu) <= 0x7f800000u) (*num)++;
        if (!num && bad <= 3)
          fprintf(stderr, "store %s of f32 0x%08x: got 0x%04x want 0x%04x\n", dt == WDT_F16 ? "f16" : "bf16", pat[i], got, want);
      }
    }
  }
  return bad;
}

/* every upper half (sign, exponent, top 7 mantissa bits) with the lower
 * halves around every place the rounding of f16 normals and subnormals can
 * turn (bits 12..15 of the mantissa) and a few random ones */
static uint32_t *sample(uint32_t *n) {
  static const uint16_t lo[] = {0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x2001, 0x2fff, 0x3000, 0x3001, 0x3fff,
                                0x4000, 0x4001, 0x5fff, 0x6000, 0x6001, 0x7fff, 0x8000, 0x8001, 0xbfff, 0xc000, 0xc001,
                                0xefff, 0xf000, 0xf001, 0xfffe, 0xffff};
  size_t nl = sizeof lo / sizeof lo[0] + 4;
  uint32_t *p = malloc(sizeof(uint32_t) * 65536 * nl);
  *n = 0;
  for (uint32_t hi = 0; hi < 65536; hi++)
    for (size_t k = 0; k < nl; k++) p[(*n)++] = hi << 16 | (k < nl - 4 ? lo[k] : (rnd() & 0xffff));
  return p;
}

static void check_conversions(SimJit *j, SimJit *raw, bool exhaustive) {
  check_loads(j, raw, 1);
  check_loads(j, raw, 3);
  chunk = 31; /* the same through the quick kernels */
  check_loads(j, raw, 1);
  chunk = 0;
  uint32_t n;
  uint32_t *pat = sample(&n);
  uint8_t *buf = malloc((size_t)n * 3 * 6);
  uint64_t num = 0, bad;
  CHECK(check_stores(j, pat, n, 1, buf, NULL, true) == 0);
  CHECK(check_stores(j, pat, n / 4, 3, buf, NULL, true) == 0);
  chunk = 31;
  CHECK(check_stores(j, pat, n / 4, 1, buf, NULL, true) == 0);
  chunk = 0;
  bad = check_stores(raw, pat, n, 1, buf, &num, false);
  CHECK(num == 0); /* fptrunc itself must be exact but for NaN inputs */
  printf("f32->f16 stores: %u sampled patterns exact; raw fptrunc differs on %llu (all NaN)\n", n,
         (unsigned long long)bad);
  free(pat);
  free(buf);
  if (!exhaustive) return;
  uint32_t chunk = 1u << 24;
  pat = malloc(sizeof(uint32_t) * chunk);
  buf = malloc((size_t)chunk * 6);
  uint64_t total = 0, rawbad = 0, rawnum = 0;
  for (uint64_t base = 0; base < (1ull << 32); base += chunk) {
    for (uint32_t i = 0; i < chunk; i++) pat[i] = (uint32_t)(base + i);
    total += check_stores(j, pat, chunk, 1, buf, NULL, false);
    rawbad += check_stores(raw, pat, chunk, 1, buf, &rawnum, false);
  }
  printf("exhaustive: all 2^32 f32 patterns to f16: JIT store path differs on %llu; raw LLVM fptrunc differs on %llu "
         "(%llu of them not NaN)\n",
         (unsigned long long)total, (unsigned long long)rawbad, (unsigned long long)rawnum);
  CHECK(total == 0);
  CHECK(rawnum == 0);
  free(pat);
  free(buf);
}

/* ---- 2. random instructions ---- */

#define NB 1024 /* SRAM bytes the operands live in: small, so they overlap */

static uint16_t rnd_half(void) {
  uint16_t s = (uint16_t)(below(2) << 15);
  switch (below(9)) {
  case 0: return (uint16_t)rnd();
  case 1: return s | 0x7c00 | (uint16_t)(1 + below(0x3ff)); /* f16 NaN, any payload */
  case 2: return s | (below(2) ? 0x7c00 : 0);               /* f16 inf, zero */
  case 3: return s | (uint16_t)(1 + below(0x3ff));          /* f16 subnormal */
  case 4:
  case 5: return s | (uint16_t)((13 + below(6)) << 10) | (uint16_t)below(1024); /* f16 0.25 .. 8 */
  case 6: return s | (below(2) ? (uint16_t)(0x7f80 | below(128)) : (uint16_t)below(128)); /* f32/bf16 NaN, inf, subnormal */
  default: return s | (uint16_t)(0x3e00 + below(0x300)); /* f32/bf16 0.125 .. 8 */
  }
}

static uint64_t dsr_n(const Dsr *d) {
  uint64_t n = 1;
  for (int k = 0; k < d->ndim; k++) n *= d->dim[k];
  return n;
}

/* dims of n elements in nd dims (some 1) */
static void factor(uint64_t n, int nd, uint32_t *dim) {
  for (int k = 0; k < nd; k++) dim[k] = 1;
  for (uint64_t f = 2; n > 1; f++)
    while (n % f == 0) {
      dim[below((uint32_t)nd)] *= (uint32_t)f;
      n /= f;
    }
}

/* strides for d's dims, then an address that keeps it inside [0, NB);
 * false if it does not fit */
static bool place(Dsr *d) {
  int64_t acc = 1;
  int mode = (int)below(4);
  for (int k = d->ndim - 1; k >= 0; k--) {
    int r = (int)below(6);
    d->stride[k] = mode == 0 || r < 2 ? (int32_t)acc : r == 2 ? 0 : r == 3 ? -(int32_t)acc : (int32_t)below(7) - 3;
    acc *= d->dim[k];
  }
  int64_t lo, hi;
  d->addr = 0;
  if (dsr_extent(d, &lo, &hi)) return false;
  int es = wdt_size(d->dtype);
  int64_t span = hi - lo;
  if (span > NB) return false;
  int64_t a = -lo + (int64_t)below((uint32_t)(NB - span + 1));
  a -= a % es;
  if (a + lo < 0) a += es;
  if (a + hi > NB) return false;
  d->addr = (uint32_t)a;
  return true;
}

static Dsr rnd_dsr(int dt, uint64_t n, const Dsr *like) {
  for (;;) {
    Dsr d = {DSR_MEM, (uint8_t)dt, 0, 1, 0, {1, 1, 1, 1}, {0, 0, 0, 0}};
    if (like && below(2)) {
      d.ndim = like->ndim;
      memcpy(d.dim, like->dim, sizeof d.dim);
    } else {
      d.ndim = (uint8_t)(1 + below(4));
      factor(n, d.ndim, d.dim);
    }
    if (place(&d)) return d;
  }
}

static const int OPS[] = {OP_FMAC, OP_FMAC, OP_FMAC, OP_FMAC, OP_FFILL, OP_FMOV, OP_FMOV, OP_FADD, OP_FSUB, OP_FMUL,
                          OP_FMUL, OP_FDIV, OP_FNEG, OP_FABS, OP_FRELU, OP_FMAX, OP_FMIN, OP_FEXP, OP_FSQRT, OP_FGELU};

/* A one-core image running prog over SRAM bytes init[0..NB); the SRAM
 * after the run goes to out. Returns 0, or -1 if it did not run. */
static int run_image(const Insn *prog, int n, Dsr *d, int nd, const uint8_t *init, SimEngine e, uint8_t *out, SimStats *st,
                     FILE *estats) {
  char err[256];
  uint64_t *code = malloc(sizeof(uint64_t) * (size_t)n);
  for (int i = 0; i < n; i++) code[i] = isa_encode(prog[i]);
  WImage img = {0};
  img.tgt = tgt();
  img.rw = img.rh = 1;
  WProg p = {(uint32_t)n, code};
  WTask t = {TASK_MAIN, 0, 0};
  WInit in = {0, NB, 0};
  WCore c = {0, 0, 0, (uint32_t)nd, d, 1, &t, 0, NULL, 1, &in, 0};
  WPiece pc = {0, 0, 0, {0, 0, 0, 0, 0, 0}, {NB / 4, 1, 1, 1, 1, 1}};
  WIo io = {"y", WIO_OUT, WDT_F32, 1, {NB / 4, 1, 1, 1, 1, 1}, 1, &pc};
  img.nprog = 1, img.progs = &p, img.ncore = 1, img.cores = &c, img.nio = 1, img.io = &io;
  img.ndata = NB, img.data = (uint8_t *)init;
  Sim *s = sim_new(&img, err, sizeof err);
  int r = -1;
  if (s && sim_set_engine(s, e)) {
    sim_set_jit_threshold(s, 0);
    if (sim_run(s, 1u << 30, stderr) == 0) {
      float y[NB / 4];
      sim_read_output(s, &io, y);
      memcpy(out, y, NB);
      *st = *sim_stats(s);
      if (estats) sim_print_engine_stats(s, estats);
      r = 0;
    }
  }
  sim_free(s);
  free(code);
  return r;
}

static void show(const char *what, const Dsr *d) {
  char t[160];
  dsr_format(t, sizeof t, d);
  fprintf(stderr, "  %s: %s\n", what, t);
}

static int random_cases(SimJit **jp, int ncases) {
  int declined = 0, failed = 0;
  uint8_t init[NB], a[NB], b[NB];
  uint64_t kernels = 0;
  double secs = 0;
  for (int cs = 0; cs < ncases; cs++) {
    SimJitStats st;
    sim_jit_stats(*jp, &st);
    if (st.kernels >= 2000) { /* a fresh cache for long runs (it holds 4096) */
      char err[256];
      kernels += st.kernels;
      secs += st.compile_s;
      sim_jit_free(*jp);
      *jp = sim_jit_new(0, err, sizeof err);
      sim_jit_set_threshold(*jp, 0);
    }
    SimJit *j = *jp;
    int op = OPS[below(sizeof OPS / sizeof OPS[0])];
    const char *fmt = isa_ops[op].fmt;
    int nsrc = (fmt[1] == 'd') + (fmt[2] == 'd');
    /* mostly small, sometimes long enough for vector loops */
    uint64_t n = below(4) ? 1 + below(48) : 64 + below(200);
    int dt = (int)below(3);
    Dsr d[3];
    d[0] = rnd_dsr(dt, n, NULL);
    for (int s = 0; s < nsrc; s++) {
      int sdt = below(3) ? (int)below(3) : dt;
      d[1 + s] = rnd_dsr(sdt, n, &d[0]);
      int r = (int)below(8);
      if (r == 0) { /* the very elements of dst */
        d[1 + s] = d[0];
      } else if (r == 1 && d[0].addr >= 8 && d[0].addr + 8 < NB) { /* dst moved by a few elements */
        Dsr m = d[0];
        m.dtype = (uint8_t)sdt;
        m.addr = (uint32_t)((int64_t)d[0].addr + (int64_t)(below(2) ? 1 : -1) * wdt_size(sdt) * (1 + below(3)));
        int64_t lo, hi;
        if (!dsr_extent(&m, &lo, &hi) && lo >= 0 && hi <= NB) d[1 + s] = m;
      }
    }
    for (int i = 0; i < NB; i += 2) {
      uint16_t h = rnd_half();
      memcpy(init + i, &h, 2);
    }
    int32_t imm = (int32_t)((uint32_t)rnd_half() << 16 | rnd_half());
    Insn prog[2] = {{(uint8_t)op, 0, nsrc > 0 ? 1 : 0, nsrc > 1 ? 2 : 0, op == OP_FFILL ? imm : 0}, {OP_TERM, 0, 0, 0, 0}};
    if (only >= 0 && cs != only) continue;
    SimStats si, sj;
    CHECK(run_image(prog, 2, d, 1 + nsrc, init, SIM_ENGINE_INTERP, a, &si, NULL) == 0);
    memcpy(b, init, NB);
    SimJitOp jo = {op, op == OP_FFILL ? imm : 0, nsrc, dsr_n(&d[0]), d[0], {d[1], d[2]}};
    if (!sim_jit_run(j, &jo, b)) {
      declined++;
      continue;
    }
    bool same = !memcmp(a, b, NB);
    if (cs % 8 == 0) {
      uint8_t c[NB];
      CHECK(run_image(prog, 2, d, 1 + nsrc, init, SIM_ENGINE_JIT, c, &sj, NULL) == 0);
      CHECK(!memcmp(a, c, NB));
      CHECK(!memcmp(&si, &sj, sizeof si));
    }
    if (!same) {
      failed++;
      CHECK(same);
      if (failed > 5) continue;
      fprintf(stderr, "case %d: %s differs from the interpreter\n", cs, isa_ops[op].name);
      for (int o = 0; o <= nsrc; o++) show(o ? "src" : "dst", &d[o]);
      for (int i = 0, shown = 0; i < NB && shown < 4; i += 2)
        if (memcmp(a + i, b + i, 2)) {
          uint16_t x, y, z;
          memcpy(&x, init + i, 2), memcpy(&y, a + i, 2), memcpy(&z, b + i, 2);
          fprintf(stderr, "  byte %d: was 0x%04x, interpreter 0x%04x, jit 0x%04x\n", i, x, y, z);
          shown++;
        }
    }
  }
  SimJitStats st;
  sim_jit_stats(*jp, &st);
  printf("random: %d cases, %d without a kernel (operand shapes with no common loop nest); %llu kernels in %.2f s\n", ncases,
         declined, (unsigned long long)(kernels + st.kernels), secs + st.compile_s);
  return declined;
}

/* ---- 3. programs ---- */

static void programs(void) {
  uint8_t init[NB], a[NB], b[NB];
  for (int i = 0; i < NB; i += 2) {
    uint16_t h = rnd_half();
    memcpy(init + i, &h, 2);
  }
  /* d0 f32[4,8] accumulator, d1 f16[4,8], d2 bf16[8] broadcast over rows,
   * d3 f16[32] at d1's bytes, d4 f32[32] over d0, d5 f32[8] stride -1,
   * d6 f32 [2,16] as 16 pairs of the same element, d7 f32[8] at d5's bytes */
  Dsr d[8] = {
      {DSR_MEM, WDT_F32, 0, 2, 0, {4, 8, 0, 0}, {8, 1, 0, 0}},
      {DSR_MEM, WDT_F16, 0, 2, 256, {4, 8, 0, 0}, {8, 1, 0, 0}},
      {DSR_MEM, WDT_BF16, 0, 2, 384, {4, 8, 0, 0}, {0, 1, 0, 0}},
      {DSR_MEM, WDT_F16, 0, 1, 256, {32, 0, 0, 0}, {1, 0, 0, 0}},
      {DSR_MEM, WDT_F32, 0, 1, 0, {32, 0, 0, 0}, {1, 0, 0, 0}},
      {DSR_MEM, WDT_F32, 0, 1, 60, {8, 0, 0, 0}, {-1, 0, 0, 0}},
      {DSR_MEM, WDT_F32, 0, 2, 512, {16, 2, 0, 0}, {1, 0, 0, 0}},
      {DSR_MEM, WDT_F32, 0, 1, 32, {8, 0, 0, 0}, {1, 0, 0, 0}},
  };
  Insn prog[] = {
      {OP_FFILL, 0, 0, 0, (int32_t)f2u(0.5f)},
      {OP_FMAC, 0, 1, 2, 0},
      {OP_FMAC, 0, 1, 2, 0}, /* the same kernel again */
      {OP_FMAC, 4, 3, 4, 0}, /* in place: dst is a source */
      {OP_FMUL, 3, 4, 3, 0}, /* f16 in place */
      {OP_FMOV, 5, 7, 0, 0}, /* reversed over its own source */
      {OP_FADD, 6, 4, 4, 0}, /* dst elements written twice */
      {OP_FFILL, 3, 0, 0, (int32_t)f2u(2.0f)},
      {OP_FSUB, 4, 3, 4, 0},
      {OP_TERM, 0, 0, 0, 0},
  };
  SimStats si, sj;
  char *txt = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&txt, &len);
  CHECK(run_image(prog, sizeof prog / sizeof prog[0], d, 8, init, SIM_ENGINE_INTERP, a, &si, NULL) == 0);
  CHECK(run_image(prog, sizeof prog / sizeof prog[0], d, 8, init, SIM_ENGINE_JIT, b, &sj, f) == 0);
  fclose(f);
  CHECK(!memcmp(a, b, NB));
  CHECK(!memcmp(&si, &sj, sizeof si));
  /* 9 bulk instructions, 8 shapes (the second FMAC reuses the first's kernel) */
  CHECK(txt && strstr(txt, "engine jit: 8 kernels") && strstr(txt, "9 run by kernels"));
  if (txt) printf("%s", txt);
  free(txt);
}

int main(int argc, char **argv) {
  bool exhaustive = false;
  int ncases = 600;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--exhaustive")) exhaustive = true;
    else if (!strcmp(argv[i], "--cases") && i + 1 < argc) ncases = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--seed") && i + 1 < argc) rng = strtoull(argv[++i], NULL, 0) | 1;
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = atoi(argv[++i]);
  }
  char err[256];
  SimJit *j = sim_jit_new(0, err, sizeof err), *raw = sim_jit_new(SIM_JIT_RAW_F16, err, sizeof err);
  if (!j || !raw) {
    printf("no JIT in this build (%s): nothing to test\n", err);
    sim_jit_free(j);
    sim_jit_free(raw);
    return sim_jit_available() ? 1 : 0;
  }
  sim_jit_set_threshold(j, 0);
  sim_jit_set_threshold(raw, 0);
  check_conversions(j, raw, exhaustive);
  int declined = random_cases(&j, ncases);
  CHECK(declined <= ncases / 5);
  programs();
  sim_jit_free(j);
  sim_jit_free(raw);
  CHECK_DONE();
}
