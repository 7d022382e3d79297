/* runtime/sim.h: the functional, cycle-counting wafer simulator.
 * It runs a validated WImage (backend/wimg.h) and nothing else: it never
 * sees the source or the IR. docs/simulator.md is the execution and cost
 * model. */
#ifndef WSEC_SIM_H
#define WSEC_SIM_H
#include <stdbool.h>
#include <stdio.h>
#include "backend/wimg.h"

typedef struct Sim Sim;

typedef struct SimStats {
  uint64_t cycles;
  uint64_t insns_scalar, insns_tensor;
  uint64_t elements, flops, fmac_elements;
  uint64_t wavelets_sent, wavelets_delivered, hops;
} SimStats;

/* Returns NULL with a message in err if the image's routing table is
 * inconsistent (the only check wimg_read cannot make). */
Sim *sim_new(const WImage *img, char *err, size_t errlen);
void sim_free(Sim *s);
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
/* One line per core with a program: busy and FMAC utilisation, instructions. */
void sim_print_core_stats(const Sim *s, FILE *f);
#endif
