/* runtime/sim.c: the machine.
 *
 * State: for every core of the image its SRAM, registers, DSRs, tasks,
 * microthreads and, per color, a router entry with a FIFO and a ramp input
 * queue. One call of step() is one clock cycle:
 *   1. routers: every output link (N, E, S, W of a router and R, the ramp
 *      into its own core) moves at most one wavelet; colors share a link
 *      round-robin; a multicast wavelet leaves its FIFO when every output
 *      port has taken a copy; a copy moves only into a FIFO/queue with room
 *      (back-pressure) and a wavelet moves at most one hop per cycle;
 *   2. cores, in (y, x) order: armed DATA tasks whose color has a wavelet
 *      waiting are activated; the pipeline starts a task, executes one
 *      instruction or advances a synchronous tensor instruction; every busy
 *      microthread advances its async tensor instruction.
 * A tensor instruction advances up to `lanes` elements per cycle (simd_f16
 * if all its memory operands are 16-bit - f16 or bf16 - else simd_f32; FMAC's
 * and WAXPY's accumulators do not count), or one element per cycle if it
 * reads or writes the fabric. The run ends at the first cycle in
 * which nothing at all happened.
 *
 * The image was validated by wimg_read (every index, range and DSR is
 * sound as loaded). What only the run can tell - an address computed in a
 * register, a DSR moved by DINC - is checked where it happens and stops the
 * run with a "run-time fault" naming the core, pc and instruction (fault()).
 */
#include "runtime/sim.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include "common/f16.h"
#include "common/svg.h"
#include "common/util.h"
#include "backend/wmx.h"
#include "runtime/jit.h"

#define MAXC MACHINE_COLORS_MAX /* per-color tables (common/machine.h) */

typedef struct Fifo {
  uint32_t *val;
  uint64_t *stamp;   /* cycle the wavelet arrived */
  uint64_t head_stamp; /* stamp[head] while count > 0 (read every cycle) */
  uint8_t head, count, sent;  /* sent: ports that took a copy of the head */
} Fifo;

typedef struct Walk {
  Dsr d;
  uint32_t idx[4];
  int64_t off;       /* elements from d.addr */
} Walk;

typedef struct TOp {
  bool active;
  uint8_t op;
  int32_t imm;       /* FFILL: the f32 value */
  int32_t flags;     /* ISA_ASYNC/ISA_ACTIVATE and the task; 0 for FFILL */
  uint32_t pc;       /* of the instruction, for fault reports */
  int nsrc;
  Walk dst, src[2];
  uint64_t done, count;
  int lanes;
  bool fabric;
  bool bulk;         /* executed at issue (bulk_issue); completes at `end` */
  uint64_t start, end; /* start: the issue cycle (for traces) */
  /* WAXPY: src[0] the weight stream, src[1] the table row of the current
   * weight (dims and strides of dc past its first); the current weight */
  bool wcur, whalf;           /* a weight in hand; the first half of an f32 one */
  bool winit_pending, wzero, wend, weager, wdone_eager;
  uint32_t whi, wk;
  float wval;
  uint32_t wk_dim, wmax, wnd; /* dc's first dim; data wavelets allowed, taken */
  int32_t wk_stride;
  uint64_t wlen, wi, wpop;    /* elements per weight, done of this one; cycle of the last pop */
  uint32_t wtab_addr;
  /* microthreads: issue order; a microthread sharing a fabric color with
   * an earlier one waits for it (`after`, while it is still that one) */
  uint64_t seq, after_seq;
  int after;
} TOp;

typedef struct Task { uint8_t kind, color; uint32_t pc; bool armed; uint32_t act; } Task;

typedef struct Core {
  int x, y;
  const WCore *w;
  uint8_t *sram;
  uint32_t sram_n;   /* bytes allocated: what the image uses, or all of it
                      * once a computed address (LD, ST, DINC) goes past */
  const Insn *code;
  uint32_t ninsn;
  Dsr *dsr;          /* the image's table (cast; never written) or dsr_own's copy */
  Task *task;
  int ntask;
  int32_t reg[16];
  int running;       /* task id or -1 */
  uint32_t pc;
  TOp sync;
  TOp *ut;           /* microthreads: the first nut_alloc (made at first use) */
  uint32_t nut_alloc;
  bool dsr_own;      /* dsr is this core's copy (else the image's, read only) */
  int32_t nb[PORT__COUNT]; /* neighbour core per port (index; -1: none; nb[R] unused) */
  uint32_t portmask[PORT__COUNT]; /* bit k: color k's route leaves by this port */
  int8_t route_in[MAXC];  /* in port per color, -1 = no entry */
  uint8_t route_out[MAXC];
  uint8_t slot[MAXC]; /* color -> its queues in q[]; nroute (an empty pair) if none */
  struct RouteQ { Fifo fifo, inq; } *q; /* per route: router FIFO, ramp input queue */
  uint32_t rr[PORT__COUNT];
  uint32_t nonempty; /* bit k: fifo[k] holds a wavelet */
  uint32_t inq_nonempty; /* bit k: inq[k] holds a wavelet */
  uint32_t armed;    /* bit k: a DATA task on color k is armed */
  int nut;           /* busy microthreads */
  uint32_t nacts;    /* pending task activations */
  uint64_t useq;     /* microthreads issued */
  uint64_t busy, fmac, insns;
  uint64_t task_start; /* cycle the running task started (for traces) */
  bool has_prog;
  bool traced;       /* its trace metadata was written */
  uint32_t rounds;   /* --repeat: runs of its program finished */
  int32_t io0, nio;  /* --repeat: its I/O pieces, iop[io0 .. io0+nio) */
} Core;

/* What a router phase (or one band of it) adds to the run's counters. */
typedef struct RouteAcc {
  int64_t inflight;
  uint64_t hops, delivered;
  uint64_t visits;   /* routers visited */
} RouteAcc;

/* What one thread produces while it steps its band of cores (see "Threads"
 * below): merged in band order after every core phase, so a run gives the
 * same figures, faults and trace bytes whatever the number of threads. */
typedef struct Lane {
  SimStats st;       /* counts added by the band's cores this cycle */
  int64_t inflight;  /* wavelets pushed into the band's router FIFOs */
  struct Wake { uint64_t cycle; int32_t core; } *wake; /* bulk ends scheduled */
  size_t nwake, capwake;
  bool faulted;
  int fault_core;    /* the core that faulted (index: (y, x) order) */
  char fault[512];
  char *tbuf;        /* trace events written by the band this cycle */
  size_t tlen, tcap;
  bool act;
  uint64_t active;
  int w0, w1;        /* the band: words [w0, w1) of busy_cores */
  int t;             /* or, when cols, the column band t (as the router phase's) */
  bool cols;
  RouteAcc ra;       /* the band's share of a parallel router phase */
  bool ract;
} Lane;
static _Thread_local Lane *L; /* the calling thread's lane */

struct Sim {
  const WImage *img;
  int depth, ncolors;
  Core *cores;
  int ncore;
  int *grid;         /* region index -> core or -1 */
  Insn **progs;
  int *prog_cores;   /* indices of the cores with programs */
  int nprog_cores;
  uint64_t *busy_routers; /* bit i: core i's router holds a wavelet */
  uint64_t *busy_cores;   /* bit i: core i (with a program) may have work; a
                           * quiet core leaves the set and a wavelet into its
                           * ramp queue brings it back */
  struct Wake *wake; /* min-heap by cycle: bulk ops' completions */
  size_t nwake, capwake;
  uint64_t cycle;
  uint64_t max_cycles; /* of the current sim_run */
  SimStats st;
  /* progress line, time limit, trace (sim_set_*) */
  FILE *progress;
  double max_seconds;
  bool timed_out;
  FILE *trace;
  int tx0, ty0, tx1, ty1;   /* trace region [tx0, tx1) x [ty0, ty1) */
  uint64_t tc0, tc1;        /* trace cycles [tc0, tc1] */
  uint64_t inflight;        /* wavelets in router FIFOs */
  uint64_t last_inflight, last_active;
  bool faulted;      /* a run-time fault stopped the run; the text is in fault */
  int fault_core;
  char fault[512];
  /* threads: lanes[0] is the calling thread's */
  int nthreads;
  uint64_t par_min;  /* the fewest awake cores a cycle is split for */
  Lane *lanes;
  pthread_t *thr;
  atomic_uint gen;   /* bumped to start a core phase */
  atomic_int ndone;  /* workers finished with this phase */
  atomic_bool quit;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  atomic_int sleeping; /* workers waiting on cv */
  int phase;         /* what the workers do at the next gen: PHASE_* */
  /* the parallel router phase (see "Threads"): column bands */
  uint64_t rvisits;  /* routers visited in the last router phase */
  uint64_t rsplit_at; /* cycle the bands were last cut (0: never) */
  int *row_first;    /* rh + 1: index of the first core of each region row */
  int *colx;         /* nthreads + 1: the bands' first columns (region-relative) */
  int *rlo;          /* (nthreads + 1) x rh: band t, row r is cores [rlo[t][r], rlo[t+1][r]) */
  uint64_t *rhist;   /* rw: busy routers per column, for cutting */
  struct RProg { atomic_int v; char pad[60]; } *rprog; /* bands 0..t have finished the rows < v */
  /* MemoryX (sim_set_memoryx): streams sorted by x, so each channel's are
   * contiguous: channel k has streams [mxch[k].first, mxch[k+1].first) */
  struct MxStream { int core; uint8_t color; const uint32_t *wave; uint32_t n, pos; } *mxs;
  struct MxChan { int first; int rr; int64_t credit; } *mxch;
  int nmxs, nmxch;
  int64_t mx_rate;   /* per channel, wavelets per 1000 cycles */
  SimEngine engine;  /* who runs bulk instructions' element loops */
  SimJit *jit;       /* made by sim_run for the JIT engine (thread-safe) */
  uint64_t jit_threshold;
  atomic_ullong bulk_interp; /* bulk instructions whose loop bulk_issue ran itself */
  /* --repeat (sim_set_repeat): each core runs its program `repeat` times */
  uint32_t repeat;
  struct IoPiece { uint32_t io, piece; uint8_t *first; } *iop; /* per core, its I/O pieces */
  float **indata;    /* per I/O entry: the input written (NULL for outputs) */
  atomic_int *round_left; /* per round: cores yet to finish it */
  uint32_t round_next;    /* the first round whose end is not recorded */
  SimRound *round;        /* per round: when the last core finished it */
};

/* Bits other bands may set in the same word at the same time (see
 * "Threads"): atomic, relaxed - the order between bands is kept by the
 * progress counters of the router phase. */
static inline void or64(uint64_t *w, uint64_t m) { __atomic_fetch_or(w, m, __ATOMIC_RELAXED); }
static inline void or32(uint32_t *w, uint32_t m) { __atomic_fetch_or(w, m, __ATOMIC_RELAXED); }

/* Record a run-time fault of core c at pc (the first one wins) as
 * "run-time fault at core (x,y) pc N: INSN: WHAT". sim_run stops at the end
 * of the core's step and reports it. */
