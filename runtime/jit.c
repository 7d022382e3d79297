/* runtime/jit.c: native kernels for bulk tensor instructions (jit.h).
 *
 * A bulk instruction walks count elements in C order; every operand has its
 * own dims and strides. The key of a kernel is that walk as ONE loop nest:
 * the union of the operands' dimension boundaries (each operand's suffix
 * products of its dims) gives dims every operand's index can be written in,
 * when they divide one another; dims of size 1 are dropped and neighbours
 * merged where every operand is contiguous across them. With the opcode,
 * nsrc, the dtypes and how each source overlaps dst, that is the key: base
 * addresses are arguments, so one kernel serves every instruction of that
 * shape on every core.
 *
 * Element order is the interpreter's: the loops run the elements in order,
 * each one loading, computing and storing before the next. LLVM's
 * vectoriser only changes that where it proves the result the same; it is
 * told one thing, that dst is `noalias`, and only when every source is
 * either byte-disjoint from dst (whole DSR extents) or the very same
 * elements (same address, dtype and strides: it is then read through the
 * dst pointer, so the dependence is visible). Any other overlap gets no
 * noalias and LLVM keeps the order (or checks the ranges at run time).
 *
 * Bits: no fast-math flags, so fmul and fadd are rounded one at a time
 * (never contracted). LLVM does not promise NaN payloads, so they are made
 * explicit: a two-operand result takes the first operand's NaN, quieted,
 * when it is one (isa_nan_first, which the interpreter follows too); f16
 * loads and stores make their NaN patterns with integer code as f16.h does
 * (payload kept; quiet bit set on the way to f16); bf16 is integer code
 * throughout; FFILL's value is converted by f16.h on the host. Ops with
 * library maths (exp, log, tanh, sqrt ...) call isa_alu itself.
 *
 * Cost: a kernel takes ~8 ms to optimise and compile, ~1 ms for one of
 * fewer than JIT_QUICK elements (no optimiser, LLVM's quick code
 * generator); libLLVM itself is opened at the first compile (jit_llvm.h). */
#include "runtime/jit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/f16.h"
#include "common/util.h"

#ifndef WSECC_JIT

bool sim_jit_available(void) { return false; }
SimJit *sim_jit_new(unsigned flags, char *err, size_t errlen) {
  snprintf(err, errlen, "this build has no JIT (configured with -DWSECC_JIT=OFF)");
  return NULL;
}
void sim_jit_free(SimJit *j) {}
void sim_jit_set_threshold(SimJit *j, uint64_t elements) {}
bool sim_jit_run(SimJit *j, const SimJitOp *op, uint8_t *sram) { return false; }
void sim_jit_stats(const SimJit *j, SimJitStats *st) { memset(st, 0, sizeof *st); }

#else

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include "runtime/jit_llvm.h"

/* ---- libLLVM, opened at the first compile (jit_llvm.h) ---- */

#ifdef WSECC_JIT_DLOPEN
#include <dlfcn.h>
static struct {
#define X(f) __typeof__(f) *f;
  JIT_LLVM_FNS(X)
#undef X
} jit_llvm;
#define JSTR_(x) #x
#define JSTR(x) JSTR_(x)
/* a function pointer from dlsym, filled through its bytes (POSIX) */
static bool sym(void *h, void *fp, const char *name, char *msg, size_t n) {
  void *p = dlsym(h, name);
  if (!p) snprintf(msg, n, "%s has no %s", WSECC_LLVM_DYLIB, name);
  else memcpy(fp, &p, sizeof p);
  return p != NULL;
}
#endif

static void llvm_options(void);

/* Once per process: libLLVM, its native target and options. */
static bool llvm_open(char *err, size_t errlen) {
  static int state; /* 0 not tried, 1 ready, -1 failed (why in msg) */
  static char msg[256];
  if (!state) {
    state = -1;
#ifdef WSECC_JIT_DLOPEN
    void *h = dlopen(WSECC_LLVM_DYLIB, RTLD_NOW | RTLD_LOCAL);
    if (!h) h = dlopen(WSECC_LLVM_SONAME, RTLD_NOW | RTLD_LOCAL);
    void (*init[4])(void); /* the native target's info, target, MC and asm printer */
    if (!h) snprintf(msg, sizeof msg, "cannot open %s: %s", WSECC_LLVM_DYLIB, dlerror());
    else if (
#define X(f) sym(h, &jit_llvm.f, #f, msg, sizeof msg) &&
        JIT_LLVM_FNS(X)
#undef X
        sym(h, &init[0], JSTR(LLVM_NATIVE_TARGETINFO), msg, sizeof msg) &&
        sym(h, &init[1], JSTR(LLVM_NATIVE_TARGET), msg, sizeof msg) &&
        sym(h, &init[2], JSTR(LLVM_NATIVE_TARGETMC), msg, sizeof msg) &&
        sym(h, &init[3], JSTR(LLVM_NATIVE_ASMPRINTER), msg, sizeof msg)) {
      for (int i = 0; i < 4; i++) init[i]();
      state = 1;
    }
#else
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter())
      snprintf(msg, sizeof msg, "LLVM has no native target for this host");
    else state = 1;
#endif
    if (state > 0) llvm_options();
  }
  if (state < 0) snprintf(err, errlen, "%s", msg);
  return state > 0;
}

#define JIT_LLVM_MACROS
#include "runtime/jit_llvm.h"

static void llvm_options(void) {
  /* LLVM 14's epilogue vectorisation resumes a widened induction at 0
   * instead of where the main vector loop stopped (seen on a stride-3 f16
   * source of 26 elements: elements 16..23 read the wrong ones); without
   * it the remainder runs scalar */
  const char *argv[] = {"wsesim", "-enable-epilogue-vectorization=false"};
  LLVMParseCommandLineOptions(2, argv, NULL);
}

