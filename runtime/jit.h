/* runtime/jit.h: the simulator's JIT tier (LLVM ORC LLJIT, C API).
 *
 * It runs the element loop of a bulk tensor instruction (a synchronous one
 * whose operands are all in SRAM, sim.c bulk_issue) as native code: one
 * kernel per distinct shape - opcode, nsrc, the dtypes, the dims and
 * strides of every operand (as one canonical loop nest) and how the
 * sources overlap the destination - compiled on first use, cached for the
 * life of the SimJit, and called with the operands' base pointers. Kernels
 * touch SRAM only: sim.c computes cycles and stats as before. Every result
 * is the interpreter's bit for bit (docs/simulator.md, "Engines"). */
#ifndef WSEC_JIT_H
#define WSEC_JIT_H
#include <stdbool.h>
#include <stdint.h>
#include "backend/isa.h"

typedef struct SimJit SimJit;

/* One bulk instruction: op, FFILL's f32 bit pattern, the DSRs (memory
 * DSRs, as sim.c holds them) and the element count (dsr_count of dst). */
typedef struct SimJitOp {
  int op;
  int32_t imm;
  int nsrc;
  uint64_t count;
  Dsr dst, src[2];
} SimJitOp;

typedef struct SimJitStats {
  uint64_t kernels;     /* compiled */
  uint64_t quick;       /* of them, small ones compiled without the optimiser */
  uint64_t runs;        /* instructions run by a kernel */
  uint64_t elements;    /* their elements */
  uint64_t cold;        /* left to the interpreter: shape below the threshold, or its kernel being compiled */
  uint64_t declined;    /* left to the interpreter: no kernel can run it */
  double compile_s;     /* host seconds spent building and compiling kernels */
} SimJitStats;

/* A shape is compiled when the instructions of that shape have walked this
 * many elements in all (counting the one at hand) - sixteen times as many
 * for the first kernel of a run, which also opens libLLVM. With a threshold
 * above 0 it is compiled by a thread of its own while the interpreter goes
 * on running that shape, and the kernel runs the instructions that issue
 * after it is ready; 0 compiles every shape, before it runs, the first time
 * it is seen. Compiling one costs milliseconds, about what the interpreter
 * takes for this many elements. */
#define SIM_JIT_THRESHOLD 1000000u

/* sim_jit_new flags; 0 for the simulator. */
enum {
  /* tests only: 16-bit floats through plain fpext/fptrunc, without the
   * integer NaN fix-ups (to check LLVM's conversions themselves) */
  SIM_JIT_RAW_F16 = 1,
};

/* True when this build has the JIT (CMake WSECC_JIT, the default). */
bool sim_jit_available(void);
/* NULL when the build has no JIT or LLVM cannot make one for this host
 * (then a one-line reason is in err). */
SimJit *sim_jit_new(unsigned flags, char *err, size_t errlen);
void sim_jit_free(SimJit *j);
void sim_jit_set_threshold(SimJit *j, uint64_t elements);
/* Run op on the SRAM at sram (DSR addresses are offsets into it). Returns
 * false, touching nothing, when its shape is still below the threshold or
 * no kernel can run it (an operand walks a different element count, the
 * operands' shapes have no common loop nest, the cache is full, or LLVM
 * failed): the caller runs its own loop. */
bool sim_jit_run(SimJit *j, const SimJitOp *op, uint8_t *sram);
void sim_jit_stats(const SimJit *j, SimJitStats *st);
#endif
