/* tools/timing.h: --time-passes and the progress line of wsecc. */
#ifndef WSEC_TIMING_H
#define WSEC_TIMING_H
#include <stdbool.h>
#include <stdio.h>
/* Start timing a phase NAME (a pass, or "parse", "verify", "emit"); the
 * previous phase ends. Phases of one name add up. */
void timing_phase(const char *name);
/* End the current phase. */
void timing_stop(void);
/* The table of --time-passes: wall time and share per phase, and the
 * process's peak resident memory at the end of each. */
void timing_report(FILE *f);
/* On a terminal, once the compile has taken a second: one line saying
 * which pass runs (it is rewritten in place, and cleared by progress_end). */
void progress_pass(const char *name, int index, int count);
void progress_end(void);
#endif