#define JMAXD 12          /* loop nest depth: at most 3 operands x 4 boundaries */
#define JMAX_KERNELS 4096 /* then new shapes are left to the interpreter */
#define JMAX_SHAPES (1 << 16) /* shapes counted towards the threshold */
#define JIT_FIRST 16      /* the first kernel of a run waits for 16x the threshold */
#define JIT_QUICK 32      /* kernels of fewer elements: no optimiser, quick code generator */

enum { M_DISJOINT = 0, M_SAME = 1, M_OVERLAP = 2 }; /* a source against dst */

typedef struct JKey {
  uint8_t op, nsrc, nd, noalias;
  uint8_t dt[3], mode[2], pad[7]; /* no implicit padding: keys are hashed and compared as bytes */
  uint64_t dim[JMAXD];        /* outermost first */
  int64_t stride[3][JMAXD];   /* dst, src0, src1; in elements */
} JKey;

typedef void (*KernelFn)(uint8_t *d, const uint8_t *a, const uint8_t *b, uint32_t fill);

typedef struct Entry {
  JKey key;
  KernelFn fn;                /* NULL: not compiled (yet) */
  uint64_t seen;              /* elements of this shape run so far (saturating) */
  bool queued;                /* handed to the compile thread (or compiled, or failed) */
  struct Entry *next;         /* the compile thread's queue */
} Entry;

/* The front cache: an instruction's raw shape (op, nsrc, dtypes, dims and
 * strides as the DSRs hold them; no addresses) packed into words, and what
 * canon made of it, so the common case costs a compare of RAWW words and
 * the overlap tests on the addresses. */
#define RAWW 13
#define NFRONT 256
typedef struct Front {
  uint64_t raw[RAWW];
  bool valid, ok;             /* ok: canon accepted the shape */
  JKey key;                   /* modes and noalias left 0 */
  int64_t lo[3], hi[3];       /* byte extents from each operand's address */
  bool same[2];               /* src s has dst's dtype and (canonical) strides */
  Entry *e[9];                /* per pair of source modes (mode0 + 3 * mode1) */
} Front;

struct SimJit {
  LLVMOrcLLJITRef jit[2];     /* optimising; quick (small kernels, jit.h JIT_QUICK) */
  LLVMOrcThreadSafeContextRef tsc;
  LLVMTargetMachineRef tm;    /* for the optimisation pipeline's cost model */
  LLVMPassBuilderOptionsRef pbo;
  char *cpu, *features;
  bool f16c;                  /* fpext/fptrunc to half are instructions, not libcalls */
  bool raw;                   /* SIM_JIT_RAW_F16 */
  bool up;                    /* llvm_up done (under lm) */
  bool opened;                /* the same, as the callers see it (under mu) */
  bool broken;                /* LLVM failed once: every op goes to the interpreter */
  uint64_t built;             /* kernels named so far (under lm) */
  uint64_t asked;             /* kernels compiled or queued (under mu) */
  uint64_t threshold;         /* compile a shape once it has run this many elements */
  Entry **tab;                /* open addressing on the canonical key; entries never move */
  size_t cap, n;
  Front *front;               /* NFRONT, direct-mapped on the raw shape */
  SimJitStats st;
  pthread_mutex_t mu;         /* sim_jit_run: the cache, the counters, the queue */
  pthread_mutex_t lm;         /* LLVM itself: one compile at a time */
  /* the compile thread (started at the first kernel a run asks for with a
   * threshold above 0): it takes entries off the queue and compiles them
   * while the simulator goes on interpreting their shapes */
  pthread_t worker;
  pthread_cond_t cv;
  bool worker_up, stop;
  Entry *qhead, *qtail;
};

bool sim_jit_available(void) { return true; }

/* ---- the shape ---- */

static bool canon(const SimJitOp *op, JKey *k) {
  memset(k, 0, sizeof *k);
  if (op->op < 0 || op->op >= OP__COUNT || op->nsrc < 0 || op->nsrc > 2) return false;
  const Dsr *d[3] = {&op->dst, &op->src[0], &op->src[1]};
  int no = 1 + op->nsrc;
  k->op = (uint8_t)op->op;
  k->nsrc = (uint8_t)op->nsrc;
  uint64_t bp[1 + 3 * 4];
  int nb = 0;
  bp[nb++] = 1;
  for (int o = 0; o < no; o++) {
    if (d[o]->kind != DSR_MEM || d[o]->ndim > 4 || d[o]->dtype > WDT_BF16) return false;
    k->dt[o] = d[o]->dtype;
    uint64_t p = 1;
    for (int i = d[o]->ndim - 1; i >= 0; i--) {
      if (!d[o]->dim[i] || __builtin_mul_overflow(p, (uint64_t)d[o]->dim[i], &p)) return false;
      if (d[o]->dim[i] == 1) continue;
      int q = 0;
      while (q < nb && bp[q] != p) q++;
      if (q == nb) bp[nb++] = p;
    }
    if (p != op->count) return false; /* this operand walks another count (it would wrap) */
  }
  for (int i = 1; i < nb; i++) /* sort (at most 13) */
    for (int m = i; m > 0 && bp[m - 1] > bp[m]; m--) {
      uint64_t x = bp[m];
      bp[m] = bp[m - 1];
      bp[m - 1] = x;
    }
  for (int i = 0; i + 1 < nb; i++)
    if (bp[i + 1] % bp[i]) return false; /* no common loop nest (e.g. [2,3] against [3,2]) */
  /* refined dims, innermost first: dim i spans elements bp[i] .. bp[i+1] */
  uint64_t rd[JMAXD];
  int64_t rs[3][JMAXD];
  int nr = nb - 1;
  for (int i = 0; i < nr; i++) {
    rd[i] = bp[i + 1] / bp[i];
    for (int o = 0; o < no; o++) {
      bool found = false;
      uint64_t q = 1;
      for (int m = d[o]->ndim - 1; m >= 0 && !found; m--) {
        uint64_t top = q * d[o]->dim[m]; /* <= count: no overflow */
        if (d[o]->dim[m] > 1 && q <= bp[i] && bp[i + 1] <= top) {
          if (__builtin_mul_overflow((int64_t)d[o]->stride[m], (int64_t)(bp[i] / q), &rs[o][i])) return false;
          found = true;
        }
        q = top;
      }
      if (!found) return false;
    }
  }
  /* merge contiguous neighbours, then store outermost first */
  uint64_t md[JMAXD];
  int64_t ms[3][JMAXD];
  int nm = 0;
  for (int i = 0; i < nr; i++) {
    bool merge = nm > 0;
    for (int o = 0; o < no && merge; o++) {
      int64_t want;
      merge = !__builtin_mul_overflow(ms[o][nm - 1], (int64_t)md[nm - 1], &want) && want == rs[o][i];
    }
    if (merge) {
      md[nm - 1] *= rd[i];
      continue;
    }
    md[nm] = rd[i];
    for (int o = 0; o < no; o++) ms[o][nm] = rs[o][i];
    nm++;
  }
  k->nd = (uint8_t)nm;
  for (int i = 0; i < nm; i++) {
    k->dim[i] = md[nm - 1 - i];
    for (int o = 0; o < no; o++) k->stride[o][i] = ms[o][nm - 1 - i];
  }
  return true;
}