static void fault(Sim *s, const Core *c, uint32_t pc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fault(Sim *s, const Core *c, uint32_t pc, const char *fmt, ...) {
  if (L->faulted) return;
  L->faulted = true;
  L->fault_core = (int)(c - s->cores);
  char txt[96], what[320];
  if (pc < c->ninsn) {
    isa_format(txt, sizeof txt, c->code[pc]);
    /* the mnemonic is padded to a column; one space reads better here */
    char *w = txt;
    for (char *r = txt; *r; r++)
      if (!(*r == ' ' && r > txt && r[-1] == ' ')) *w++ = *r;
    *w = 0;
  } else {
    snprintf(txt, sizeof txt, "(past the end)");
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(L->fault, sizeof L->fault, "run-time fault at core (%d,%d) pc %u: %s: %s", c->x, c->y, pc, txt, what);
}

/* The router FIFO and the ramp input queue of color k at core c (empty and
 * never pushed for a color the core has no route for). */
#define FIFO(c, k) (&(c)->q[(c)->slot[k]].fifo)
#define INQ(c, k) (&(c)->q[(c)->slot[k]].inq)

static Core *core_at(Sim *s, int x, int y) {
  if (x < (int)s->img->rx || y < (int)s->img->ry || x >= (int)(s->img->rx + s->img->rw) ||
      y >= (int)(s->img->ry + s->img->rh))
    return NULL;
  int i = s->grid[(size_t)(y - (int)s->img->ry) * s->img->rw + (size_t)(x - (int)s->img->rx)];
  return i < 0 ? NULL : &s->cores[i];
}

static void neighbour(int x, int y, int port, int *nx, int *ny) {
  *nx = x + (port == PORT_E) - (port == PORT_W);
  *ny = y + (port == PORT_S) - (port == PORT_N);
}
static int opposite(int p) {
  static const int o[PORT__COUNT] = {PORT_R, PORT_S, PORT_W, PORT_N, PORT_E};
  return o[p];
}

static bool fifo_push(Sim *s, Fifo *f, uint32_t v) {
  if (f->count >= s->depth) return false;
  int i = f->head + f->count;
  if (i >= s->depth) i -= s->depth;
  f->val[i] = v;
  f->stamp[i] = s->cycle;
  if (!f->count) f->head_stamp = s->cycle;
  f->count++;
  return true;
}
static uint32_t fifo_pop(Sim *s, Fifo *f) {
  uint32_t v = f->val[f->head];
  f->head = (uint8_t)(f->head + 1 == s->depth ? 0 : f->head + 1);
  f->count--;
  f->sent = 0;
  if (f->count) f->head_stamp = f->stamp[f->head];
  return v;
}

/* Make [0, end) of c's SRAM addressable, for a computed address past what
 * the image uses (the caller checked end <= sram_bytes): the whole SRAM at
 * once; the new part reads as zero, as fresh SRAM does. */
static void sram_grow(Core *c, uint64_t end, uint32_t sram_bytes) {
  if (end <= c->sram_n) return;
  c->sram = xrealloc(c->sram, sram_bytes);
  memset(c->sram + c->sram_n, 0, sram_bytes - c->sram_n);
  c->sram_n = sram_bytes;
}

static size_t piece_bytes(const WIo *io, const WPiece *pc) {
  size_t n = (size_t)wdt_size(io->dtype);
  for (int k = 0; k < WIMG_MAXRANK; k++) n *= pc->n[k];
  return n;
}

/* The bytes of SRAM the image uses on each core: its memory DSRs, its
 * initialised bytes and its I/O pieces (code is decoded apart and never
 * read from SRAM). */
static uint64_t *sram_need(const WImage *img) {
  uint64_t *need = xcalloc((size_t)img->ncore + 1, sizeof(uint64_t));
  for (uint32_t i = 0; i < img->ncore; i++) {
    const WCore *w = &img->cores[i];
    need[i] = 64;
    for (uint32_t d = 0; d < w->ndsr; d++) {
      int64_t lo, hi;
      if (w->dsr[d].kind == DSR_MEM && dsr_extent(&w->dsr[d], &lo, &hi) == 0 && (uint64_t)hi > need[i]) need[i] = (uint64_t)hi;
    }
    for (uint32_t k = 0; k < w->ninit; k++)
      if ((uint64_t)w->init[k].addr + w->init[k].len > need[i]) need[i] = (uint64_t)w->init[k].addr + w->init[k].len;
  }
  for (uint32_t i = 0; i < img->nio; i++)
    for (uint32_t p = 0; p < img->io[i].npiece; p++) {
      const WPiece *pc = &img->io[i].piece[p];
      int32_t lo = wimg_find_core(img, pc->x, pc->y); /* wimg_read: a piece lies on a core with a program */
      if (lo < 0) continue;
      uint64_t end = pc->addr + (uint64_t)piece_bytes(&img->io[i], pc);
      if (end > need[lo]) need[lo] = end;
    }
  for (uint32_t i = 0; i < img->ncore; i++) {
    need[i] = (need[i] + 63) & ~(uint64_t)63;
    if (need[i] > img->tgt.sram_bytes) need[i] = img->tgt.sram_bytes;
  }
  return need;
}

/* The bytes of core c's queue block: a RouteQ per routed color and one
 * empty, then stamps and values for each router FIFO and ramp queue. */
static size_t queue_bytes(const Sim *s, const Core *c) {
  size_t nq = 0, nbuf = 0;
  for (int k = 0; k < s->ncolors; k++)
    if (c->route_in[k] >= 0) nq++, nbuf += 1 + !!(c->route_out[k] & (1u << PORT_R));
  return sizeof(struct RouteQ) * (nq + 1) + nbuf * (size_t)s->depth * (sizeof(uint64_t) + sizeof(uint32_t));
}

/* f16 loads go through a table of all 2^16 f16_to_f32 results (256 KB,
 * filled once): one load instead of a dozen instructions and a branch, in
 * the interpreter's hottest loops. */
static float f16_tab[65536];
static pthread_once_t f16_tab_once = PTHREAD_ONCE_INIT;
static void f16_tab_fill(void) {
  for (uint32_t h = 0; h < 65536; h++) f16_tab[h] = f16_to_f32((uint16_t)h);
}

/* The core's SRAM init records (its code constants, params, words). */
static void sram_load(const WImage *img, Core *c) {
  for (uint32_t k = 0; k < c->w->ninit; k++) memcpy(c->sram + c->w->init[k].addr, img->data + c->w->init[k].off, c->w->init[k].len);
}

/* The tasks as the image starts them: the main task activated, data
 * tasks armed on their colors. */
static void tasks_init(Core *c) {
  const WCore *w = c->w;
  c->armed = 0;
  c->nacts = 0;
  for (uint32_t t = 0; t < w->ntask; t++) {
    c->task[t] = (Task){w->task[t].kind, w->task[t].color, w->task[t].pc, w->task[t].kind == TASK_DATA,
                        w->task[t].kind == TASK_MAIN ? 1u : 0u};
    if (w->task[t].kind == TASK_DATA) c->armed |= 1u << w->task[t].color;
    if (w->task[t].kind == TASK_MAIN) c->nacts++;
  }
}

Sim *sim_new(const WImage *img, char *err, size_t errlen) {
  pthread_once(&f16_tab_once, f16_tab_fill);
  Sim *s = xcalloc(1, sizeof *s);
  s->nthreads = 1;
  s->par_min = SIM_THREADS_MIN_AWAKE;
  s->img = img;
  s->depth = (int)img->tgt.queue_depth;
  s->ncolors = (int)img->tgt.colors;
  s->ncore = (int)img->ncore;
  s->cores = xcalloc((size_t)s->ncore + 1, sizeof(Core));
  s->grid = xmalloc(sizeof(int) * ((size_t)img->rw * img->rh + 1));
  for (size_t i = 0; i < (size_t)img->rw * img->rh; i++) s->grid[i] = -1;
  s->progs = xcalloc(img->nprog + 1, sizeof(Insn *));
  s->prog_cores = xcalloc((size_t)s->ncore + 1, sizeof(int));
  s->busy_routers = xcalloc((size_t)(s->ncore + 63) / 64 + 1, sizeof(uint64_t));
  s->busy_cores = xcalloc((size_t)(s->ncore + 63) / 64 + 1, sizeof(uint64_t));
  for (uint32_t p = 0; p < img->nprog; p++) {
    s->progs[p] = xmalloc(sizeof(Insn) * (img->progs[p].ninsn + 1));
    for (uint32_t i = 0; i < img->progs[p].ninsn; i++) s->progs[p][i] = isa_decode(img->progs[p].insn[i]);
  }
  uint64_t *need = sram_need(img);
  for (int i = 0; i < s->ncore; i++) {
    const WCore *w = &img->cores[i];
    Core *c = &s->cores[i];
    c->x = w->x;
    c->y = w->y;
    c->w = w;
    s->grid[(size_t)(w->y - img->ry) * img->rw + (size_t)(w->x - img->rx)] = i;
    c->running = -1;
    c->has_prog = w->prog != WIMG_NO_PROG;
    if (c->has_prog) {
      s->prog_cores[s->nprog_cores++] = i;
      s->busy_cores[i >> 6] |= 1ull << (i & 63);
    }
    /* SRAM as far as the image uses it, so a core that uses 1 KB costs
     * 1 KB; a router-only core has none */
    if (c->has_prog) {
      c->sram_n = (uint32_t)need[i];
      c->sram = xcalloc(c->sram_n, 1);
    }
    if (c->has_prog) {
      c->code = s->progs[w->prog];
      c->ninsn = img->progs[w->prog].ninsn;
    }
    c->dsr = w->dsr; /* the image's table until a DINC writes it (dsr_own) */
    c->ntask = (int)w->ntask;
    c->task = xcalloc(w->ntask + 1, sizeof(Task));
    tasks_init(c);
    for (int k = 0; k < MAXC; k++) c->route_in[k] = -1;
    for (uint32_t r = 0; r < w->nroute; r++) {
      c->route_in[w->route[r].color] = (int8_t)w->route[r].in_port;
      c->route_out[w->route[r].color] = w->route[r].out_mask;
    }
    /* queues only where a route exists, in one block: the RouteQ pairs
     * (one more, empty, for the colors without a route), then each
     * queue's stamps and values */
    int nq = 0, nbuf = 0;
    for (int k = 0; k < s->ncolors; k++)
      if (c->route_in[k] >= 0) nq++, nbuf += 1 + !!(c->route_out[k] & (1u << PORT_R));
    size_t qbytes = sizeof(struct RouteQ) * (size_t)(nq + 1);
    uint8_t *blk = xcalloc(1, queue_bytes(s, c));
    c->q = (struct RouteQ *)blk;
    uint64_t *stamps = (uint64_t *)(blk + qbytes);
    uint32_t *vals = (uint32_t *)(stamps + (size_t)nbuf * (size_t)s->depth);
    memset(c->slot, nq, sizeof c->slot);
    nq = 0;
    for (int k = 0; k < s->ncolors; k++) {
      if (c->route_in[k] < 0) continue;
      c->slot[k] = (uint8_t)nq;
      Fifo *f[2] = {&c->q[nq].fifo, c->route_out[k] & (1u << PORT_R) ? &c->q[nq].inq : NULL};
      for (int j = 0; j < 2; j++)
        if (f[j]) {
          f[j]->stamp = stamps;
          f[j]->val = vals;
          stamps += s->depth;
          vals += s->depth;
        }
      nq++;
    }
    if (w->ninit && !c->has_prog) {
      snprintf(err, errlen, "core (%d,%d) has SRAM init records but no program", c->x, c->y);
      free(need);
      sim_free(s);
      return NULL;
    }
    sram_load(img, c);
  }
  free(need);
  for (int i = 0; i < s->ncore; i++) {
    Core *c = &s->cores[i];
    for (int p = 1; p < PORT__COUNT; p++) {
      int nx, ny;
      neighbour(c->x, c->y, p, &nx, &ny);
      Core *n = core_at(s, nx, ny);
      c->nb[p] = n ? (int32_t)(n - s->cores) : -1;
    }
    for (int k = 0; k < s->ncolors; k++)
      if (c->route_in[k] >= 0)
        for (int p = 0; p < PORT__COUNT; p++)
          if (c->route_out[k] & (1u << p)) c->portmask[p] |= 1u << k;
  }
  /* The routing table must be consistent: every output port leads to a
   * router of the region that expects this color from that direction. */
  for (int i = 0; i < s->ncore; i++) {
    Core *c = &s->cores[i];
    for (int k = 0; k < s->ncolors; k++) {
      if (c->route_in[k] < 0) continue;
      for (int p = 1; p < PORT__COUNT; p++) {
        if (!(c->route_out[k] & (1 << p))) continue;
        int nx, ny;
        neighbour(c->x, c->y, p, &nx, &ny);
        Core *n = core_at(s, nx, ny);
        if (!n || n->route_in[k] != opposite(p)) {
          snprintf(err, errlen, "routing table: core (%d,%d) color %d sends %c to (%d,%d), which has no route for color %d from %c",
                   c->x, c->y, k, isa_port_names[p], nx, ny, k, isa_port_names[opposite(p)]);
          sim_free(s);
          return NULL;
        }
      }
      if (c->route_in[k] != PORT_R && !(c->route_in[k] == PORT_N && c->y == 0)) { /* north edge: MemoryX's ingress */
        int nx, ny;
        neighbour(c->x, c->y, c->route_in[k], &nx, &ny);
        Core *n = core_at(s, nx, ny);
        if (!n || n->route_in[k] < 0 || !(n->route_out[k] & (1 << opposite(c->route_in[k])))) {
          snprintf(err, errlen, "routing table: core (%d,%d) color %d expects wavelets from %c but (%d,%d) sends none",
                   c->x, c->y, k, isa_port_names[c->route_in[k]], nx, ny);
          sim_free(s);
          return NULL;
        }
      }
    }
  }
  s->engine = sim_jit_available() ? SIM_ENGINE_JIT : SIM_ENGINE_INTERP;
  s->jit_threshold = SIM_JIT_THRESHOLD;
  return s;
}

void sim_free(Sim *s) {
  if (!s) return;
  if (s->iop)
    for (int i = 0; i < s->ncore; i++)
      for (int k = 0; k < s->cores[i].nio; k++) free(s->iop[s->cores[i].io0 + k].first);
  free(s->iop);
  for (int i = 0; i < s->ncore; i++) {
    Core *c = &s->cores[i];
    free(c->sram);
    if (c->dsr_own) free(c->dsr);
    free(c->task);
    free(c->ut);
    free(c->q);
  }
  for (uint32_t p = 0; p < s->img->nprog; p++) free(s->progs[p]);
  free(s->progs);
  free(s->prog_cores);
  free(s->busy_routers);
  free(s->busy_cores);
  free(s->wake);
  free(s->cores);
  free(s->grid);
  free(s->mxs);
  free(s->mxch);
  if (s->indata)
    for (uint32_t i = 0; i < s->img->nio; i++) free(s->indata[i]);
  free(s->indata);
  free(s->round_left);
  free(s->round);
  sim_jit_free(s->jit);
  free(s);
}

int sim_ingress_ports(const Sim *s) {
  int n = 0;
  for (int i = 0; i < s->ncore; i++)
    if (s->cores[i].y == 0)
      for (int k = 0; k < s->ncolors; k++) n += s->cores[i].route_in[k] == PORT_N;
  return n;
}

int sim_set_memoryx(Sim *s, const Wmx *mx, char *err, size_t errlen) {
  if (mx->edge_width != s->img->tgt.grid_w) {
    snprintf(err, errlen, "the weight store's north edge is %u columns wide, the image's grid %u", mx->edge_width,
             s->img->tgt.grid_w);
    return -1;
  }
  free(s->mxs);
  free(s->mxch);
  s->mxs = xcalloc((size_t)mx->nstream + 1, sizeof *s->mxs);
  s->mxch = xcalloc((size_t)mx->channels + 1, sizeof *s->mxch);
  s->nmxs = (int)mx->nstream;
  s->nmxch = (int)mx->channels;
  s->mx_rate = mx->rate_milli;
  s->st.mx_dense = 0;
  int fed = 0, ch = 0;
  for (uint32_t i = 0; i < mx->nstream; i++) {
    const WmxStream *w = &mx->stream[i];
    Core *c = core_at(s, w->x, w->y);
    if (!c || w->color >= s->ncolors || c->route_in[w->color] != PORT_N) {
      snprintf(err, errlen, "stream %u enters at (%u,%u) on color %u, which is not an ingress port of the image", i, w->x, w->y,
               w->color);
      return -1;
    }
    s->mxs[i] = (struct MxStream){(int)(c - s->cores), w->color, w->wave, w->nwave, 0};
    s->st.mx_dense += w->ndense;
    int k = (int)((uint64_t)w->x * mx->channels / mx->edge_width);
    while (ch <= k) s->mxch[ch++].first = (int)i;
    fed++;
  }
  while (ch <= (int)mx->channels) s->mxch[ch++].first = (int)mx->nstream;
  int ports = sim_ingress_ports(s);
  if (fed != ports) {
    snprintf(err, errlen, "the image has %d ingress ports and the weight store feeds %d of them", ports, fed);
    return -1;
  }
  return 0;
}

/* MemoryX's link, before the routers move: each channel gains rate/1000
 * wavelets of credit a cycle (never banking more than one cycle's worth and
 * a fraction) and sends, round-robin over its streams, one wavelet per
 * stream into the ingress router's FIFO while it has credit and the FIFO
 * has room. */
static bool memoryx_phase(Sim *s) {
  bool act = false, saturated = false;
  for (int k = 0; k < s->nmxch; k++) {
    struct MxChan *ch = &s->mxch[k];
    int first = ch->first, n = s->mxch[k + 1].first - first;
    if (!n) continue;
    ch->credit += s->mx_rate;
    if (ch->credit > s->mx_rate + 999) ch->credit = s->mx_rate + 999;
    for (int tried = 0; tried < n; tried++) {
      struct MxStream *m = &s->mxs[first + (ch->rr + tried) % n];
      if (m->pos == m->n) continue;
      Core *c = &s->cores[m->core];
      Fifo *f = FIFO(c, m->color);
      if (f->count >= s->depth) continue;
      if (ch->credit < 1000) {
        saturated = true;
        break;
      }
      uint32_t v = m->wave[m->pos++];
      fifo_push(s, f, v);
      ch->credit -= 1000;
      c->nonempty |= 1u << m->color;
      s->busy_routers[m->core >> 6] |= 1ull << (m->core & 63);
      s->inflight++;
      s->st.mx_wavelets++;
      s->st.mx_nonzero += !(v >> 31);
      act = true;
    }
    ch->rr = (ch->rr + 1) % n;
  }
  s->st.mx_saturated += saturated;
  return act || saturated; /* waiting for credit is not the end of the run */
}

bool sim_set_engine(Sim *s, SimEngine e) {
  if (e == SIM_ENGINE_JIT && !sim_jit_available()) return false;
  s->engine = e;
  return true;
}

void sim_set_jit_threshold(Sim *s, uint64_t elements) {
  s->jit_threshold = elements;
  if (s->jit) sim_jit_set_threshold(s->jit, elements);
}

void sim_print_engine_stats(const Sim *s, FILE *f) {
  SimJitStats st = {0};
  if (s->jit) sim_jit_stats(s->jit, &st);
  fprintf(f,
          "engine %s: %llu kernels compiled (%llu small ones unoptimised) in %.3f s; bulk instructions: %llu run by kernels "
          "(%llu elements), %llu by the interpreter (%llu of shapes below the threshold or being compiled, %llu of shapes no kernel runs)\n",
          s->engine == SIM_ENGINE_JIT ? "jit" : "interp", (unsigned long long)st.kernels, (unsigned long long)st.quick,
          st.compile_s, (unsigned long long)st.runs, (unsigned long long)st.elements, (unsigned long long)atomic_load(&s->bulk_interp),
          (unsigned long long)st.cold, (unsigned long long)st.declined);
}

/* 16-bit element types <-> f32 (f16 loads: f16_tab) */
static inline float h2f(int dt, uint16_t h) { return dt == WDT_BF16 ? bf16_to_f32(h) : f16_tab[h]; }
static inline uint16_t f2h(int dt, float f) { return dt == WDT_BF16 ? f32_to_bf16(f) : f32_to_f16(f); }

/* ---- host I/O ---- */

/* Copy one I/O piece between the whole tensor `data` (C order) and its
 * core's SRAM (write: into SRAM). */
static void piece_copy(Sim *s, const WIo *io, const WPiece *pc, float *data, bool write) {
  int es = wdt_size(io->dtype);
  Core *c = core_at(s, pc->x, pc->y);
  uint8_t *m = c->sram + pc->addr;
  WPieceWalk w;
  for (wpiece_begin(&w, io, pc); w.left; wpiece_next(&w), m += es) {
    uint64_t g = w.g;
    if (write) {
      if (es == 2) {
        uint16_t h = f2h(io->dtype, data[g]);
        memcpy(m, &h, 2);
      } else memcpy(m, &data[g], 4);
    } else {
      if (es == 2) {
        uint16_t h;
        memcpy(&h, m, 2);
        data[g] = h2f(io->dtype, h);
      } else memcpy(&data[g], m, 4);
    }
  }
}
void sim_write_input(Sim *s, const WIo *io, const float *data) {
  for (uint32_t p = 0; p < io->npiece; p++) piece_copy(s, io, &io->piece[p], (float *)data, true);
  if (s->indata) { /* --repeat writes it again before every run */
    size_t i = (size_t)(io - s->img->io);
    free(s->indata[i]);
    s->indata[i] = xmalloc(sizeof(float) * wimg_io_count(io) + 1);
    memcpy(s->indata[i], data, sizeof(float) * wimg_io_count(io));
  }
}
void sim_read_output(Sim *s, const WIo *io, float *data) {
  for (uint32_t p = 0; p < io->npiece; p++) piece_copy(s, io, &io->piece[p], data, false);
}

/* ---- --repeat ----
 *
 * sim_set_repeat(s, n) makes every core run its program n times: a core
 * whose program has finished (nothing running, pending or armed) starts it
 * again as the image starts it, on the next input set,
 * while the cores after it in the pipeline are still on the previous ones.
 * Wavelets of one color arrive in order and each run of a program takes
 * exactly its own, so the runs of a pipeline overlap and stay apart. Every
 * run gets the same inputs, so every run's outputs must be the same as the
 * first's: a core whose output pieces differ faults the run (a mapping
 * whose runs interfere). An image fed by MemoryX is refused by wsesim: its
 * weight streams run once. */
void sim_set_repeat(Sim *s, uint32_t n) {
  if (n < 1 || s->repeat) die("sim_set_repeat: n %u, after %u", n, s->repeat);
  s->repeat = n;
  if (n == 1) return;
  const WImage *img = s->img;
  s->indata = xcalloc(img->nio + 1, sizeof(float *));
  size_t total = 0;
  for (uint32_t i = 0; i < img->nio; i++)
    for (uint32_t p = 0; p < img->io[i].npiece; p++) {
      core_at(s, img->io[i].piece[p].x, img->io[i].piece[p].y)->nio++;
      total++;
    }
  s->iop = xcalloc(total + 1, sizeof *s->iop);
  int32_t at = 0;
  for (int c = 0; c < s->ncore; c++) {
    s->cores[c].io0 = at;
    at += s->cores[c].nio;
    s->cores[c].nio = 0;
  }
  for (uint32_t i = 0; i < img->nio; i++)
    for (uint32_t p = 0; p < img->io[i].npiece; p++) {
      Core *c = core_at(s, img->io[i].piece[p].x, img->io[i].piece[p].y);
      s->iop[c->io0 + c->nio++] = (struct IoPiece){i, p, NULL};
    }
  s->round_left = xcalloc(n, sizeof(atomic_int));
  for (uint32_t r = 0; r < n; r++) atomic_init(&s->round_left[r], s->nprog_cores);
  s->round = xcalloc(n, sizeof(SimRound));
}

const SimRound *sim_rounds(const Sim *s, uint32_t *n) {
  *n = s->repeat > 1 ? s->round_next : 0;
  return s->round;
}

/* Its program has finished a run: nothing running or pending, no task
 * armed. (Wavelets may wait in its queues: the next run's, sent by cores
 * already on it.) */
static bool core_finished(const Core *c) {
  if (c->running >= 0 || c->sync.active || c->nut || c->nacts || c->armed) return false;
  for (int t = 0; t < c->ntask; t++)
    if (c->task[t].act || c->task[t].armed) return false;
  return true;
}
/* --repeat: called for a core about to leave the awake set. If its program
 * has finished a run, counts it and checks its outputs; then, before the
 * last run, starts the program again. Returns true when it did. */
static bool core_again(Sim *s, Core *c) {
  if (s->repeat <= 1 || c->rounds >= s->repeat || !core_finished(c)) return false;
  uint32_t r = c->rounds++;
  for (int k = 0; k < c->nio; k++) {
    struct IoPiece *ip = &s->iop[c->io0 + k];
    const WIo *io = &s->img->io[ip->io];
    if (io->dir != WIO_OUT) continue;
    const WPiece *pc = &io->piece[ip->piece];
    size_t bytes = piece_bytes(io, pc);
    if (r == 0) {
      ip->first = xmalloc(bytes + 1);
      memcpy(ip->first, c->sram + pc->addr, bytes);
    } else if (memcmp(ip->first, c->sram + pc->addr, bytes) != 0) {
      if (!L->faulted) {
        L->faulted = true;
        L->fault_core = (int)(c - s->cores);
        snprintf(L->fault, sizeof L->fault,
                 "--repeat: run %u of core (%d,%d) gave output '%s' other values than run 1 (the same inputs): the "
                 "runs of this pipeline interfere",
                 r + 1, c->x, c->y, io->name);
      }
      return false;
    }
  }
  atomic_fetch_sub_explicit(&s->round_left[r], 1, memory_order_relaxed);
  if (c->rounds == s->repeat) return false;
  memset(c->sram, 0, c->sram_n);
  const WCore *w = c->w;
  sram_load(s->img, c);
  for (int k = 0; k < c->nio; k++) {
    const struct IoPiece *ip = &s->iop[c->io0 + k];
    const WIo *io = &s->img->io[ip->io];
    if (io->dir == WIO_IN && s->indata[ip->io]) piece_copy(s, io, &io->piece[ip->piece], s->indata[ip->io], true);
  }
  memset(c->reg, 0, sizeof c->reg);
  c->pc = 0;
  c->running = -1;
  if (c->dsr_own) {
    free(c->dsr);
    c->dsr = (Dsr *)w->dsr;
    c->dsr_own = false;
  }
  tasks_init(c);
  return true;
}

/* --repeat: the rounds every core has now finished, with the counters then. */
static void rounds_note(Sim *s) {
  while (s->round_next < s->repeat &&
         atomic_load_explicit(&s->round_left[s->round_next], memory_order_relaxed) == 0) {
    SimRound *rd = &s->round[s->round_next++];
    rd->cycle = s->cycle;
    for (int k = 0; k < s->nprog_cores; k++) {
      rd->busy += s->cores[s->prog_cores[k]].busy;
      rd->fmac += s->cores[s->prog_cores[k]].fmac;
    }
  }
}

/* ---- traces ----
 *
 * Chrome-trace JSON (the format Perfetto and chrome://tracing open): one
 * process per core ("core (x,y)"), thread 0 its pipeline (task spans, and
 * the synchronous tensor instructions nested in them), thread 1+u its
 * microthread u (asynchronous tensor instructions). Time is in cycles,
 * written as the format's microseconds. Counters (process "wafer"):
 * wavelets in router FIFOs and cores that did something, written when they
 * change. Only spans of cores in the region that overlap the cycle window
 * are written. */

static void trace_ev(Sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace_ev(Sim *s, const char *fmt, ...) {
  (void)s;
  for (;;) {
    size_t room = L->tcap - L->tlen;
    va_list ap;
    va_start(ap, fmt);
    int n = room > 2 ? vsnprintf(L->tbuf + L->tlen + 2, room - 2, fmt, ap) : -1;
    va_end(ap);
    if (n >= 0 && (size_t)n + 2 < room) {
      memcpy(L->tbuf + L->tlen, ",\n", 2);
      L->tlen += (size_t)n + 2;
      return;
    }
    L->tcap = L->tcap ? 2 * L->tcap + (size_t)(n > 0 ? n : 0) : 4096;
    L->tbuf = xrealloc(L->tbuf, L->tcap);
  }
}
/* The lanes' trace events of this cycle, in band order. */
static void trace_flush(Sim *s) {
  for (int k = 0; k < s->nthreads; k++) {
    if (s->lanes[k].tlen) fwrite(s->lanes[k].tbuf, 1, s->lanes[k].tlen, s->trace);
    s->lanes[k].tlen = 0;
  }
}

static bool trace_wants(const Sim *s, const Core *c, uint64_t from, uint64_t to) {
  return c->x >= s->tx0 && c->x < s->tx1 && c->y >= s->ty0 && c->y < s->ty1 && to >= s->tc0 && from <= s->tc1;
}

static void trace_meta(Sim *s, Core *c) {
  if (c->traced) return;
  c->traced = true;
  int pid = (int)(c - s->cores) + 1;
  trace_ev(s, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,\"tid\":0,\"args\":{\"name\":\"core (%d,%d)\"}}", pid, c->x, c->y);
  trace_ev(s, "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,\"tid\":0,\"args\":{\"sort_index\":%d}}", pid, pid);
  trace_ev(s, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,\"tid\":0,\"args\":{\"name\":\"pipeline\"}}", pid);
  for (uint32_t u = 0; u < s->img->tgt.microthreads; u++)
    trace_ev(s, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,\"tid\":%u,\"args\":{\"name\":\"microthread %u\"}}", pid, u + 1, u);
}

/* A span [from, to] (cycles, both included) on core c's thread tid. */
static void trace_span(Sim *s, Core *c, int tid, const char *name, const char *cat, uint64_t from, uint64_t to, const char *args) {
  if (!trace_wants(s, c, from, to)) return;
  trace_meta(s, c);
  trace_ev(s, "{\"ph\":\"X\",\"name\":\"%s\",\"cat\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":%llu,\"dur\":%llu,\"args\":{%s}}", name, cat,
           (int)(c - s->cores) + 1, tid, (unsigned long long)from, (unsigned long long)(to - from + 1), args);
}

static void trace_top(Sim *s, Core *c, const TOp *t) {
  char args[160], dsr[96];
  int tid = t == &c->sync ? 0 : 1 + (int)(t - c->ut);
  if (!trace_wants(s, c, t->start, s->cycle)) return;
  dsr_format(dsr, sizeof dsr, &t->dst.d);
  snprintf(args, sizeof args, "\"pc\":%u,\"elements\":%llu,\"dst\":\"%s\"", t->pc, (unsigned long long)t->count, dsr);
  trace_span(s, c, tid, isa_ops[t->op].name, t->fabric ? "tensor, fabric" : "tensor", t->start, s->cycle, args);
}

static void trace_counters(Sim *s, uint64_t active) {
  if (s->cycle < s->tc0 || s->cycle > s->tc1) return;
  if (s->inflight != s->last_inflight || active != s->last_active || s->cycle == s->tc0) {
    trace_ev(s, "{\"ph\":\"C\",\"name\":\"fabric\",\"pid\":0,\"ts\":%llu,\"args\":{\"wavelets in FIFOs\":%llu,\"active cores\":%llu}}",
             (unsigned long long)s->cycle, (unsigned long long)s->inflight, (unsigned long long)active);
    s->last_inflight = s->inflight;
    s->last_active = active;
  }
}

int sim_set_trace(Sim *s, FILE *f, int x, int y, int w, int h, uint64_t from, uint64_t to) {
  s->trace = f;
  s->tx0 = x;
  s->ty0 = y;
  s->tx1 = w > 0 ? x + w : INT32_MAX;
  s->ty1 = h > 0 ? y + h : INT32_MAX;
  s->tc0 = from;
  s->tc1 = to;
  /* the first event here, so every later one starts with a comma */
  fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"time\":\"1 us on the time axis = 1 cycle\",\"clock_mhz\":%u},\"traceEvents\":[\n"
          "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":0,\"tid\":0,\"args\":{\"name\":\"wafer\"}}",
          s->img->tgt.clock_mhz);
  return 0;
}

/* A finished tensor instruction: free its slot (and trace it). */
static void top_end(Sim *s, Core *c, TOp *t) {
  t->active = false;
  if (s->trace) trace_top(s, c, t);
}

/* ---- tensor walks ---- */

static void walk_init(Walk *w, const Dsr *d) {
  w->d = *d;
  memset(w->idx, 0, sizeof w->idx);
  w->off = 0;
}
static void walk_next(Walk *w) {
  for (int k = w->d.ndim - 1; k >= 0; k--) {
    w->off += w->d.stride[k];
    if (++w->idx[k] < w->d.dim[k]) return;
    w->off -= (int64_t)w->d.stride[k] * w->d.dim[k];
    w->idx[k] = 0;
  }
}
static inline float ld(const Core *c, const Walk *w) {
  const uint8_t *p = c->sram + w->d.addr;
  if (w->d.dtype != WDT_F32) {
    uint16_t h;
    memcpy(&h, p + 2 * w->off, 2);
    return h2f(w->d.dtype, h);
  }
  float f;
  memcpy(&f, p + 4 * w->off, 4);
  return f;
}
static inline void stv(Core *c, const Walk *w, float v) {
  uint8_t *p = c->sram + w->d.addr;
  if (w->d.dtype != WDT_F32) {
    uint16_t h = f2h(w->d.dtype, v);
    memcpy(p + 2 * w->off, &h, 2);
  } else memcpy(p + 4 * w->off, &v, 4);
}
static inline float from_wave(uint32_t v, int dt) {
  if (dt != WDT_F32) return h2f(dt, (uint16_t)v);
  float f;
  memcpy(&f, &v, 4);
  return f;
}
static inline uint32_t to_wave(float f, int dt) {
  if (dt != WDT_F32) return f2h(dt, f);
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static void top_init(Sim *s, TOp *t, const Core *c, Insn in, uint32_t pc) {
  memset(t, 0, sizeof *t);
  t->after = -1;
  t->active = true;
  t->op = in.op;
  t->imm = in.imm;
  t->flags = isa_has_flags(in.op) ? in.imm : 0;
  t->pc = pc;
  t->start = s->cycle;
  walk_init(&t->dst, &c->dsr[in.a]);
  const char *fmt = isa_ops[in.op].fmt;
  if (fmt[1] == 'd') walk_init(&t->src[t->nsrc++], &c->dsr[in.b]);
  if (fmt[2] == 'd') walk_init(&t->src[t->nsrc++], &c->dsr[in.c]);
  t->count = dsr_count(&t->dst.d);
  bool f16 = true;
  const Walk *all[3] = {&t->dst, &t->src[0], &t->src[1]};
  for (int i = 0; i < 1 + t->nsrc; i++) {
    if (all[i]->d.kind != DSR_MEM) t->fabric = true;
    /* 16-bit types take the f16 lanes. FMAC's accumulator (its
     * destination) stays beside the datapath like WAXPY's (TARGET.md: the
     * software-managed cache), so an f32 accumulator of f16 products
     * runs at the f16 rate: the lanes follow what is multiplied. */
    else if (all[i]->d.dtype == WDT_F32 && !(in.op == OP_FMAC && i == 0)) f16 = false;
  }
  t->lanes = t->fabric ? 1 : (int)(f16 ? s->img->tgt.simd_f16 : s->img->tgt.simd_f32);
  if (in.op == OP_WAXPY) {
    /* the f32 accumulator stays beside the datapath (TARGET.md: the
     * software-managed cache), so the lanes follow the table's dtype */
    Dsr *tab = &t->src[1].d;
    t->lanes = (int)(tab->dtype != WDT_F32 ? s->img->tgt.simd_f16 : s->img->tgt.simd_f32);
    t->wk_dim = tab->dim[0];
    t->wk_stride = tab->stride[0];
    t->wmax = t->src[0].d.dim[0];
    t->wtab_addr = tab->addr;
    for (int k = 1; k < tab->ndim; k++) {
      tab->dim[k - 1] = tab->dim[k];
      tab->stride[k - 1] = tab->stride[k];
    }
    tab->ndim--; /* wimg_read: the table has 2 to 4 dims */
    tab->dim[tab->ndim] = 0;
    tab->stride[tab->ndim] = 0;
    t->wlen = t->count;
    t->count = UINT64_MAX; /* until the command wavelet */
    t->wpop = UINT64_MAX;
    t->winit_pending = (in.imm & ISA_INIT) != 0;
    /* synchronous: nothing else touches its bytes until it ends (it
     * issued only once waxpy_hazard found no microthread on them, and the
     * pipeline issues nothing while it runs) */
    t->weager = !(in.imm & ISA_ASYNC);
  }
}

/* WAXPY: one cycle of the weight stream. A wavelet is popped in a cycle
 * with no weight in hand (at most one a cycle); a data wavelet's AXPY then
 * takes ceil(elements / lanes) cycles; a command wavelet ends the
 * instruction (after zeroing da if the flag init is set and no weight came:
 * a row of zeros, ceil(elements / lanes) cycles). With weager (a
 * synchronous WAXPY no microthread's memory overlaps) the AXPY is done in
 * full when its weight is popped and the cycles are then only counted:
 * nothing else can read or write those bytes meanwhile, so the memory,
 * cycles and counts are the same. Returns whether anything happened. */
static void waxpy_elems(Sim *s, Core *c, TOp *t, uint64_t n) {
  (void)s;
  bool first = t->winit_pending, zero = t->wzero;
  Walk *d = &t->dst, *x = &t->src[1];
  if (!zero && d->d.dtype == WDT_F32 && d->d.ndim == 1 && d->d.stride[0] == 1 && x->d.ndim == 1 && x->d.dtype != WDT_F32 &&
      d->idx[0] + n <= d->d.dim[0] && x->idx[0] + n <= x->d.dim[0]) {
    /* the common case: an f32 accumulator row, a 16-bit table row */
    float *acc = (float *)(void *)(c->sram + d->d.addr) + d->off;
    const uint8_t *tp = c->sram + x->d.addr;
    int64_t xo = x->off, xs = x->d.stride[0];
    float w = t->wval;
    for (uint64_t i = 0; i < n; i++, xo += xs) {
      uint16_t h;
      memcpy(&h, tp + 2 * xo, 2);
      float p = isa_nan_first(w, w * h2f(x->d.dtype, h)), a = first ? 0.0f : acc[i];
      acc[i] = isa_nan_first(a, a + p);
    }
    d->off += (int64_t)n;
    d->idx[0] += (uint32_t)n;
    x->off = xo;
    x->idx[0] += (uint32_t)n;
  } else {
    for (uint64_t i = 0; i < n; i++) {
      float r = 0.0f;
      if (!zero) {
        float xv = ld(c, x), dv = first ? 0.0f : ld(c, d);
        float p = isa_nan_first(t->wval, t->wval * xv);
        r = isa_nan_first(dv, dv + p);
      }
      stv(c, d, r);
      walk_next(d);
      walk_next(x);
    }
  }
  if (!zero) {
    t->done += n;
    L->st.fmac_elements += n;
    L->st.flops += 2 * n;
    c->fmac += n;
  }
  L->st.elements += n;
}

static int waxpy_step(Sim *s, Core *c, TOp *t) {
  if (!t->wcur) {
    Walk *in = &t->src[0];
    Fifo *q = INQ(c, in->d.color);
    if (t->wpop == s->cycle || !q->count) return 0;
    uint32_t v = fifo_pop(s, q);
    if (!q->count) c->inq_nonempty &= ~(1u << in->d.color);
    t->wpop = s->cycle;
    if (v >> 31) { /* a command: the row is done */
      if (t->whalf) {
        fault(s, c, t->pc, "a command wavelet between the two halves of an f32 weight");
        return 0;
      }
      if (!t->winit_pending) {
        t->count = t->done;
        return 1;
      }
      t->wzero = true; /* init and no weight: the row is zeros */
      t->wend = true;
    } else {
      uint32_t k = (v >> 16) & 0x7fff;
      if (k >= t->wk_dim) {
        fault(s, c, t->pc, "a weight wavelet carries index %u, past the %u rows of the table", k, t->wk_dim);
        return 0;
      }
      if (in->d.dtype == WDT_F32 && !t->whalf) { /* an f32 weight is two wavelets: high half, then low */
        t->whalf = true;
        t->whi = v & 0xffff;
        t->wk = k;
        return 1;
      }
      if (t->wnd >= t->wmax) {
        fault(s, c, t->pc, "more than %u weights before a command wavelet", t->wmax);
        return 0;
      }
      t->wnd++;
      if (in->d.dtype == WDT_F32) {
        if (k != t->wk) {
          fault(s, c, t->pc, "the two halves of an f32 weight carry indices %u and %u", t->wk, k);
          return 0;
        }
        t->whalf = false;
        t->wval = from_wave(t->whi << 16 | (v & 0xffff), WDT_F32);
      } else t->wval = from_wave(v & 0xffff, in->d.dtype);
      walk_init(&t->src[1], &t->src[1].d);
      t->src[1].d.addr = (uint32_t)((int64_t)t->wtab_addr + (int64_t)k * t->wk_stride * wdt_size(t->src[1].d.dtype));
    }
    walk_init(&t->dst, &t->dst.d);
    t->wi = 0;
    t->wcur = true;
    if (t->weager) { /* the whole AXPY now; its cycles are counted below */
      waxpy_elems(s, c, t, t->wlen);
      t->wi = 0;
      t->wdone_eager = true;
    }
  }
  uint64_t n = t->wlen - t->wi < (uint64_t)t->lanes ? t->wlen - t->wi : (uint64_t)t->lanes;
  if (!t->wdone_eager) waxpy_elems(s, c, t, n);
  t->wi += n;
  if (t->wi == t->wlen) {
    t->wcur = false;
    t->wdone_eager = false;
    if (!t->wzero) t->winit_pending = false;
    if (t->wend) t->count = t->done; /* the zeroed row ends the instruction */
  }
  return 1;
}

/* A new microthread u takes its place behind the latest busy one that
 * receives or sends on one of its colors: wavelets of a color go to (and
 * come from) microthreads in issue order. */
static void microthread_order(Core *c, uint32_t u) {
  TOp *t = &c->ut[u];
  t->seq = ++c->useq;
  t->after = -1;
  for (uint32_t v = 0; c->nut && v < c->nut_alloc; v++) {
    const TOp *o = &c->ut[v];
    if (v == u || !o->active) continue;
    bool share = t->dst.d.kind == DSR_FABOUT && o->dst.d.kind == DSR_FABOUT && t->dst.d.color == o->dst.d.color;
    for (int i = 0; i < t->nsrc && !share; i++)
      for (int j = 0; j < o->nsrc && !share; j++)
        share = t->src[i].d.kind == DSR_FABIN && o->src[j].d.kind == DSR_FABIN && t->src[i].d.color == o->src[j].d.color;
    if (share && (t->after < 0 || o->seq > t->after_seq)) {
      t->after = (int)v;
      t->after_seq = o->seq;
    }
  }
}

static bool dsr_overlap(const Dsr *a, const Dsr *b);
static bool waxpy_hazard(const Core *c, Insn in) {
  const Dsr *acc = &c->dsr[in.a], *tab = &c->dsr[in.c];
  for (uint32_t u = 0; u < c->nut_alloc; u++) {
    const TOp *m = &c->ut[u];
    if (!m->active) continue;
    if (m->dst.d.kind == DSR_MEM && (dsr_overlap(acc, &m->dst.d) || dsr_overlap(tab, &m->dst.d))) return true;
    for (int i = 0; i < m->nsrc; i++)
      if (m->src[i].d.kind == DSR_MEM && dsr_overlap(acc, &m->src[i].d)) return true;
  }
  return false;
}

/* Advance a tensor op by up to `lanes` elements. Returns elements done. */
static int top_step(Sim *s, Core *c, TOp *t) {
  if (t->after >= 0) { /* an earlier microthread on one of its colors is still at it */
    const TOp *o = &c->ut[t->after];
    if (o->active && o->seq == t->after_seq) return 0;
    t->after = -1;
  }
  if (t->op == OP_WAXPY) return waxpy_step(s, c, t);
  int n = 0;
  while (n < t->lanes && t->done < t->count) {
    /* availability */
    for (int i = 0; i < t->nsrc; i++)
      if (t->src[i].d.kind == DSR_FABIN) {
        /* two sources on one color pop one wavelet each per element */
        int want = 1 + (i == 1 && t->src[0].d.kind == DSR_FABIN && t->src[0].d.color == t->src[1].d.color);
        if (INQ(c, t->src[i].d.color)->count < want) return n;
      }
    if (t->dst.d.kind == DSR_FABOUT) {
      int col = t->dst.d.color;
      if (c->route_in[col] != PORT_R) { /* wimg_read refuses such images; never push into a missing FIFO */
        fault(s, c, t->pc, "color %d has no route from the ramp at this core's router", col);
        return n;
      }
      if (FIFO(c, col)->count >= s->depth) return n;
    }
    float v[2] = {0, 0};
    for (int i = 0; i < t->nsrc; i++) {
      Walk *w = &t->src[i];
      if (w->d.kind == DSR_FABIN) {
        Fifo *q = INQ(c, w->d.color);
        v[i] = from_wave(fifo_pop(s, q), w->d.dtype);
        if (!q->count) c->inq_nonempty &= ~(1u << w->d.color);
      }
      else v[i] = ld(c, w);
    }
    float r;
    switch (t->op) {
    case OP_FMAC: {
      float p = isa_nan_first(v[0], v[0] * v[1]), d = ld(c, &t->dst);
      r = isa_nan_first(d, d + p);
      L->st.fmac_elements++;
      c->fmac++;
      break;
    }
    case OP_FFILL: {
      uint32_t u = (uint32_t)t->imm;
      memcpy(&r, &u, 4);
      break;
    }
    case OP_FMOV: r = v[0]; break; /* isa_alu's FMOV, without the call: most fabric elements are moves */
    default: r = isa_alu(t->op, v[0], v[1]); break;
    }
    L->st.flops += t->op == OP_FMAC ? 2 : (t->op == OP_FMOV || t->op == OP_FFILL) ? 0 : 1;
    if (t->dst.d.kind == DSR_FABOUT) {
      fifo_push(s, FIFO(c, t->dst.d.color), to_wave(r, t->dst.d.dtype));
      L->inflight++;
      c->nonempty |= 1u << t->dst.d.color;
      or64(&s->busy_routers[(c - s->cores) >> 6], 1ull << ((c - s->cores) & 63));
      L->st.wavelets_sent++;
    } else stv(c, &t->dst, r);
    walk_next(&t->dst);
    for (int i = 0; i < t->nsrc; i++)
      if (t->src[i].d.kind == DSR_MEM) walk_next(&t->src[i]);
    t->done++;
    n++;
  }
  L->st.elements += (uint64_t)n;
  return n;
}

/* ---- bulk execution ----
 *
 * A synchronous tensor instruction whose operands are all in SRAM is run to
 * the end when it issues (bulk_issue), in the same element order as
 * top_step, and the core is woken at the cycle the cost model gives for its
 * last element (ceil(count / lanes) cycles from issue). This is exact - the
 * same memory, cycles and stats as stepping it - when nothing else touches
 * its memory meanwhile. While a synchronous instruction runs the pipeline
 * issues nothing, so the only other actors are the microthreads already
 * busy at issue: bulk_safe refuses the bulk path if one of them writes bytes
 * the instruction reads or touches bytes it writes (byte ranges of the whole
 * DSRs, a superset of what is left to do). */

static bool dsr_overlap(const Dsr *a, const Dsr *b) {
  int64_t al, ah, bl, bh;
  if (dsr_extent(a, &al, &ah) || dsr_extent(b, &bl, &bh)) return true;
  return al < bh && bl < ah;
}

static bool bulk_safe(const Sim *s, const Core *c, const TOp *t) {
  if (t->fabric || !t->count) return false;
  /* and it must end within the run's cycle limit: a run stopped by
   * max_cycles has done only the elements of the cycles it ran (and a DSR
   * walking 2^40 elements over a few bytes with stride 0 is a legal one) */
  uint64_t ncyc = t->count / (uint64_t)t->lanes + (t->count % (uint64_t)t->lanes != 0);
  if (ncyc - 1 > s->max_cycles - s->cycle) return false;
  for (uint32_t u = 0; c->nut && u < c->nut_alloc; u++) {
    const TOp *m = &c->ut[u];
    if (!m->active) continue;
    /* t writes its dst: no microthread may read or write those bytes */
    if (m->dst.d.kind == DSR_MEM && dsr_overlap(&t->dst.d, &m->dst.d)) return false;
    for (int i = 0; i < m->nsrc; i++)
      if (m->src[i].d.kind == DSR_MEM && dsr_overlap(&t->dst.d, &m->src[i].d)) return false;
    /* t reads its sources: no microthread may write them */
    if (m->dst.d.kind == DSR_MEM)
      for (int i = 0; i < t->nsrc; i++)
        if (dsr_overlap(&t->src[i].d, &m->dst.d)) return false;
  }
  return true;
}

/* One operand of a bulk run: its walk, and how far its innermost dimension
 * still goes before the walk wraps. */
static inline float ld_at(const uint8_t *p, int dt, int64_t off) {
  if (dt == WDT_F32) {
    float f;
    memcpy(&f, p + 4 * off, 4);
    return f;
  }
  uint16_t h;
  memcpy(&h, p + 2 * off, 2);
  return h2f(dt, h);
}
static inline void st_at(uint8_t *p, int dt, int64_t off, float v) {
  if (dt == WDT_F32) memcpy(p + 4 * off, &v, 4);
  else {
    uint16_t h = f2h(dt, v);
    memcpy(p + 2 * off, &h, 2);
  }
}
/* Whether a run's f32 accumulator element (dst stride 0) lies apart from
 * every byte its two f16 sources read (else each element must see the
 * stores before it). Offsets in elements from each operand's base. */
static bool fmac_dot_apart(const uint8_t *dp, int64_t d0, const uint8_t *ap, int64_t a0, int64_t as, const uint8_t *bp,
                           int64_t b0, int64_t bs, uint64_t n) {
  const uint8_t *d = dp + 4 * d0;
  const uint8_t *src[2] = {ap + 2 * a0, bp + 2 * b0};
  int64_t st[2] = {as, bs};
  for (int i = 0; i < 2; i++) {
    int64_t span = st[i] * (int64_t)(n - 1) * 2; /* first to last element, in bytes */
    const uint8_t *lo = span < 0 ? src[i] + span : src[i], *hi = (span < 0 ? src[i] : src[i] + span) + 2;
    if (d < hi && lo < d + 4) return false;
  }
  return true;
}
static inline uint64_t walk_run(const Walk *w) {
  return w->d.ndim ? (uint64_t)(w->d.dim[w->d.ndim - 1] - w->idx[w->d.ndim - 1]) : UINT64_MAX;
}
static inline int64_t walk_inner_stride(const Walk *w) { return w->d.ndim ? w->d.stride[w->d.ndim - 1] : 0; }
/* Move a walk n elements along its innermost dimension (n <= walk_run),
 * carrying into the outer ones when it reaches the end. */
static inline void walk_skip(Walk *w, uint64_t n) {
  if (!w->d.ndim) return;
  int k = w->d.ndim - 1;
  if (n < (uint64_t)(w->d.dim[k] - w->idx[k])) {
    w->idx[k] += (uint32_t)n;
    w->off += (int64_t)w->d.stride[k] * (int64_t)n;
    return;
  }
  w->off += (int64_t)w->d.stride[k] * (int64_t)(n - 1);
  w->idx[k] += (uint32_t)(n - 1);
  walk_next(w);
}

/* The element loop of bulk_issue as a JIT kernel (runtime/jit.h); false
 * when the JIT declines it. A JIT that cannot be made leaves the run to the
 * interpreter, after saying why. */
static bool bulk_jit(Sim *s, Core *c, const TOp *t) {
  SimJitOp op = {t->op, t->imm, t->nsrc, t->count, t->dst.d, {t->src[0].d, t->src[1].d}};
  return sim_jit_run(s->jit, &op, c->sram);
}

static void bulk_issue(Sim *s, Core *c, TOp *t) {
  uint64_t left = t->count;
  uint8_t *dp = c->sram + t->dst.d.addr;
  const uint8_t *ap = t->nsrc > 0 ? c->sram + t->src[0].d.addr : NULL, *bp = t->nsrc > 1 ? c->sram + t->src[1].d.addr : NULL;
  int dd = t->dst.d.dtype, ad = t->nsrc > 0 ? t->src[0].d.dtype : 0, bd = t->nsrc > 1 ? t->src[1].d.dtype : 0;
  float fill = 0;
  if (t->op == OP_FFILL) {
    uint32_t u = (uint32_t)t->imm;
    memcpy(&fill, &u, 4);
  }
  if (s->engine == SIM_ENGINE_JIT && s->jit && bulk_jit(s, c, t)) left = 0;
  else atomic_fetch_add_explicit(&s->bulk_interp, 1, memory_order_relaxed);
  while (left) {
    uint64_t n = walk_run(&t->dst);
    for (int i = 0; i < t->nsrc; i++) {
      uint64_t m = walk_run(&t->src[i]);
      if (m < n) n = m;
    }
    if (n > left) n = left;
    int64_t d0 = t->dst.off, ds = walk_inner_stride(&t->dst);
    int64_t a0 = t->nsrc > 0 ? t->src[0].off : 0, as = t->nsrc > 0 ? walk_inner_stride(&t->src[0]) : 0;
    int64_t b0 = t->nsrc > 1 ? t->src[1].off : 0, bs = t->nsrc > 1 ? walk_inner_stride(&t->src[1]) : 0;
    /* element j of this run: dst d0 + j*ds, sources a0 + j*as, b0 + j*bs;
     * in order, one at a time, so in-place and overlapping operands see
     * exactly what top_step would show them */
    switch (t->op) {
    case OP_FMAC:
      if (ds == 0 && dd == WDT_F32 && ad == WDT_F16 && bd == WDT_F16 && fmac_dot_apart(dp, d0, ap, a0, as, bp, b0, bs, n)) {
        /* a dot product (a matmul's inner loop): the sum stays in a
         * register - the same roundings in the same order, as the f32
         * accumulator is read back exactly as it was stored */
        float d;
        memcpy(&d, dp + 4 * d0, 4);
        const uint8_t *pa = ap + 2 * a0, *pb = bp + 2 * b0;
        for (uint64_t j = 0; j < n; j++) {
          uint16_t ha, hb;
          memcpy(&ha, pa + 2 * (int64_t)j * as, 2);
          memcpy(&hb, pb + 2 * (int64_t)j * bs, 2);
          float a = f16_tab[ha], p = isa_nan_first(a, a * f16_tab[hb]);
          d = isa_nan_first(d, d + p);
        }
        memcpy(dp + 4 * d0, &d, 4);
        break;
      }
      for (uint64_t j = 0; j < n; j++) {
        float a = ld_at(ap, ad, a0 + (int64_t)j * as), p = isa_nan_first(a, a * ld_at(bp, bd, b0 + (int64_t)j * bs));
        float d = ld_at(dp, dd, d0 + (int64_t)j * ds), r = isa_nan_first(d, d + p);
        st_at(dp, dd, d0 + (int64_t)j * ds, r);
      }
      break;
    case OP_FFILL:
      for (uint64_t j = 0; j < n; j++) st_at(dp, dd, d0 + (int64_t)j * ds, fill);
      break;
    case OP_FMOV:
      for (uint64_t j = 0; j < n; j++) st_at(dp, dd, d0 + (int64_t)j * ds, ld_at(ap, ad, a0 + (int64_t)j * as));
      break;
    case OP_FADD:
      for (uint64_t j = 0; j < n; j++) {
        float a = ld_at(ap, ad, a0 + (int64_t)j * as);
        st_at(dp, dd, d0 + (int64_t)j * ds, isa_nan_first(a, a + ld_at(bp, bd, b0 + (int64_t)j * bs)));
      }
      break;
    case OP_FMUL:
      for (uint64_t j = 0; j < n; j++) {
        float a = ld_at(ap, ad, a0 + (int64_t)j * as);
        st_at(dp, dd, d0 + (int64_t)j * ds, isa_nan_first(a, a * ld_at(bp, bd, b0 + (int64_t)j * bs)));
      }
      break;
    default:
      for (uint64_t j = 0; j < n; j++) {
        float v0 = t->nsrc > 0 ? ld_at(ap, ad, a0 + (int64_t)j * as) : 0, v1 = t->nsrc > 1 ? ld_at(bp, bd, b0 + (int64_t)j * bs) : 0;
        st_at(dp, dd, d0 + (int64_t)j * ds, isa_alu(t->op, v0, v1));
      }
      break;
    }
    walk_skip(&t->dst, n);
    for (int i = 0; i < t->nsrc; i++) walk_skip(&t->src[i], n);
    left -= n;
  }
  t->done = t->count;
  L->st.elements += t->count;
  L->st.flops += t->count * (uint64_t)(t->op == OP_FMAC ? 2 : (t->op == OP_FMOV || t->op == OP_FFILL) ? 0 : 1);
  if (t->op == OP_FMAC) {
    L->st.fmac_elements += t->count;
    c->fmac += t->count;
  }
  uint64_t ncyc = (t->count + (uint64_t)t->lanes - 1) / (uint64_t)t->lanes;
  if (ncyc <= 1) {
    top_end(s, c, t);
    return;
  }
  /* the cycles after issue: counted busy now, the core woken at the last */
  t->bulk = true;
  t->end = s->cycle + ncyc - 1;
  c->busy += ncyc - 1;
  if (L->nwake == L->capwake) {
    L->capwake = L->capwake ? 2 * L->capwake : 64;
    L->wake = xrealloc(L->wake, L->capwake * sizeof *L->wake);
  }
  L->wake[L->nwake++] = (struct Wake){t->end, (int32_t)(c - s->cores)};
}

static void wake_push(Sim *s, struct Wake w) {
  if (s->nwake == s->capwake) {
    s->capwake = s->capwake ? 2 * s->capwake : 64;
    s->wake = xrealloc(s->wake, s->capwake * sizeof *s->wake);
  }
  size_t i = s->nwake++;
  while (i && s->wake[(i - 1) / 2].cycle > w.cycle) {
    s->wake[i] = s->wake[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  s->wake[i] = w;
}

/* Put the cores whose bulk instruction ends this cycle back in the set. */
static void wake_due(Sim *s) {
  while (s->nwake && s->wake[0].cycle <= s->cycle) {
    int ci = s->wake[0].core;
    s->busy_cores[ci >> 6] |= 1ull << (ci & 63);
    struct Wake last = s->wake[--s->nwake];
    size_t i = 0;
    for (;;) {
      size_t l = 2 * i + 1, m = i;
      if (l < s->nwake && s->wake[l].cycle < last.cycle) m = l;
      if (l + 1 < s->nwake && s->wake[l + 1].cycle < (m == i ? last.cycle : s->wake[m].cycle)) m = l + 1;
      if (m == i) break;
      s->wake[i] = s->wake[m];
      i = m;
    }
    if (s->nwake) s->wake[i] = last;
  }
}

/* ---- one cycle ---- */

static bool route_step(Sim *s, Core *c, RouteAcc *ra) {
  bool act = false;
  if (!c->nonempty) return false;
  ra->visits++;
  for (int p = 0; p < PORT__COUNT; p++) {
    /* colors holding a wavelet whose route leaves by p, round-robin from
     * rr[p]: first the colors >= start, then the ones below */
    uint32_t ne = c->nonempty & c->portmask[p];
    if (!ne) continue;
    Core *n = p == PORT_R ? NULL : &s->cores[c->nb[p]]; /* sim_new: a routed port has a neighbour */
    uint32_t start = c->rr[p] >= (uint32_t)s->ncolors ? 0 : c->rr[p]; /* rr <= ncolors */
    uint32_t low = start ? (1u << start) - 1 : 0;
    uint32_t order[2] = {ne & ~low, ne & low};
    for (int pass = 0; pass < 2; pass++) {
      uint32_t bits = order[pass];
      while (bits) {
        int k = __builtin_ctz(bits);
        bits &= bits - 1;
        Fifo *f = FIFO(c, k);
        if (!f->count || f->head_stamp >= s->cycle) continue;
        if (f->sent & (1 << p)) continue;
        Fifo *dst = p == PORT_R ? INQ(c, k) : FIFO(n, k);
        if (dst->count >= s->depth) continue;
        fifo_push(s, dst, f->val[f->head]);
        if (p != PORT_R) {
          ra->inflight++;
          or32(&n->nonempty, 1u << k);
          or64(&s->busy_routers[(n - s->cores) >> 6], 1ull << ((n - s->cores) & 63));
        } else {
          c->inq_nonempty |= 1u << k;
          or64(&s->busy_cores[(c - s->cores) >> 6], 1ull << ((c - s->cores) & 63));
        }
        f->sent |= (uint8_t)(1 << p);
        if (p == PORT_R) ra->delivered++;
        else ra->hops++;
        if (f->sent == c->route_out[k]) {
          fifo_pop(s, f);
          ra->inflight--;
          if (!f->count) c->nonempty &= ~(1u << k);
          /* room in this router's FIFO: a send of this core may go on */
          if (c->has_prog) or64(&s->busy_cores[(c - s->cores) >> 6], 1ull << ((c - s->cores) & 63));
        }
        c->rr[p] = (uint32_t)(k + 1);
        act = true;
        goto next_port;
      }
    }
  next_port:;
  }
  return act;
}

/* A quiet core: nothing running, nothing pending, no data for an armed
 * task. Only a wavelet into its ramp queue can change that. core_step
 * returns true whenever it changed the core's state. */
static inline bool core_quiet(const Core *c) {
  return c->running < 0 && !c->sync.active && !c->nut && !c->nacts && !(c->armed & c->inq_nonempty);
}

static bool core_step(Sim *s, Core *c) {
  if (!c->has_prog || core_quiet(c)) return false;
  bool act = false, busy = false;
  if (c->armed & c->inq_nonempty)
    for (int t = 0; t < c->ntask; t++)
      if (c->task[t].kind == TASK_DATA && c->task[t].armed && INQ(c, c->task[t].color)->count) {
        c->task[t].armed = false;
        c->armed &= ~(1u << c->task[t].color);
        c->task[t].act++;
        c->nacts++;
        act = true;
      }
  /* microthreads */
  for (uint32_t u = 0; c->nut && u < c->nut_alloc; u++) {
    TOp *t = &c->ut[u];
    if (!t->active) continue;
    if (top_step(s, c, t)) act = busy = true;
    if (t->done == t->count) {
      top_end(s, c, t);
      c->nut--;
      if (t->flags & ISA_ACTIVATE) { /* task id checked at issue */
        c->task[ISA_TASK(t->flags)].act++;
        c->nacts++;
      }
      act = true;
    }
  }
  /* pipeline */
  if (c->sync.active && c->sync.bulk) {
    if (s->cycle >= c->sync.end) { /* its last cycle (counted busy at issue) */
      top_end(s, c, &c->sync);
      act = busy = true;
    }
  } else if (c->sync.active) {
    if (top_step(s, c, &c->sync)) act = busy = true;
    if (c->sync.done == c->sync.count) top_end(s, c, &c->sync);
  } else if (c->running < 0) {
    for (int t = 0; t < c->ntask; t++)
      if (c->task[t].act) {
        c->task[t].act--;
        c->nacts--;
        c->running = t;
        c->task_start = s->cycle;
        c->pc = c->task[t].pc;
        act = busy = true;
        break;
      }
  } else {
    if (c->pc >= c->ninsn) { /* wimg_read requires a final TERM or JMP */
      fault(s, c, c->pc, "the program (%u instructions) ended without a TERM", c->ninsn);
      return false;
    }
    Insn in = c->code[c->pc];
    int32_t *r = c->reg;
    const OpInfo *oi = &isa_ops[in.op];
    if (oi->cls == ICLASS_T) {
      int32_t flags = isa_has_flags(in.op) ? in.imm : 0; /* FFILL's imm is its value, never flags */
      if ((flags & ISA_ACTIVATE) && ISA_TASK(flags) >= c->ntask) {
        fault(s, c, c->pc, "task %d does not exist (%d tasks)", ISA_TASK(flags), c->ntask);
        return false;
      }
      const uint8_t ops[3] = {in.a, in.b, in.c};
      for (int k = 0; k < 3; k++)
        if (oi->fmt[k] == 'd' && ops[k] >= c->w->ndsr) { /* wimg_read checks it */
          fault(s, c, c->pc, "DSR d%u does not exist (%u DSRs)", ops[k], c->w->ndsr);
          return false;
        }
      /* WAXPY waits while a microthread reads or writes its accumulator
       * or writes its table (the row before it may still be on its way) */
      if (in.op == OP_WAXPY && c->nut && waxpy_hazard(c, in)) goto done;
      if (flags & ISA_ASYNC) {
        uint32_t u;
        for (u = 0; u < c->nut_alloc; u++)
          if (!c->ut[u].active) break;
        if (u == s->img->tgt.microthreads) goto done; /* stall: no free microthread */
        if (u == c->nut_alloc) { /* the first use of microthread u: its state is made now */
          c->ut = xrealloc(c->ut, sizeof(TOp) * (u + 1));
          memset(&c->ut[u], 0, sizeof(TOp));
          c->nut_alloc++;
        }
        top_init(s, &c->ut[u], c, in, c->pc);
        microthread_order(c, u);
        c->nut++;
      } else {
        top_init(s, &c->sync, c, in, c->pc);
        if (bulk_safe(s, c, &c->sync)) bulk_issue(s, c, &c->sync);
        else if (top_step(s, c, &c->sync) && c->sync.done == c->sync.count) top_end(s, c, &c->sync);
      }
      L->st.insns_tensor++;
      c->insns++;
      c->pc++;
      act = busy = true;
      goto done;
    }
    if (in.op == OP_WAIT && c->nut) goto done; /* stalled: not busy, not counted */
    L->st.insns_scalar++;
    c->insns++;
    act = busy = true;
    uint32_t next = c->pc + 1;
    switch (in.op) {
    case OP_NOP: break;
    case OP_WAIT: break;
    case OP_TERM:
      if (s->trace) {
        const Task *tk = &c->task[c->running];
        char name[48], args[64];
        if (tk->kind == TASK_DATA) snprintf(name, sizeof name, "task %d (data, color %u)", c->running, tk->color);
        else snprintf(name, sizeof name, "task %d (%s)", c->running, tk->kind == TASK_MAIN ? "main" : "local");
        snprintf(args, sizeof args, "\"pc\":%u", tk->pc);
        trace_span(s, c, 0, name, "task", c->task_start, s->cycle, args);
      }
      c->running = -1;
      break;
    case OP_MOVI: r[in.a] = in.imm; break;
    case OP_MOV: r[in.a] = r[in.b]; break;
    case OP_ADD: r[in.a] = (int32_t)((uint32_t)r[in.b] + (uint32_t)r[in.c]); break;
    case OP_SUB: r[in.a] = (int32_t)((uint32_t)r[in.b] - (uint32_t)r[in.c]); break;
    case OP_MUL: r[in.a] = (int32_t)((uint32_t)r[in.b] * (uint32_t)r[in.c]); break;
    case OP_AND: r[in.a] = r[in.b] & r[in.c]; break;
    case OP_OR: r[in.a] = r[in.b] | r[in.c]; break;
    case OP_XOR: r[in.a] = r[in.b] ^ r[in.c]; break;
    case OP_SHL: r[in.a] = (int32_t)((uint32_t)r[in.b] << (r[in.c] & 31)); break;
    case OP_SHR: r[in.a] = (int32_t)((uint32_t)r[in.b] >> (r[in.c] & 31)); break;
    case OP_ADDI: r[in.a] = (int32_t)((uint32_t)r[in.b] + (uint32_t)in.imm); break;
    case OP_SLT: r[in.a] = r[in.b] < r[in.c]; break;
    case OP_SEQ: r[in.a] = r[in.b] == r[in.c]; break;
    case OP_LD:
    case OP_ST: {
      uint64_t addr = (uint64_t)(uint32_t)((uint32_t)r[in.b] + (uint32_t)in.imm);
      if (addr + 4 > s->img->tgt.sram_bytes) {
        fault(s, c, c->pc, "address 0x%llx is outside SRAM (%u bytes)", (unsigned long long)addr, s->img->tgt.sram_bytes);
        return false;
      }
      if (addr % 4) {
        fault(s, c, c->pc, "address 0x%llx is not 4-byte aligned", (unsigned long long)addr);
        return false;
      }
      sram_grow(c, addr + 4, s->img->tgt.sram_bytes);
      if (in.op == OP_LD) memcpy(&r[in.a], c->sram + addr, 4);
      else memcpy(c->sram + addr, &r[in.a], 4);
      break;
    }
    case OP_JMP: next = (uint32_t)in.imm; break;
    case OP_BEQZ: if (!r[in.a]) next = (uint32_t)in.imm; break;
    case OP_BNEZ: if (r[in.a]) next = (uint32_t)in.imm; break;
    case OP_ACT:
      if (in.imm < 0 || in.imm >= c->ntask) { /* wimg_read checks it; never index past the table */
        fault(s, c, c->pc, "task %d does not exist (%d tasks)", in.imm, c->ntask);
        return false;
      }
      c->task[in.imm].act++;
      c->nacts++;
      break;
    case OP_DINC: {
      /* the moved DSR must still lie inside SRAM: every later walk trusts it */
      if (in.a >= c->w->ndsr) {
        fault(s, c, c->pc, "DSR d%u does not exist (%u DSRs)", in.a, c->w->ndsr);
        return false;
      }
      Dsr d = c->dsr[in.a];
      if (d.kind != DSR_MEM) break; /* a fabric DSR has no address (wimg_read refuses this DINC) */
      int64_t na = (int64_t)d.addr + (int64_t)in.imm * wdt_size(d.dtype), lo = 0, hi = 0;
      if (na < 0 || na > (int64_t)UINT32_MAX) {
        fault(s, c, c->pc, "moves d%u to address %lld, outside SRAM (%u bytes)", in.a, (long long)na, s->img->tgt.sram_bytes);
        return false;
      }
      d.addr = (uint32_t)na;
      if (dsr_extent(&d, &lo, &hi) != 0 || lo < 0 || hi > (int64_t)s->img->tgt.sram_bytes) {
        fault(s, c, c->pc, "moves d%u to bytes [%lld, %lld), outside SRAM (%u bytes)", in.a, (long long)lo, (long long)hi,
              s->img->tgt.sram_bytes);
        return false;
      }
      sram_grow(c, (uint64_t)hi, s->img->tgt.sram_bytes);
      if (!c->dsr_own) { /* copy on write: the image's table is shared */
        Dsr *own = xmalloc(sizeof(Dsr) * c->w->ndsr);
        memcpy(own, c->w->dsr, sizeof(Dsr) * c->w->ndsr);
        c->dsr = own;
        c->dsr_own = true;
      }
      c->dsr[in.a].addr = d.addr;
      break;
    }
    default: die("core (%d,%d): opcode %u passed wimg_read", c->x, c->y, in.op);
    }
    if (c->running >= 0) c->pc = next;
  }
done:
  /* the cycles after a bulk instruction's issue were counted at issue (the
   * next top_init clears sync.bulk, so this holds only during them) */
  if (busy && !(c->sync.bulk && s->cycle > c->sync.start && s->cycle <= c->sync.end)) c->busy++;
  return act;
}

static bool core_idle(const Sim *s, const Core *c) {
  if (c->running >= 0 || c->sync.active) return false;
  for (uint32_t u = 0; u < c->nut_alloc; u++)
    if (c->ut[u].active) return false;
  for (int t = 0; t < c->ntask; t++)
    if (c->task[t].act || c->task[t].armed) return false;
  for (int k = 0; k < s->ncolors; k++)
    if (FIFO(c, k)->count || INQ(c, k)->count) return false;
  return true;
}

static void report_stuck(Sim *s, FILE *f) {
  int lines = 0, more = 0;
  for (int i = 0; i < s->ncore; i++) {
    Core *c = &s->cores[i];
    if (core_idle(s, c)) continue;
    if (lines >= 20) {
      more++;
      continue;
    }
    lines++;
    if (c->running >= 0) {
      if (c->sync.active) {
        char txt[96];
        isa_format(txt, sizeof txt, c->code[c->pc - 1]);
        fprintf(f, "  core (%d,%d): task %d in '%s' (pc %u)", c->x, c->y, c->running, txt, c->pc - 1);
        if (c->sync.op == OP_WAXPY) /* it ends at a command wavelet, not at a count */
          fprintf(f, ": waiting for weights on color %u (MemoryX), %u of this row's so far", c->sync.src[0].d.color,
                  c->sync.wnd);
        for (int k = 0; k < c->sync.nsrc && c->sync.op != OP_WAXPY; k++)
          if (c->sync.src[k].d.kind == DSR_FABIN)
            fprintf(f, ": waiting on color %u, %llu of %llu wavelets received", c->sync.src[k].d.color,
                    (unsigned long long)c->sync.done, (unsigned long long)c->sync.count);
        if (c->sync.dst.d.kind == DSR_FABOUT)
          fprintf(f, ": sending on color %u, %llu of %llu wavelets sent", c->sync.dst.d.color,
                  (unsigned long long)c->sync.done, (unsigned long long)c->sync.count);
        fputc('\n', f);
      } else {
        char txt[96];
        if (c->pc < c->ninsn) isa_format(txt, sizeof txt, c->code[c->pc]);
        else snprintf(txt, sizeof txt, "(past the end)");
        fprintf(f, "  core (%d,%d): task %d running, next '%s' (pc %u)", c->x, c->y, c->running, txt, c->pc);
        if (c->pc < c->ninsn && c->code[c->pc].op == OP_WAIT && c->nut)
          fprintf(f, ": waits for its %d busy microthread%s", c->nut, c->nut == 1 ? "" : "s");
        fputc('\n', f);
      }
      continue;
    }
    bool said = false;
    for (uint32_t u = 0; u < c->nut_alloc; u++) {
      const TOp *t = &c->ut[u];
      if (!t->active) continue;
      for (int k = 0; k < t->nsrc; k++)
        if (t->src[k].d.kind == DSR_FABIN) {
          fprintf(f, "  core (%d,%d): %s <- color %u (microthread): %llu of %llu wavelets received\n", c->x, c->y,
                  isa_ops[t->op].name, t->src[k].d.color, (unsigned long long)t->done, (unsigned long long)t->count);
          said = true;
        }
      if (t->dst.d.kind == DSR_FABOUT) {
        fprintf(f, "  core (%d,%d): %s -> color %u (microthread): %llu of %llu wavelets sent, fabric full\n", c->x, c->y,
                isa_ops[t->op].name, t->dst.d.color, (unsigned long long)t->done, (unsigned long long)t->count);
        said = true;
      }
    }
    for (int t = 0; t < c->ntask; t++)
      if (c->task[t].armed) {
        fprintf(f, "  core (%d,%d): task %d (data, color %u) armed, no wavelet arrived\n", c->x, c->y, t, c->task[t].color);
        said = true;
      }
    for (int k = 0; k < s->ncolors; k++) {
      if (FIFO(c, k)->count) {
        fprintf(f, "  router (%d,%d): color %d: %u wavelet%s waiting to move on\n", c->x, c->y, k, FIFO(c, k)->count,
                FIFO(c, k)->count == 1 ? "" : "s");
        said = true;
      }
      if (INQ(c, k)->count) {
        fprintf(f, "  core (%d,%d): color %d: %u wavelet%s in the input queue that no task consumes\n", c->x, c->y, k,
                INQ(c, k)->count, INQ(c, k)->count == 1 ? "" : "s");
        said = true;
      }
    }
    if (!said) fprintf(f, "  core (%d,%d): has activated tasks that never ran\n", c->x, c->y);
  }
  if (more) fprintf(f, "  ... and %d more\n", more);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The progress line: one stderr line rewritten in place (a terminal only:
 * sim_set_progress). */
static void progress_show(Sim *s, double secs) {
  uint64_t awake = 0;
  for (int wi = 0; wi < (s->ncore + 63) / 64; wi++) awake += (uint64_t)__builtin_popcountll(s->busy_cores[wi]);
  fprintf(s->progress, "\r\033[Kwsesim: cycle %llu, %.0f cycles/s, %llu cores awake, %llu wavelets delivered, %.0f s",
          (unsigned long long)s->cycle, (double)s->cycle / secs, (unsigned long long)awake,
          (unsigned long long)s->st.wavelets_delivered, secs);
  fflush(s->progress);
}
static void progress_clear(Sim *s, bool shown) {
  if (s->progress && shown) {
    fputs("\r\033[K", s->progress);
    fflush(s->progress);
  }
}

/* ---- threads ----
 *
 * In a cycle's core phase a core touches only itself and its own router's
 * queues (it pops its ramp queues and pushes into its own router's FIFOs;
 * the routers all moved before). So the cores can be stepped in parallel,
 * in the column bands of the router phase below (a thread keeps its
 * columns' cores and routers in its own cache), or with --trace in bands
 * of whole 64-core words of the busy-core bitmap, each with about the same
 * number of cores awake. Everything a band produces that is not its cores'
 * own state - counts, wavelets pushed, bulk ends to wake at, the first
 * fault, trace events - goes into its Lane and is merged afterwards: the
 * first fault in (y, x) order wins, as in one thread; trace bytes come out
 * in band order, which for word bands is (y, x) order. A cycle with fewer
 * than par_min cores awake (sim_set_threads) is stepped by the calling
 * thread alone (the result is the same either way). */

static void band_cols(Sim *s, Lane *ln);
static void band(Sim *s, Lane *ln) {
  if (ln->cols) {
    band_cols(s, ln);
    return;
  }
  for (int wi = ln->w0; wi < ln->w1 && !ln->faulted; wi++) {
    uint64_t bits = s->busy_cores[wi];
    while (bits && !ln->faulted) {
      int i = wi * 64 + __builtin_ctzll(bits);
      bits &= bits - 1;
      Core *c = &s->cores[i];
      /* A core whose step changes nothing would change nothing the next
       * cycle either, unless a wavelet reaches its ramp queue or its
       * router's FIFO makes room for a send: both put it back. */
      if ((core_quiet(c) || !core_step(s, c)) && !core_again(s, c)) s->busy_cores[wi] &= ~(1ull << (i & 63));
      else ln->act = true, ln->active++;
    }
  }
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

enum { PHASE_CORES, PHASE_ROUTERS };
static void route_band(Sim *s, int t);

typedef struct WorkerArg { Sim *s; int k; } WorkerArg;
static void *worker_main(void *p) {
  WorkerArg a = *(WorkerArg *)p;
  free(p);
  Sim *s = a.s;
  L = &s->lanes[a.k];
  unsigned seen = 0;
  for (;;) {
    /* spin a little (a phase is often microseconds away), then yield,
     * then sleep until the next phase */
    int spins = 0;
    while (atomic_load_explicit(&s->gen, memory_order_acquire) == seen && !atomic_load(&s->quit)) {
      if (++spins < 20000) cpu_relax();
      else if (spins < 21000) sched_yield();
      else {
        pthread_mutex_lock(&s->mu);
        atomic_fetch_add(&s->sleeping, 1);
        while (atomic_load(&s->gen) == seen && !atomic_load(&s->quit)) pthread_cond_wait(&s->cv, &s->mu);
        atomic_fetch_sub(&s->sleeping, 1);
        pthread_mutex_unlock(&s->mu);
      }
    }
    if (atomic_load(&s->quit)) return NULL;
    seen = atomic_load_explicit(&s->gen, memory_order_acquire);
    if (s->phase == PHASE_ROUTERS) route_band(s, a.k);
    else band(s, L);
    atomic_fetch_add_explicit(&s->ndone, 1, memory_order_release);
  }
}

void sim_set_threads(Sim *s, int n, uint64_t min_awake) {
  /* no more threads than CPUs: every phase ends when the last band is done,
   * and the router phase's bands wait for each other row by row, so a
   * thread without a CPU stalls the others for a time slice, twice a cycle
   * (the results are the same for any number) */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus >= 1 && n > cpus) n = (int)cpus;
  s->nthreads = n < 1 ? 1 : n > SIM_THREADS_MAX ? SIM_THREADS_MAX : n;
  s->par_min = min_awake;
}

int sim_threads(const Sim *s) { return s->nthreads; }

static void threads_start(Sim *s) {
  s->lanes = xcalloc((size_t)s->nthreads, sizeof(Lane));
  L = &s->lanes[0];
  if (s->nthreads == 1) return;
  int n = s->nthreads, rh = (int)s->img->rh;
  s->row_first = xcalloc((size_t)rh + 1, sizeof(int));
  for (int r = 0, i = 0; r <= rh; r++) {
    while (i < s->ncore && s->cores[i].y - (int)s->img->ry < r) i++;
    s->row_first[r] = i;
  }
  s->colx = xcalloc((size_t)n + 1, sizeof(int));
  s->rlo = xcalloc((size_t)(n + 1) * (size_t)rh + 1, sizeof(int));
  s->rhist = xcalloc((size_t)s->img->rw + 1, sizeof(uint64_t));
  s->rprog = xcalloc((size_t)n, sizeof *s->rprog);
  s->rsplit_at = 0;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  s->thr = xcalloc((size_t)s->nthreads, sizeof(pthread_t));
  for (int k = 1; k < s->nthreads; k++) {
    WorkerArg *a = xmalloc(sizeof *a);
    *a = (WorkerArg){s, k};
    if (pthread_create(&s->thr[k], NULL, worker_main, a) != 0) die("cannot start a simulator thread");
  }
}

static void threads_stop(Sim *s) {
  if (s->nthreads > 1) {
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->quit, true);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    for (int k = 1; k < s->nthreads; k++) pthread_join(s->thr[k], NULL);
    free(s->thr);
    free(s->row_first);
    free(s->colx);
    free(s->rlo);
    free(s->rhist);
    free(s->rprog);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
  }
  for (int k = 0; k < s->nthreads; k++) {
    free(s->lanes[k].wake);
    free(s->lanes[k].tbuf);
  }
  free(s->lanes);
  s->lanes = NULL;
  L = NULL;
}

/* Run phase on every thread: the workers do their bands, the calling
 * thread band 0; returns when all are done. */
static void parallel(Sim *s, int phase) {
  int n = s->nthreads;
  s->phase = phase;
  atomic_store_explicit(&s->ndone, 0, memory_order_relaxed);
  atomic_fetch_add(&s->gen, 1); /* seq_cst with `sleeping`: no lost wake-up */
  if (atomic_load(&s->sleeping)) {
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
  if (phase == PHASE_ROUTERS) route_band(s, 0);
  else band(s, &s->lanes[0]);
  int spins = 0;
  while (atomic_load_explicit(&s->ndone, memory_order_acquire) < n - 1)
    if (++spins < 20000) cpu_relax();
    else sched_yield();
}

/* ---- the router phase ----
 *
 * Routers move in (y, x) order, and a router's moves depend on that order:
 * whether a neighbour's FIFO has room depends on whether the neighbour has
 * already moved this cycle. But a router touches only its own FIFOs and its
 * four neighbours', so only the order of neighbours matters: a router moves
 * after its west and north neighbours and before its east and south ones.
 * With the region cut into bands of columns, band t may do row r as soon as
 * band t - 1 has finished its rows up to r: its only neighbours in other
 * bands are the west and east ends of the same row (the bands' rows are a
 * pipeline, each band a row behind the one to its west at most). Band t - 1
 * never waits for band t. A band's published progress never runs ahead of
 * its west neighbour's, so where a band has no columns in a row (or no busy
 * router) the band beyond it still waits for the one before. What the
 * bands share: the busy-router and busy-core bitmaps and a neighbour's `nonempty` bits (atomic or/and; a bit
 * set this cycle marks a router holding only wavelets that arrived this
 * cycle, which cannot move yet, so when a band reads it makes no
 * difference), and each other's FIFOs at the band edges (ordered by the
 * progress counters). So the moves are those of one thread, in any
 * interleaving. A router phase with fewer routers busy than --threads-min
 * (the last cycle's count) runs in the calling thread. */

/* Cut the columns into nthreads bands of about equal busy routers and
 * awake cores, from the bitmaps; then each band's core range in every row.
 * Both phases use these bands, so a thread finds the cores and routers of
 * its columns in its own cache. */
static void split_columns(Sim *s) {
  int n = s->nthreads, rw = (int)s->img->rw, rh = (int)s->img->rh;
  memset(s->rhist, 0, sizeof(uint64_t) * (size_t)rw);
  uint64_t total = 0;
  for (int wi = 0; wi < (s->ncore + 63) / 64; wi++) {
    for (uint64_t bits = s->busy_routers[wi]; bits; bits &= bits - 1) {
      s->rhist[s->cores[wi * 64 + __builtin_ctzll(bits)].x - (int)s->img->rx]++;
      total++;
    }
    for (uint64_t bits = s->busy_cores[wi]; bits; bits &= bits - 1) {
      s->rhist[s->cores[wi * 64 + __builtin_ctzll(bits)].x - (int)s->img->rx]++;
      total++;
    }
  }
  int k = 1;
  uint64_t acc = 0;
  s->colx[0] = 0;
  for (int x = 0; x < rw && k < n; x++) {
    acc += s->rhist[x];
    while (k < n && acc * (uint64_t)n >= total * (uint64_t)k) s->colx[k++] = x + 1;
  }
  while (k <= n) s->colx[k++] = rw;
  for (int r = 0; r < rh; r++) {
    int a = s->row_first[r], b = s->row_first[r + 1];
    for (k = 0; k <= n; k++) {
      /* the first core of row r at or east of column colx[k] */
      int lo = a, hi = b, cx = s->colx[k] + (int)s->img->rx;
      while (lo < hi) {
        int m = lo + (hi - lo) / 2;
        if (s->cores[m].x < cx) lo = m + 1;
        else hi = m;
      }
      s->rlo[(size_t)k * (size_t)rh + (size_t)r] = lo;
    }
  }
  s->rsplit_at = s->cycle;
}

static void route_add(Sim *s, const RouteAcc *ra) {
  s->inflight += (uint64_t)ra->inflight;
  s->st.hops += ra->hops;
  s->st.wavelets_delivered += ra->delivered;
  s->rvisits += ra->visits;
}

/* The bits of word wi that fall in the index range [a, b). */
static inline uint64_t range_mask(int wi, int a, int b) {
  uint64_t m = ~0ull;
  if (wi == a >> 6) m &= ~0ull << (a & 63);
  if (wi == (b - 1) >> 6 && (b & 63)) m &= ~0ull >> (64 - (b & 63));
  return m;
}

/* A core phase's band in columns: the awake cores of column band ln->t,
 * row by row. */
static void band_cols(Sim *s, Lane *ln) {
  int rh = (int)s->img->rh;
  const int *lo = s->rlo + (size_t)ln->t * (size_t)rh, *hi = lo + rh;
  for (int r = 0; r < rh && !ln->faulted; r++) {
    int a = lo[r], b = hi[r];
    for (int wi = a >> 6; a < b && wi <= (b - 1) >> 6 && !ln->faulted; wi++) {
      uint64_t bits = __atomic_load_n(&s->busy_cores[wi], __ATOMIC_RELAXED) & range_mask(wi, a, b);
      while (bits && !ln->faulted) {
        int i = wi * 64 + __builtin_ctzll(bits);
        bits &= bits - 1;
        Core *c = &s->cores[i];
        if ((core_quiet(c) || !core_step(s, c)) && !core_again(s, c))
          __atomic_fetch_and(&s->busy_cores[wi], ~(1ull << (i & 63)), __ATOMIC_RELAXED);
        else ln->act = true, ln->active++;
      }
    }
  }
}

/* Wait until band t has finished its rows up to r; returns its progress. */
static int route_wait(Sim *s, int t, int r) {
  int v, spins = 0;
  while ((v = atomic_load_explicit(&s->rprog[t].v, memory_order_acquire)) <= r)
    if (++spins < 4000) cpu_relax();
    else sched_yield();
  return v;
}

/* Band t of a parallel router phase. */
static void route_band(Sim *s, int t) {
  int n = s->nthreads, rh = (int)s->img->rh;
  const int *lo = s->rlo + (size_t)t * (size_t)rh, *hi = lo + rh;
  RouteAcc ra = {0};
  bool act = false;
  int seen = 0; /* band t - 1's progress, as last read */
  for (int r = 0; r < rh; r++) {
    int a = lo[r], b = hi[r];
    if (a >= b) continue;
    bool any = false;
    for (int wi = a >> 6; wi <= (b - 1) >> 6 && !any; wi++)
      any = (__atomic_load_n(&s->busy_routers[wi], __ATOMIC_RELAXED) & range_mask(wi, a, b)) != 0;
    if (!any) continue;
    if (t > 0 && seen <= r) seen = route_wait(s, t - 1, r);
    /* rows < r are done here and (seen > r) west of here: a band's
     * progress never runs ahead of its west neighbour's, so it also
     * speaks for the bands beyond (a band with no columns in a row) */
    if (t + 1 < n) atomic_store_explicit(&s->rprog[t].v, r, memory_order_release);
    for (int wi = a >> 6; wi <= (b - 1) >> 6; wi++) {
      uint64_t bits = __atomic_load_n(&s->busy_routers[wi], __ATOMIC_RELAXED) & range_mask(wi, a, b);
      while (bits) {
        int i = wi * 64 + __builtin_ctzll(bits);
        bits &= bits - 1;
        act |= route_step(s, &s->cores[i], &ra);
        if (!s->cores[i].nonempty) __atomic_fetch_and(&s->busy_routers[wi], ~(1ull << (i & 63)), __ATOMIC_RELAXED);
      }
    }
  }
  if (t > 0 && seen != INT_MAX) route_wait(s, t - 1, INT_MAX - 1);
  if (t + 1 < n) atomic_store_explicit(&s->rprog[t].v, INT_MAX, memory_order_release);
  s->lanes[t].ra = ra;
  s->lanes[t].ract = act;
}

/* Move every router that holds wavelets, in (y, x) order (or in column
 * bands that give the same moves); a router that empties leaves the set.
 * Returns whether any wavelet moved. */
static bool routers_phase(Sim *s) {
  int n = s->nthreads;
  if (n == 1 || s->rvisits < s->par_min) {
    RouteAcc ra = {0};
    bool act = false;
    for (int wi = 0; wi < (s->ncore + 63) / 64; wi++) {
      uint64_t bits = s->busy_routers[wi];
      while (bits) {
        int i = wi * 64 + __builtin_ctzll(bits);
        bits &= bits - 1;
        act |= route_step(s, &s->cores[i], &ra);
        if (!s->cores[i].nonempty) s->busy_routers[wi] &= ~(1ull << (i & 63));
      }
    }
    s->rvisits = 0;
    route_add(s, &ra);
    return act;
  }
  if (!s->rsplit_at || s->cycle - s->rsplit_at >= 64) split_columns(s);
  for (int k = 0; k < s->nthreads; k++) atomic_store_explicit(&s->rprog[k].v, 0, memory_order_relaxed);
  parallel(s, PHASE_ROUTERS);
  bool act = false;
  s->rvisits = 0;
  for (int k = 0; k < n; k++) {
    route_add(s, &s->lanes[k].ra);
    act |= s->lanes[k].ract;
  }
  return act;
}

/* Step every core that may have work, in bands. */
static void cores_phase(Sim *s) {
  int nw = (s->ncore + 63) / 64, n = s->nthreads;
  uint64_t awake = 0;
  if (n > 1)
    for (int wi = 0; wi < nw; wi++) awake += (uint64_t)__builtin_popcountll(s->busy_cores[wi]);
  for (int k = 0; k < n; k++) s->lanes[k].cols = false;
  if (n == 1 || awake < s->par_min) {
    for (int k = 0; k < n; k++) s->lanes[k].w0 = s->lanes[k].w1 = 0;
    s->lanes[0].w1 = nw;
    band(s, &s->lanes[0]);
    return;
  }
  if (!s->trace) {
    /* the router phase's column bands (a trace keeps word bands: its
     * bytes are merged in band order, which must be (y, x) order) */
    if (!s->rsplit_at || s->cycle - s->rsplit_at >= 64) split_columns(s);
    for (int k = 0; k < n; k++) {
      s->lanes[k].cols = true;
      s->lanes[k].t = k;
      s->lanes[k].w0 = s->lanes[k].w1 = 0;
    }
    parallel(s, PHASE_CORES);
    return;
  }
  /* bands of about awake/n cores each */
  uint64_t acc = 0;
  int k = 0;
  s->lanes[0].w0 = 0;
  for (int wi = 0; wi < nw && k < n - 1; wi++) {
    acc += (uint64_t)__builtin_popcountll(s->busy_cores[wi]);
    if (acc * (uint64_t)n >= awake * (uint64_t)(k + 1)) {
      s->lanes[k].w1 = wi + 1;
      s->lanes[++k].w0 = wi + 1;
    }
  }
  s->lanes[k].w1 = nw;
  for (k++; k < n; k++) s->lanes[k].w0 = s->lanes[k].w1 = nw;
  parallel(s, PHASE_CORES);
}

/* Fold the lanes into the run, in band order; returns whether any core
 * changed, and the number that did in *active. */
static bool merge_lanes(Sim *s, uint64_t *active) {
  bool act = false;
  for (int k = 0; k < s->nthreads; k++) {
    Lane *ln = &s->lanes[k];
    s->st.insns_scalar += ln->st.insns_scalar;
    s->st.insns_tensor += ln->st.insns_tensor;
    s->st.elements += ln->st.elements;
    s->st.flops += ln->st.flops;
    s->st.fmac_elements += ln->st.fmac_elements;
    s->st.wavelets_sent += ln->st.wavelets_sent;
    memset(&ln->st, 0, sizeof ln->st);
    s->inflight += (uint64_t)ln->inflight;
    ln->inflight = 0;
    for (size_t j = 0; j < ln->nwake; j++) wake_push(s, ln->wake[j]);
    ln->nwake = 0;
    /* the first fault in (y, x) order, whichever band had it */
    if (ln->faulted && (!s->faulted || ln->fault_core < s->fault_core)) {
      s->faulted = true;
      s->fault_core = ln->fault_core;
      memcpy(s->fault, ln->fault, sizeof s->fault);
    }
    ln->faulted = false;
    act |= ln->act;
    *active += ln->active;
    ln->act = false;
    ln->active = 0;
  }
  return act;
}

static int run(Sim *s, uint64_t max_cycles, FILE *report) {
  s->max_cycles = max_cycles;
  double t0 = now_seconds(), next_show = t0 + 1.0;
  bool shown = false;
  uint64_t iter = 0;
  for (;;) {
    if (s->cycle >= max_cycles) {
      progress_clear(s, shown);
      fprintf(report, "wsesim: error: reached --max-cycles %llu; the cores still busy:\n", (unsigned long long)max_cycles);
      report_stuck(s, report);
      s->st.cycles = s->cycle;
      return 1;
    }
    s->cycle++;
    bool act = false;
    uint64_t active = 0;
    wake_due(s);
    if ((++iter & 255) == 0 && (s->progress || s->max_seconds > 0)) {
      double t = now_seconds();
      if (s->max_seconds > 0 && t - t0 >= s->max_seconds) {
        progress_clear(s, shown);
        fprintf(report, "wsesim: error: reached --max-seconds %g at cycle %llu; the cores still busy:\n", s->max_seconds,
                (unsigned long long)s->cycle);
        report_stuck(s, report);
        s->timed_out = true;
        s->st.cycles = s->cycle;
        return 1;
      }
      if (s->progress && t >= next_show) {
        progress_show(s, t - t0);
        shown = true;
        next_show = t + 0.25;
      }
    }
    if (s->nmxs) act |= memoryx_phase(s);
    act |= routers_phase(s);
    cores_phase(s);
    act |= merge_lanes(s, &active);
    if (s->repeat > 1) rounds_note(s);
    if (s->trace) {
      trace_flush(s);
      trace_counters(s, active);
      trace_flush(s);
    }
    if (s->faulted) {
      progress_clear(s, shown);
      fprintf(report, "wsesim: error: %s\n", s->fault);
      s->st.cycles = s->cycle;
      return 1;
    }
    if (!act) {
      /* Nothing moved and nothing changed: the next thing that can happen
       * is the earliest bulk instruction's end; the cycles between change
       * nothing (every stamp is older, every wait still waits). */
      if (!s->nwake) break;
      uint64_t next = s->wake[0].cycle - 1;
      s->cycle = next < max_cycles ? next : max_cycles;
    }
  }
  progress_clear(s, shown);
  s->cycle--; /* the last cycle did nothing */
  s->st.cycles = s->cycle;
  for (uint32_t r = 0; r < s->round_next; r++)
    if (s->round[r].cycle > s->cycle) s->round[r].cycle = s->cycle;
  int waiting = 0;
  for (int i = 0; i < s->ncore; i++) waiting += !core_idle(s, &s->cores[i]);
  if (!waiting) return 0;
  fprintf(report, "wsesim: error: the fabric stopped making progress at cycle %llu; %d core%s waiting:\n",
          (unsigned long long)s->cycle, waiting, waiting == 1 ? " is" : "s are");
  report_stuck(s, report);
  return 1;
}


int sim_run(Sim *s, uint64_t max_cycles, FILE *report) {
  if (s->engine == SIM_ENGINE_JIT && !s->jit) {
    char err[256];
    if (!(s->jit = sim_jit_new(0, err, sizeof err))) {
      fprintf(stderr, "wsesim: warning: no JIT (%s); the interpreter runs every instruction\n", err);
      s->engine = SIM_ENGINE_INTERP;
    } else sim_jit_set_threshold(s->jit, s->jit_threshold);
  }
  threads_start(s);
  int rc = run(s, max_cycles, report);
  if (s->trace) trace_flush(s);
  threads_stop(s);
  if (s->trace) {
    fputs("\n]}\n", s->trace);
    s->trace = NULL;
  }
  return rc;
}

void sim_set_progress(Sim *s, FILE *f) { s->progress = f; }
void sim_set_max_seconds(Sim *s, double secs) { s->max_seconds = secs; }

const SimStats *sim_stats(const Sim *s) { return &s->st; }

void sim_memory(const Sim *s, SimMemory *m) {
  memset(m, 0, sizeof *m);
  m->cores = (uint64_t)s->ncore;
  for (int i = 0; i < s->ncore; i++) {
    const Core *c = &s->cores[i];
    m->sram_bytes += c->sram_n;
    if (c->has_prog) m->prog_cores++;
    m->state_bytes += sizeof(Core) + queue_bytes(s, c) + sizeof(Task) * (size_t)c->ntask + sizeof(TOp) * c->nut_alloc +
                      (c->dsr_own ? sizeof(Dsr) * c->w->ndsr : 0);
  }
}

void sim_print_core_stats(const Sim *s, FILE *f) {
  fprintf(f, "core        busy%%   fmac%%   instructions\n");
  for (int i = 0; i < s->ncore; i++) {
    const Core *c = &s->cores[i];
    if (!c->has_prog) continue;
    double cyc = s->st.cycles ? (double)s->st.cycles : 1.0;
    char at[24];
    snprintf(at, sizeof at, "(%d,%d)", c->x, c->y);
    fprintf(f, "%-10s %6.1f %7.2f %14llu\n", at, 100.0 * (double)c->busy / cyc,
            100.0 * (double)c->fmac / (cyc * s->img->tgt.simd_f16), (unsigned long long)c->insns);
  }
}

void sim_print_stats(const Sim *s, FILE *f) {
  const SimStats *st = &s->st;
  double us = (double)st->cycles / s->img->tgt.clock_mhz;
  fprintf(f, "cycles            %llu   (%.2f us at %u MHz)\n", (unsigned long long)st->cycles, us, s->img->tgt.clock_mhz);
  fprintf(f, "instructions      %llu   (scalar %llu, tensor %llu)\n", (unsigned long long)(st->insns_scalar + st->insns_tensor),
          (unsigned long long)st->insns_scalar, (unsigned long long)st->insns_tensor);
  fprintf(f, "tensor elements   %llu   flops %llu\n", (unsigned long long)st->elements, (unsigned long long)st->flops);
  fprintf(f, "wavelets          %llu sent, %llu delivered, %llu hops\n", (unsigned long long)st->wavelets_sent,
          (unsigned long long)st->wavelets_delivered, (unsigned long long)st->hops);
  int nprog = 0;
  double bsum = 0, bmax = -1, fsum = 0, fmax = -1;
  int bx = 0, by = 0, fx = 0, fy = 0;
  for (int i = 0; i < s->ncore; i++) {
    const Core *c = &s->cores[i];
    if (!c->has_prog) continue;
    nprog++;
    double b = st->cycles ? (double)c->busy / (double)st->cycles : 0;
    double lanes = (double)s->img->tgt.simd_f16;
    double u = st->cycles ? (double)c->fmac / ((double)st->cycles * lanes) : 0;
    bsum += b;
    fsum += u;
    if (b > bmax) bmax = b, bx = c->x, by = c->y;
    if (u > fmax) fmax = u, fx = c->x, fy = c->y;
  }
  fprintf(f, "cores             %d with programs, %d routers in region %ux%u\n", nprog, s->ncore, s->img->rw, s->img->rh);
  if (nprog) {
    fprintf(f, "busy              mean %.1f%%, max %.1f%% at (%d,%d)\n", 100 * bsum / nprog, 100 * bmax, bx, by);
    fprintf(f, "fmac utilisation  mean %.2f%%, max %.2f%% at (%d,%d)   (FMAC elements / (cycles x %u f16 lanes))\n",
            100 * fsum / nprog, 100 * fmax, fx, fy, s->img->tgt.simd_f16);
  }
  if (s->repeat > 1 && s->round_next >= 2 && nprog) {
    const SimRound *a = &s->round[0], *b = &s->round[s->round_next - 1];
    uint32_t runs = s->round_next - 1;
    double win = (double)(b->cycle - a->cycle), per = win / runs;
    fprintf(f, "repeat            %u runs: the first done at cycle %llu (latency), the last at %llu; then one every %.1f cycles "
            "(%.4f runs/us)\n", s->round_next, (unsigned long long)a->cycle, (unsigned long long)b->cycle, per,
            per > 0 ? s->img->tgt.clock_mhz / per : 0.0);
    if (win > 0)
      fprintf(f, "steady state      busy mean %.1f%%, fmac utilisation mean %.2f%%   (cycles %llu-%llu: runs 2-%u)\n",
              100.0 * (double)(b->busy - a->busy) / (win * nprog),
              100.0 * (double)(b->fmac - a->fmac) / (win * nprog * (double)s->img->tgt.simd_f16),
              (unsigned long long)a->cycle, (unsigned long long)b->cycle, s->round_next);
  }
  if (s->nmxs) {
    fprintf(f, "memoryx           %llu wavelets streamed (%llu bytes): %llu weights of %llu, density %.1f%%; %llu commands\n",
            (unsigned long long)st->mx_wavelets, (unsigned long long)st->mx_wavelets * 4, (unsigned long long)st->mx_nonzero,
            (unsigned long long)st->mx_dense, st->mx_dense ? 100.0 * (double)st->mx_nonzero / (double)st->mx_dense : 0.0,
            (unsigned long long)(st->mx_wavelets - st->mx_nonzero));
    fprintf(f, "ingress           saturated in %llu cycles (%.1f%% of the run); %d channel%s of %.3f wavelets/cycle feed %d port%s\n",
            (unsigned long long)st->mx_saturated, st->cycles ? 100.0 * (double)st->mx_saturated / (double)st->cycles : 0.0,
            s->nmxch, s->nmxch == 1 ? "" : "s", (double)s->mx_rate / 1000.0, s->nmxs, s->nmxs == 1 ? "" : "s");
  }
}

/* --stats-svg: two heat maps of the region side by side, busy and FMAC
 * utilisation per core with a program (common/svg.h; blocks of cores, each
 * its busiest, beyond 300 cores a side). */
void sim_write_stats_svg(const Sim *s, Buf *out) {
  const WImage *img = s->img;
  double cyc = s->st.cycles ? (double)s->st.cycles : 1;
  SvgGrid g[2];
  for (int k = 0; k < 2; k++) svg_grid(&g[k], (int)img->rx, (int)img->ry, (int)img->rw, (int)img->rh);
  double sum[2] = {0, 0};
  int n = 0;
  for (int i = 0; i < s->ncore; i++) {
    const Core *c = &s->cores[i];
    if (!c->has_prog) continue;
    double v[2] = {(double)c->busy / cyc, (double)c->fmac / (cyc * img->tgt.simd_f16)};
    for (int k = 0; k < 2; k++) {
      svg_grid_put(&g[k], c->x, c->y, v[k]);
      sum[k] += v[k];
    }
    n++;
  }
  double top = 48, pw = g[0].bw * g[0].cell, ph = g[0].bh * g[0].cell;
  double W = 2 * pw + 40 > 640 ? 2 * pw + 40 : 640, H = top + ph + 70;
  char title[200];
  snprintf(title, sizeof title, "%llu cycles, %d cores with programs in region %ux%u at (%u,%u)",
           (unsigned long long)s->st.cycles, n, img->rw, img->rh, img->rx, img->ry);
  svg_begin(out, W, H, title);
  buf_printf(out, "<text x=\"10\" y=\"18\" font-size=\"14\">");
  svg_text(out, title);
  buf_printf(out, "</text>\n");
  const char *what[2] = {"busy", "FMAC utilisation"};
  for (int k = 0; k < 2; k++) {
    double ox = 10 + k * (pw + 20);
    buf_printf(out, "<text x=\"%.0f\" y=\"40\">%s: mean %.1f%%%s</text>\n", ox, what[k], n ? 100 * sum[k] / n : 0.0,
               g[k].block > 1 ? " (a cell: a block's busiest core)" : "");
    buf_printf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.2f\" height=\"%.2f\" fill=\"#eeeeee\" stroke=\"#cccccc\"/>\n", ox,
               top, pw, ph);
    svg_heat(out, &g[k], ox, top, what[k]);
    svg_grid_free(&g[k]);
  }
  svg_legend(out, 10, top + ph + 16, "(grey: routers only)");
  svg_end(out);
}
