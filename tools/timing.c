/* tools/timing.c: wall-clock time and peak memory per compiler phase
 * (`wsecc --time-passes`, in the spirit of LLVM's -time-passes), and the
 * progress line a long compile shows on a terminal.
 *
 * Time is CLOCK_MONOTONIC; memory is getrusage's ru_maxrss, the process's
 * peak resident set so far, read when a phase ends: a pass that raises the
 * peak shows it. Nothing here changes what is compiled.
 */
#include "tools/timing.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_PHASES 32

typedef struct Phase { const char *name; double secs; long peak_kb; } Phase;
static Phase phases[MAX_PHASES];
static int nphase, cur = -1;
static double t_start, t_begin;
static bool progress_shown;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

void timing_stop(void) {
  if (cur < 0) return;
  phases[cur].secs += now() - t_start;
  phases[cur].peak_kb = peak_kb();
  cur = -1;
}

void timing_phase(const char *name) {
  timing_stop();
  if (t_begin == 0) t_begin = now();
  int i;
  for (i = 0; i < nphase && strcmp(phases[i].name, name); i++) {}
  if (i == nphase) {
    if (nphase == MAX_PHASES) return;
    phases[nphase++] = (Phase){name, 0, 0};
  }
  cur = i;
  t_start = now();
}

void timing_report(FILE *f) {
  timing_stop();
  double total = 0;
  for (int i = 0; i < nphase; i++) total += phases[i].secs;
  fprintf(f, "===------------------------------------------------------===\n");
  fprintf(f, "  wsecc: time and memory per phase (wall clock)\n");
  fprintf(f, "===------------------------------------------------------===\n");
  fprintf(f, "  %-8s %10s %7s %16s\n", "phase", "seconds", "share", "peak RSS (MB)");
  for (int i = 0; i < nphase; i++)
    fprintf(f, "  %-8s %10.4f %6.1f%% %16.1f\n", phases[i].name, phases[i].secs,
            total > 0 ? 100 * phases[i].secs / total : 0.0, phases[i].peak_kb / 1024.0);
  fprintf(f, "  %-8s %10.4f %6.1f%% %16.1f\n", "total", total, 100.0, peak_kb() / 1024.0);
}

void progress_pass(const char *name, int index, int count) {
  if (t_begin == 0) t_begin = now();
  double el = now() - t_begin;
  if (el < 1.0 || !isatty(STDERR_FILENO)) return;
  fprintf(stderr, "\r\033[Kwsecc: %s (pass %d of %d), %.1f s so far", name, index, count, el);
  fflush(stderr);
  progress_shown = true;
}

void progress_end(void) {
  if (!progress_shown) return;
  fprintf(stderr, "\r\033[K");
  fflush(stderr);
  progress_shown = false;
}