/* The raw shape in words; false for what no kernel runs (not memory, bad
 * ndim or nsrc). */
static bool pack(const SimJitOp *op, uint64_t raw[RAWW]) {
  if (op->op < 0 || op->op >= OP__COUNT || op->nsrc < 0 || op->nsrc > 2) return false;
  const Dsr *d[3] = {&op->dst, &op->src[0], &op->src[1]};
  memset(raw, 0, sizeof(uint64_t) * RAWW);
  raw[0] = (uint64_t)op->op | (uint64_t)op->nsrc << 8;
  for (int o = 0; o <= op->nsrc; o++) {
    if (d[o]->kind != DSR_MEM || d[o]->ndim > 4) return false;
    raw[0] |= (uint64_t)(d[o]->dtype | d[o]->ndim << 4) << (16 + 8 * o);
    for (int i = 0; i < d[o]->ndim; i++) raw[1 + 4 * o + i] = (uint64_t)d[o]->dim[i] | (uint64_t)(uint32_t)d[o]->stride[i] << 32;
  }
  return true;
}

static uint64_t hash_words(const void *p, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < n; i++) {
    uint64_t w;
    memcpy(&w, (const uint8_t *)p + 8 * i, 8);
    h ^= w;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h;
}
_Static_assert(sizeof(JKey) % 8 == 0, "JKey is hashed in words");

static size_t slot(const SimJit *j, const JKey *k) {
  size_t i = (size_t)hash_words(k, sizeof *k / 8) & (j->cap - 1);
  while (j->tab[i] && memcmp(&j->tab[i]->key, k, sizeof *k)) i = (i + 1) & (j->cap - 1);
  return i;
}

static void grow(SimJit *j) {
  Entry **old = j->tab;
  size_t oc = j->cap;
  j->cap = oc ? 2 * oc : 64;
  j->tab = xcalloc(j->cap, sizeof(Entry *));
  for (size_t i = 0; i < oc; i++)
    if (old[i]) j->tab[slot(j, &old[i]->key)] = old[i];
  free(old);
}

/* The entry of key k, made if new; NULL when the table is full. */
static Entry *entry(SimJit *j, const JKey *k) {
  size_t i = slot(j, k);
  if (j->tab[i]) return j->tab[i];
  if (j->n >= JMAX_SHAPES) return NULL;
  if (2 * (j->n + 1) > j->cap) {
    grow(j);
    i = slot(j, k);
  }
  Entry *e = xcalloc(1, sizeof *e);
  e->key = *k;
  j->tab[i] = e;
  j->n++;
  return e;
}

static void front_fill(Front *f, const SimJitOp *op, const uint64_t raw[RAWW]) {
  memset(f, 0, sizeof *f);
  memcpy(f->raw, raw, sizeof f->raw);
  f->valid = true;
  f->ok = canon(op, &f->key);
  const Dsr *d[3] = {&op->dst, &op->src[0], &op->src[1]};
  for (int o = 0; f->ok && o <= op->nsrc; o++) {
    Dsr z = *d[o];
    z.addr = 0;
    f->ok = dsr_extent(&z, &f->lo[o], &f->hi[o]) == 0;
  }
  for (int s = 0; f->ok && s < op->nsrc; s++) {
    bool same = op->src[s].dtype == op->dst.dtype;
    for (int i = 0; i < f->key.nd && same; i++) same = f->key.stride[1 + s][i] == f->key.stride[0][i];
    f->same[s] = same;
  }
}

/* ---- IR ---- */

typedef struct Gen {
  SimJit *j;
  LLVMContextRef cx;
  LLVMBuilderRef b;
  LLVMTypeRef i16, i32, i64, f32, f16;
} Gen;

