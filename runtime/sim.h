/* runtime/sim.h: the functional, cycle-counting wafer simulator.
 * It runs a validated WImage (backend/wimg.h) and nothing else: it never
 * sees the source or the IR. docs/simulator.md is the execution and cost
 * model. */
#ifndef WSEC_SIM_H
#define WSEC_SIM_H
#include <stdbool.h>
#include <stdio.h>
#include "backend/wimg.h"
#include "common/util.h"

typedef struct Sim Sim;

typedef struct SimStats {
  uint64_t cycles;
  uint64_t insns_scalar, insns_tensor;
  uint64_t elements, flops, fmac_elements;
  uint64_t wavelets_sent, wavelets_delivered, hops;
  /* MemoryX (sim_set_memoryx): wavelets it sent into the wafer, how many of
   * them were weights (the non-zeros), the weights its streams stand for
   * (zeros included), and the cycles in which some channel had a wavelet
   * ready for a router with room but no bandwidth left (I/O-bound) */
  uint64_t mx_wavelets, mx_nonzero, mx_dense, mx_saturated;
} SimStats;

/* Returns NULL with a message in err if the image's routing table is
 * inconsistent (the only check wimg_read cannot make). */
Sim *sim_new(const WImage *img, char *err, size_t errlen);
void sim_free(Sim *s);
/* Ingress ports of the image: routes on the grid's north edge (y = 0) that
 * take a color in from the north, off the wafer. A program with any needs
 * a MemoryX weight store (sim_set_memoryx). */
int sim_ingress_ports(const Sim *s);
/* Before sim_run: feed the ingress ports from MemoryX streams (backend/wmx.h;
 * the Wmx must outlive the run). Returns -1 with a message in err if a
 * stream's port is not an ingress port of the image, a port has no stream,
 * or the link does not fit the image's grid. */
struct Wmx;
int sim_set_memoryx(Sim *s, const struct Wmx *mx, char *err, size_t errlen);
/* Host writes an input tensor (values as float, C order, whole tensor). */
void sim_write_input(Sim *s, const WIo *io, const float *data);
/* Host reads an output tensor into data (whole tensor, C order). */
void sim_read_output(Sim *s, const WIo *io, float *data);
/* Run until the machine is quiescent or max_cycles. Returns 0 when every
 * core finished; 1 when stuck or out of cycles, after printing to `report`
 * which cores wait on what; 1 at a run-time fault (a computed address
 * outside SRAM, a DSR moved out of it by DINC, ...), after printing
 * "wsesim: error: run-time fault at core (x,y) pc N: INSN: WHAT". */
int sim_run(Sim *s, uint64_t max_cycles, FILE *report);
const SimStats *sim_stats(const Sim *s);
/* Before sim_write_input: run every core's program n times (n >= 1), each
 * run on the same inputs, so that the runs of a pipeline overlap
 * (docs/simulator.md, "Repeated runs"). A run whose outputs differ from the
 * first's is a fault. sim_rounds: for each run finished by every core, the
 * cycle the last core finished it and the summed busy and FMAC counters
 * then (n: how many; none without --repeat). */
typedef struct SimRound { uint64_t cycle, busy, fmac; } SimRound;
void sim_set_repeat(Sim *s, uint32_t n);
const SimRound *sim_rounds(const Sim *s, uint32_t *n);
/* Before sim_run: step the cores with n threads (1 ... SIM_THREADS_MAX;
 * default 1; no more than the host's CPUs), in a cycle with at least min_awake cores that may have work
 * (fewer are stepped by one thread: sharing them out costs more than it
 * saves; default SIM_THREADS_MIN_AWAKE). Every result - outputs, cycles,
 * stats, faults, traces - is the same for every n and min_awake. */
#define SIM_THREADS_MAX 256
#define SIM_THREADS_MIN_AWAKE 512
void sim_set_threads(Sim *s, int n, uint64_t min_awake);
/* The threads a run uses (sim_set_threads' n, capped at the host's CPUs). */
int sim_threads(const Sim *s);
/* Before sim_run: show a progress line on f (a terminal; NULL: none),
 * rewritten about 4 times a second once the run passes a second. */
void sim_set_progress(Sim *s, FILE *f);
/* Before sim_run: stop with an error (like max_cycles) after secs of wall
 * time (0: no limit). */
void sim_set_max_seconds(Sim *s, double secs);
/* Before sim_run: write a Chrome-trace / Perfetto JSON trace to f (closed
 * by sim_run: the JSON is complete when it returns): task and tensor
 * instruction spans of the cores in [x, x+w) x [y, y+h) (w or h 0: no
 * limit) that overlap cycles [from, to], and fabric counters in that
 * window. docs/simulator.md, "Traces". */
int sim_set_trace(Sim *s, FILE *f, int x, int y, int w, int h, uint64_t from, uint64_t to);
/* The simulator's own memory: the cores of the region (with and without a
 * program), the SRAM bytes allocated for them (as far as the image uses
 * it, or all of it once a computed address goes past), and everything else
 * kept per core (core and router state, queues, tasks, microthreads, DSR
 * copies). */
typedef struct SimMemory {
  uint64_t cores, prog_cores, sram_bytes, state_bytes;
} SimMemory;
void sim_memory(const Sim *s, SimMemory *m);
/* Who runs the element loop of a bulk instruction (a synchronous tensor
 * instruction with every operand in SRAM): the interpreter's loop, or a
 * native kernel compiled by the LLVM JIT (runtime/jit.h). Both give the
 * same bits, cycles and stats (docs/simulator.md, "Engines"). sim_new
 * picks the JIT when the build has it. sim_set_engine returns false (and
 * changes nothing) for the JIT in a build without it. */
typedef enum { SIM_ENGINE_INTERP, SIM_ENGINE_JIT } SimEngine;
bool sim_set_engine(Sim *s, SimEngine e);
/* The JIT compiles a shape of instruction once instructions of that shape
 * have walked this many elements (jit.h SIM_JIT_THRESHOLD by default; 0:
 * every shape at first sight). */
void sim_set_jit_threshold(Sim *s, uint64_t elements);
/* One line: the engine, kernels compiled and the time it took, bulk
 * instructions run by kernels and by the interpreter. */
void sim_print_engine_stats(const Sim *s, FILE *f);
/* Per-core busy and FMAC utilisation summary, printed by --stats. */
void sim_print_stats(const Sim *s, FILE *f);
/* --stats-svg: busy and FMAC utilisation per core as two heat maps (SVG). */
void sim_write_stats_svg(const Sim *s, Buf *out);
/* One line per core with a program: busy and FMAC utilisation, instructions. */
void sim_print_core_stats(const Sim *s, FILE *f);
#endif
