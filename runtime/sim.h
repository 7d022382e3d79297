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
/* Per-core busy and FMAC utilisation summary, printed by --stats. */
void sim_print_stats(const Sim *s, FILE *f);
/* One line per core with a program: busy and FMAC utilisation, instructions. */
void sim_print_core_stats(const Sim *s, FILE *f);
#endif