static LLVMValueRef c32(Gen *g, uint32_t v) { return LLVMConstInt(g->i32, v, 0); }
static LLVMValueRef c64(Gen *g, int64_t v) { return LLVMConstInt(g->i64, (unsigned long long)v, 1); }
static LLVMValueRef bits(Gen *g, LLVMValueRef f) { return LLVMBuildBitCast(g->b, f, g->i32, ""); }
static LLVMValueRef flt(Gen *g, LLVMValueRef i) { return LLVMBuildBitCast(g->b, i, g->f32, ""); }
static LLVMValueRef isnan_(Gen *g, LLVMValueRef f) { return LLVMBuildFCmp(g->b, LLVMRealUNO, f, f, ""); }
static LLVMValueRef quiet(Gen *g, LLVMValueRef f) { return flt(g, LLVMBuildOr(g->b, bits(g, f), c32(g, 0x400000), "")); }
/* isnan of an fpext of a half, tested on the bits: InstCombine makes a
 * compare of the half of an fcmp of its fpext, and x86 has no vector
 * instruction for that (it would be scalarised) */
static LLVMValueRef isnan_bits(Gen *g, LLVMValueRef f) {
  LLVMValueRef m = LLVMBuildAnd(g->b, bits(g, f), c32(g, 0x7fffffff), "");
  return LLVMBuildICmp(g->b, LLVMIntUGT, m, c32(g, 0x7f800000), "");
}
/* r, or `first` quieted when it is a NaN (isa_nan_first); half: first is
 * an fpext of an f16 */
static LLVMValueRef nanfirst(Gen *g, LLVMValueRef first, bool half, LLVMValueRef r) {
  return LLVMBuildSelect(g->b, half ? isnan_bits(g, first) : isnan_(g, first), quiet(g, first), r, "");
}
static LLVMValueRef call_abs(Gen *g, LLVMTypeRef fty, void (*fn)(void), LLVMValueRef *args, unsigned n) {
  LLVMValueRef callee = LLVMConstIntToPtr(LLVMConstInt(g->i64, (unsigned long long)(uintptr_t)fn, 0), LLVMPointerType(fty, 0));
  return LLVMBuildCall2(g->b, fty, callee, args, n, "");
}

/* helpers for hosts without F16C (no libcalls to resolve in the JIT) */
static float jit_h2f(uint32_t h) { return f16_to_f32((uint16_t)h); }
static uint32_t jit_f2h(float f) { return f32_to_f16(f); }

static LLVMValueRef elem_ptr(Gen *g, LLVMValueRef base, int dt, LLVMValueRef off) {
  LLVMTypeRef et = dt == WDT_F32 ? g->f32 : g->i16;
  LLVMValueRef p = LLVMBuildBitCast(g->b, base, LLVMPointerType(et, 0), "");
  return LLVMBuildInBoundsGEP2(g->b, et, p, &off, 1, "");
}

/* fix: give an f16 NaN f16_to_f32's exact bits. Not needed where the value
 * only meets nanfirst arithmetic: that quietens it, and fpext keeps sign
 * and payload (it only sets the quiet bit: test_jit checks all 2^16). */
static LLVMValueRef load_el(Gen *g, LLVMValueRef base, int dt, LLVMValueRef off, bool fix) {
  LLVMValueRef p = elem_ptr(g, base, dt, off), v;
  if (dt == WDT_F32) {
    v = LLVMBuildLoad2(g->b, g->f32, p, "");
    LLVMSetAlignment(v, 1);
    return v;
  }
  LLVMValueRef h = LLVMBuildLoad2(g->b, g->i16, p, "");
  LLVMSetAlignment(h, 1);
  LLVMValueRef w = LLVMBuildZExt(g->b, h, g->i32, "");
  if (dt == WDT_BF16) return flt(g, LLVMBuildShl(g->b, w, c32(g, 16), ""));
  if (!g->j->f16c) {
    LLVMTypeRef pt[1] = {g->i32};
    LLVMValueRef a[1] = {w};
    return call_abs(g, LLVMFunctionType(g->f32, pt, 1, 0), (void (*)(void))jit_h2f, a, 1);
  }
  v = LLVMBuildFPExt(g->b, LLVMBuildBitCast(g->b, h, g->f16, ""), g->f32, "");
  if (g->j->raw || !fix) return v;
  /* a NaN as f16_to_f32 makes it: sign, all-ones exponent, payload << 13;
   * tested on the integer (a compare of the half, which is what InstCombine
   * makes of one on its fpext, has no vector instruction) */
  LLVMValueRef s = LLVMBuildShl(g->b, LLVMBuildAnd(g->b, w, c32(g, 0x8000), ""), c32(g, 16), "");
  LLVMValueRef m = LLVMBuildShl(g->b, LLVMBuildAnd(g->b, w, c32(g, 0x3ff), ""), c32(g, 13), "");
  LLVMValueRef nan = flt(g, LLVMBuildOr(g->b, LLVMBuildOr(g->b, s, m, ""), c32(g, 0x7f800000), ""));
  LLVMValueRef isn = LLVMBuildICmp(g->b, LLVMIntUGT, LLVMBuildAnd(g->b, w, c32(g, 0x7fff), ""), c32(g, 0x7c00), "");
  return LLVMBuildSelect(g->b, isn, nan, v, "");
}

static void store_el(Gen *g, LLVMValueRef base, int dt, LLVMValueRef off, LLVMValueRef v) {
  LLVMValueRef p = elem_ptr(g, base, dt, off), h;
  if (dt == WDT_F32) {
    LLVMSetAlignment(LLVMBuildStore(g->b, v, p), 1);
    return;
  }
  LLVMValueRef u = bits(g, v);
  if (dt == WDT_BF16) { /* f32_to_bf16 */
    LLVMValueRef hi = LLVMBuildLShr(g->b, u, c32(g, 16), "");
    LLVMValueRef nan = LLVMBuildICmp(g->b, LLVMIntUGT, LLVMBuildAnd(g->b, u, c32(g, 0x7fffffff), ""), c32(g, 0x7f800000), "");
    LLVMValueRef q = LLVMBuildOr(g->b, hi, c32(g, 0x40), "");
    LLVMValueRef r = LLVMBuildAdd(g->b, u, LLVMBuildAdd(g->b, c32(g, 0x7fff), LLVMBuildAnd(g->b, hi, c32(g, 1), ""), ""), "");
    r = LLVMBuildLShr(g->b, r, c32(g, 16), "");
    h = LLVMBuildTrunc(g->b, LLVMBuildSelect(g->b, nan, q, r, ""), g->i16, "");
  } else if (!g->j->f16c) {
    LLVMTypeRef pt[1] = {g->f32};
    LLVMValueRef a[1] = {v};
    h = LLVMBuildTrunc(g->b, call_abs(g, LLVMFunctionType(g->i32, pt, 1, 0), (void (*)(void))jit_f2h, a, 1), g->i16, "");
  } else {
    h = LLVMBuildBitCast(g->b, LLVMBuildFPTrunc(g->b, v, g->f16, ""), g->i16, "");
    if (!g->j->raw) { /* a NaN as f32_to_f16 makes it: sign | 0x7c00 | 0x200 | man >> 13 */
      LLVMValueRef s = LLVMBuildAnd(g->b, LLVMBuildLShr(g->b, u, c32(g, 16), ""), c32(g, 0x8000), "");
      LLVMValueRef m = LLVMBuildAnd(g->b, LLVMBuildLShr(g->b, u, c32(g, 13), ""), c32(g, 0x3ff), "");
      LLVMValueRef nan = LLVMBuildTrunc(g->b, LLVMBuildOr(g->b, LLVMBuildOr(g->b, s, m, ""), c32(g, 0x7e00), ""), g->i16, "");
      h = LLVMBuildSelect(g->b, isnan_(g, v), nan, h, "");
    }
  }
  LLVMSetAlignment(LLVMBuildStore(g->b, h, p), 1);
}

/* one element: the interpreter's top_step/bulk_issue arithmetic */
static void element(Gen *g, const JKey *k, LLVMValueRef ptr[3], LLVMValueRef off[3], LLVMValueRef fill) {
  LLVMBuilderRef b = g->b;
  if (k->op == OP_FFILL) { /* fill holds the value already in dst's format */
    LLVMValueRef p = elem_ptr(g, ptr[0], k->dt[0], off[0]);
    LLVMValueRef v = k->dt[0] == WDT_F32 ? flt(g, fill) : LLVMBuildTrunc(b, fill, g->i16, "");
    LLVMSetAlignment(LLVMBuildStore(b, v, p), 1);
    return;
  }
  LLVMValueRef v[2] = {LLVMConstReal(g->f32, 0), LLVMConstReal(g->f32, 0)};
  bool fix = !(k->op == OP_FMAC || k->op == OP_FADD || k->op == OP_FSUB || k->op == OP_FMUL || k->op == OP_FDIV);
  for (int s = 0; s < k->nsrc; s++) /* a source that is dst's very elements is read through dst */
    v[s] = k->mode[s] == M_SAME ? load_el(g, ptr[0], k->dt[0], off[0], fix) : load_el(g, ptr[1 + s], k->dt[1 + s], off[1 + s], fix);
  LLVMValueRef a = v[0], c = v[1], r;
  bool ah = k->nsrc > 0 && k->dt[k->mode[0] == M_SAME ? 0 : 1] == WDT_F16;
  switch (k->op) {
  case OP_FMAC: {
    LLVMValueRef p = nanfirst(g, a, ah, LLVMBuildFMul(b, a, c, ""));
    LLVMValueRef d = load_el(g, ptr[0], k->dt[0], off[0], false);
    r = nanfirst(g, d, k->dt[0] == WDT_F16, LLVMBuildFAdd(b, d, p, ""));
    break;
  }
  case OP_FMOV: r = a; break;
  case OP_FADD: r = nanfirst(g, a, ah, LLVMBuildFAdd(b, a, c, "")); break;
  case OP_FSUB: r = nanfirst(g, a, ah, LLVMBuildFSub(b, a, c, "")); break;
  case OP_FMUL: r = nanfirst(g, a, ah, LLVMBuildFMul(b, a, c, "")); break;
  case OP_FDIV: r = nanfirst(g, a, ah, LLVMBuildFDiv(b, a, c, "")); break;
  case OP_FNEG: r = flt(g, LLVMBuildXor(b, bits(g, a), c32(g, 0x80000000u), "")); break;
  case OP_FABS: r = flt(g, LLVMBuildAnd(b, bits(g, a), c32(g, 0x7fffffffu), "")); break;
  case OP_FRELU: {
    LLVMValueRef zero = LLVMConstReal(g->f32, 0);
    r = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, a, zero, ""), a, LLVMBuildSelect(b, isnan_(g, a), a, zero, ""), "");
    break;
  }
  case OP_FMAX:
  case OP_FMIN: {
    LLVMValueRef nan = flt(g, c32(g, 0x7fc00000u)); /* C's NAN */
    LLVMValueRef gt = LLVMBuildFCmp(b, k->op == OP_FMAX ? LLVMRealOGT : LLVMRealOLT, a, c, "");
    r = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealUNO, a, c, ""), nan, LLVMBuildSelect(b, gt, a, c, ""), "");
    break;
  }
  default: { /* library maths: isa_alu itself, so the bits are the interpreter's */
    LLVMTypeRef pt[3] = {g->i32, g->f32, g->f32};
    LLVMValueRef args[3] = {c32(g, k->op), a, c};
    r = call_abs(g, LLVMFunctionType(g->f32, pt, 3, 0), (void (*)(void))isa_alu, args, 3);
    break;
  }
  }
  store_el(g, ptr[0], k->dt[0], off[0], r);
}

static void add_attr(LLVMContextRef cx, LLVMValueRef f, unsigned idx, const char *name) {
  LLVMAddAttributeAtIndex(f, idx, LLVMCreateEnumAttribute(cx, LLVMGetEnumAttributeKindForName(name, strlen(name)), 0));
}

static LLVMModuleRef build(SimJit *j, const JKey *k, const char *name) {
  Gen g = {.j = j, .cx = LLVMOrcThreadSafeContextGetContext(j->tsc)};
  LLVMContextRef cx = g.cx;
  g.i16 = LLVMInt16TypeInContext(cx);
  g.i32 = LLVMInt32TypeInContext(cx);
  g.i64 = LLVMInt64TypeInContext(cx);
  g.f32 = LLVMFloatTypeInContext(cx);
  g.f16 = LLVMHalfTypeInContext(cx);
  LLVMModuleRef m = LLVMModuleCreateWithNameInContext(name, cx);
  LLVMSetTarget(m, LLVMOrcLLJITGetTripleString(j->jit[0]));
  LLVMSetDataLayout(m, LLVMOrcLLJITGetDataLayoutStr(j->jit[0]));
  LLVMTypeRef i8p = LLVMPointerType(LLVMInt8TypeInContext(cx), 0);
  LLVMTypeRef pt[4] = {i8p, i8p, i8p, g.i32};
  LLVMValueRef f = LLVMAddFunction(m, name, LLVMFunctionType(LLVMVoidTypeInContext(cx), pt, 4, 0));
  add_attr(cx, f, LLVMAttributeFunctionIndex, "nounwind");
  if (k->noalias) add_attr(cx, f, 1, "noalias");
  LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                          LLVMCreateStringAttribute(cx, "target-cpu", 10, j->cpu, (unsigned)strlen(j->cpu)));
  LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                          LLVMCreateStringAttribute(cx, "target-features", 15, j->features, (unsigned)strlen(j->features)));
  g.b = LLVMCreateBuilderInContext(cx);
  LLVMBuilderRef b = g.b;
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(cx, f, "entry"));
  LLVMValueRef ptr[3] = {LLVMGetParam(f, 0), LLVMGetParam(f, 1), LLVMGetParam(f, 2)}, fill = LLVMGetParam(f, 3);
  LLVMValueRef off[3] = {c64(&g, 0), c64(&g, 0), c64(&g, 0)}, zero = c64(&g, 0);
  LLVMBasicBlockRef hdr[JMAXD];
  LLVMValueRef iv[JMAXD];
  /* loops outermost first; every dim >= 2, so each body runs at least once */
  for (int l = 0; l < k->nd; l++) {
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(b);
    hdr[l] = LLVMAppendBasicBlockInContext(cx, f, "loop");
    LLVMBuildBr(b, hdr[l]);
    LLVMPositionBuilderAtEnd(b, hdr[l]);
    iv[l] = LLVMBuildPhi(b, g.i64, "i");
    LLVMAddIncoming(iv[l], &zero, &pre, 1);
    for (int o = 0; o <= k->nsrc; o++)
      if (k->stride[o][l]) off[o] = LLVMBuildNSWAdd(b, off[o], LLVMBuildNSWMul(b, iv[l], c64(&g, k->stride[o][l]), ""), "");
  }
  element(&g, k, ptr, off, fill);
  for (int l = k->nd - 1; l >= 0; l--) {
    LLVMValueRef nx = LLVMBuildNUWAdd(b, iv[l], c64(&g, 1), "");
    LLVMValueRef more = LLVMBuildICmp(b, LLVMIntULT, nx, LLVMConstInt(g.i64, k->dim[l], 0), "");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(b), out = LLVMAppendBasicBlockInContext(cx, f, "out");
    LLVMBuildCondBr(b, more, hdr[l], out);
    LLVMAddIncoming(iv[l], &nx, &latch, 1);
    LLVMPositionBuilderAtEnd(b, out);
  }
  LLVMBuildRetVoid(b);
  LLVMDisposeBuilder(b);
  return m;
}

static bool lerr(LLVMErrorRef e, const char *what) {
  if (!e) return false;
  char *msg = LLVMGetErrorMessage(e);
  fprintf(stderr, "wsesim: warning: JIT: %s: %s; the interpreter runs the rest\n", what, msg);
  LLVMDisposeErrorMessage(msg);
  return true;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool llvm_up(SimJit *j, char *err, size_t errlen);

/* What one compile did, for the caller to add to the counters under mu. */
typedef struct Built {
  bool quick;                 /* without the optimiser */
  bool broken;                /* LLVM failed: no more kernels this run */
  double secs;
} Built;

/* The kernel of key k, or NULL (then b->broken). Under lm: LLVM's objects
 * are used by one thread at a time. */
static KernelFn compile(SimJit *j, const JKey *k, Built *b) {
  double t0 = now_s();
  memset(b, 0, sizeof *b);
  b->broken = true;
  char err[320];
  if (!j->up && !llvm_up(j, err, sizeof err)) {
    fprintf(stderr, "wsesim: warning: JIT: %s; the interpreter runs every instruction\n", err);
    return NULL;
  }
  char name[32];
  snprintf(name, sizeof name, "wsek%llu", (unsigned long long)j->built++);
  LLVMModuleRef m = build(j, k, name);
  char *msg = NULL;
  if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
    fprintf(stderr, "wsesim: warning: JIT: kernel %s does not verify: %s; the interpreter runs the rest\n", name, msg);
    LLVMDisposeMessage(msg);
    LLVMDisposeModule(m);
    return NULL;
  }
  LLVMDisposeMessage(msg);
  /* a kernel of a few elements gains nothing from vector code: it skips
   * the optimiser and gets the quick code generator (1 ms, not 8) */
  uint64_t n = 1;
  for (int i = 0; i < k->nd; i++) n *= k->dim[i];
  bool quick = n < JIT_QUICK;
  if (!quick && lerr(LLVMRunPasses(m, "default<O3>", j->tm, j->pbo), "optimising a kernel")) {
    LLVMDisposeModule(m);
    return NULL;
  }
  LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(m, j->tsc);
  LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModule(j->jit[quick], LLVMOrcLLJITGetMainJITDylib(j->jit[quick]), tsm);
  if (lerr(e, "adding a kernel")) return NULL; /* the JIT owns tsm even then */
  LLVMOrcExecutorAddress addr = 0;
  if (lerr(LLVMOrcLLJITLookup(j->jit[quick], &addr, name), "compiling a kernel") || !addr) return NULL;
  b->quick = quick;
  b->broken = false;
  b->secs = now_s() - t0;
  return (KernelFn)(uintptr_t)addr;
}

/* Add what compile did to the counters and publish the kernel. Under mu. */
static void built(SimJit *j, Entry *e, KernelFn fn, const Built *b) {
  j->opened = true;
  if (b->broken) j->broken = true;
  if (!fn) return;
  e->fn = fn;
  j->st.kernels++;
  j->st.quick += b->quick;
  j->st.compile_s += b->secs;
}

/* The compile thread: the queue in order, until sim_jit_free says stop. */
static void *compile_loop(void *arg) {
  SimJit *j = arg;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (!j->stop && !j->qhead) pthread_cond_wait(&j->cv, &j->mu);
    if (j->stop) break;
    Entry *e = j->qhead;
    j->qhead = e->next;
    if (!j->qhead) j->qtail = NULL;
    JKey k = e->key; /* entries never move and keys never change */
    bool skip = j->broken;
    pthread_mutex_unlock(&j->mu);
    KernelFn fn = NULL;
    Built b = {0};
    if (!skip) {
      pthread_mutex_lock(&j->lm);
      fn = compile(j, &k, &b);
      pthread_mutex_unlock(&j->lm);
    }
    pthread_mutex_lock(&j->mu);
    if (!skip) built(j, e, fn, &b);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/* ---- the interface ---- */

/* An LLJIT generating code for the host CPU and features at level lvl;
 * kernels may call memset/memcpy (LLVM's loop idioms), found in the
 * process. */
static bool make_lljit(SimJit *j, LLVMTargetRef t, const char *triple, LLVMCodeGenOptLevel lvl, LLVMOrcLLJITRef *out,
                       char *err, size_t errlen) {
  LLVMTargetMachineRef tm = LLVMCreateTargetMachine(t, triple, j->cpu, j->features, lvl, LLVMRelocDefault, LLVMCodeModelJITDefault);
  LLVMOrcLLJITBuilderRef jb = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(jb, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
  LLVMErrorRef e = LLVMOrcCreateLLJIT(out, jb);
  if (e) *out = NULL;
  LLVMOrcDefinitionGeneratorRef gen;
  if (!e) e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(*out), NULL, NULL);
  if (e) {
    char *m = LLVMGetErrorMessage(e);
    snprintf(err, errlen, "cannot create an LLVM JIT: %s", m);
    LLVMDisposeErrorMessage(m);
    return false; /* *out, if made, goes with the SimJit */
  }
  LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(*out), gen);
  return true;
}

/* LLVM for this SimJit, at its first compile: a target machine for the
 * optimiser's cost model, the two LLJITs and a context for the modules. */
static bool llvm_up(SimJit *j, char *err, size_t errlen) {
  if (!llvm_open(err, errlen)) return false;
  j->cpu = LLVMGetHostCPUName();
  j->features = LLVMGetHostCPUFeatures();
  j->f16c = strstr(j->features, "+f16c") != NULL;
  char *triple = LLVMGetDefaultTargetTriple(), *msg = NULL;
  LLVMTargetRef t;
  if (LLVMGetTargetFromTriple(triple, &t, &msg)) {
    snprintf(err, errlen, "no LLVM target for %s: %s", triple, msg);
    LLVMDisposeMessage(msg);
    LLVMDisposeMessage(triple);
    return false;
  }
  j->tm = LLVMCreateTargetMachine(t, triple, j->cpu, j->features, LLVMCodeGenLevelAggressive, LLVMRelocDefault,
                                  LLVMCodeModelJITDefault);
  bool ok = make_lljit(j, t, triple, LLVMCodeGenLevelAggressive, &j->jit[0], err, errlen) &&
            make_lljit(j, t, triple, LLVMCodeGenLevelNone, &j->jit[1], err, errlen);
  LLVMDisposeMessage(triple);
  if (!ok) return false;
  j->tsc = LLVMOrcCreateNewThreadSafeContext();
  j->pbo = LLVMCreatePassBuilderOptions();
  LLVMPassBuilderOptionsSetLoopVectorization(j->pbo, 1);
  LLVMPassBuilderOptionsSetSLPVectorization(j->pbo, 1);
  LLVMPassBuilderOptionsSetLoopInterleaving(j->pbo, 1);
  /* no unrolling: loops of a few constant trips would be unrolled whole
   * around their vector bodies, doubling compile times for little */
  LLVMPassBuilderOptionsSetLoopUnrolling(j->pbo, 0);
  j->up = true;
  return true;
}

SimJit *sim_jit_new(unsigned flags, char *err, size_t errlen) {
  SimJit *j = xcalloc(1, sizeof *j);
  j->raw = flags & SIM_JIT_RAW_F16;
  j->threshold = SIM_JIT_THRESHOLD;
  j->front = xcalloc(NFRONT, sizeof(Front));
  pthread_mutex_init(&j->mu, NULL);
  pthread_mutex_init(&j->lm, NULL);
  pthread_cond_init(&j->cv, NULL);
  grow(j);
  return j;
}

void sim_jit_free(SimJit *j) {
  if (!j) return;
  /* a kernel being compiled is finished (LLVM cannot be interrupted);
   * the rest of the queue is dropped */
  pthread_mutex_lock(&j->mu);
  j->stop = true;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
  if (j->worker_up) pthread_join(j->worker, NULL);
  for (int i = 0; i < 2; i++)
    if (j->jit[i]) {
      LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->jit[i]);
      if (e) LLVMConsumeError(e);
    }
  if (j->tsc) LLVMOrcDisposeThreadSafeContext(j->tsc);
  if (j->pbo) LLVMDisposePassBuilderOptions(j->pbo);
  if (j->tm) LLVMDisposeTargetMachine(j->tm);
  if (j->cpu) LLVMDisposeMessage(j->cpu);
  if (j->features) LLVMDisposeMessage(j->features);
  for (size_t i = 0; i < j->cap; i++) free(j->tab[i]);
  free(j->tab);
  free(j->front);
  pthread_mutex_destroy(&j->mu);
  pthread_mutex_destroy(&j->lm);
  pthread_cond_destroy(&j->cv);
  free(j);
}

void sim_jit_set_threshold(SimJit *j, uint64_t elements) { j->threshold = elements; }

/* The kernel for op, compiling it if its shape is hot; NULL when the
 * interpreter runs it. Under j->mu. */
static KernelFn kernel_for(SimJit *j, const SimJitOp *op) {
  uint64_t raw[RAWW];
  if (j->broken || !pack(op, raw)) {
    j->st.declined++;
    return NULL;
  }
  Front *f = &j->front[hash_words(raw, RAWW) & (NFRONT - 1)];
  if (!f->valid || memcmp(f->raw, raw, sizeof raw)) front_fill(f, op, raw);
  if (!f->ok) {
    j->st.declined++;
    return NULL;
  }
  /* each source against dst, on this instruction's addresses */
  int mode[2] = {0, 0};
  int64_t dl = op->dst.addr + f->lo[0], dh = op->dst.addr + f->hi[0];
  for (int s = 0; s < op->nsrc; s++) {
    int64_t sl = op->src[s].addr + f->lo[1 + s], sh = op->src[s].addr + f->hi[1 + s];
    mode[s] = f->same[s] && op->src[s].addr == op->dst.addr ? M_SAME : sl >= dh || dl >= sh ? M_DISJOINT : M_OVERLAP;
  }
  Entry **pe = &f->e[mode[0] + 3 * mode[1]];
  if (!*pe) {
    JKey k = f->key;
    k.mode[0] = (uint8_t)mode[0];
    k.mode[1] = (uint8_t)mode[1];
    k.noalias = mode[0] != M_OVERLAP && mode[1] != M_OVERLAP;
    if (!(*pe = entry(j, &k))) {
      j->st.declined++;
      return NULL;
    }
  }
  Entry *e = *pe;
  if (!e->fn) {
    e->seen = e->seen + op->count < e->seen ? UINT64_MAX : e->seen + op->count;
    if (e->queued) { /* being compiled, or failed */
      j->st.cold++;
      return NULL;
    }
    /* ski rental: a shape is compiled once interpreting it has cost about
     * what compiling it would. The first kernel also pays for opening and
     * starting libLLVM (50-75 ms, some 10 M interpreted FMAC elements), so
     * it waits for JIT_FIRST times the threshold */
    uint64_t need = j->opened || j->threshold > UINT64_MAX / JIT_FIRST ? j->threshold : JIT_FIRST * j->threshold;
    if (e->seen < need) {
      j->st.cold++;
      return NULL;
    }
    if (j->asked >= JMAX_KERNELS) {
      j->st.declined++;
      return NULL;
    }
    j->asked++;
    e->queued = true;
    if (j->threshold > 0) {
      /* compiled in the background: this instruction and the next ones of
       * its shape are interpreted until the kernel is there */
      if (!j->worker_up) {
        if (pthread_create(&j->worker, NULL, compile_loop, j)) {
          j->broken = true;
          j->st.declined++;
          return NULL;
        }
        j->worker_up = true;
      }
      e->next = NULL;
      if (j->qtail) j->qtail->next = e;
      else j->qhead = e;
      j->qtail = e;
      pthread_cond_signal(&j->cv);
      j->st.cold++;
      return NULL;
    }
    /* --jit-threshold 0: every shape is compiled before its first run */
    Built b;
    pthread_mutex_lock(&j->lm);
    KernelFn fn = compile(j, &e->key, &b);
    pthread_mutex_unlock(&j->lm);
    built(j, e, fn, &b);
    if (!fn) {
      j->st.declined++;
      return NULL;
    }
  }
  j->st.runs++;
  j->st.elements += op->count;
  return e->fn;
}

/* Threads of the simulator call this at once: the cache, the counters and
 * LLVM are used under j->mu; the kernel itself (pure: it touches only the
 * calling core's SRAM) runs outside it. */
bool sim_jit_run(SimJit *j, const SimJitOp *op, uint8_t *sram) {
  pthread_mutex_lock(&j->mu);
  KernelFn fn = kernel_for(j, op);
  pthread_mutex_unlock(&j->mu);
  if (!fn) return false;
  uint32_t fill = 0;
  if (op->op == OP_FFILL) {
    uint32_t u = (uint32_t)op->imm;
    float f;
    memcpy(&f, &u, 4);
    fill = op->dst.dtype == WDT_F32 ? u : op->dst.dtype == WDT_BF16 ? f32_to_bf16(f) : f32_to_f16(f);
  }
  fn(sram + op->dst.addr, op->nsrc > 0 ? sram + op->src[0].addr : NULL, op->nsrc > 1 ? sram + op->src[1].addr : NULL, fill);
  return true;
}

void sim_jit_stats(const SimJit *j, SimJitStats *st) { *st = j->st; }

#endif
