/* runtime/wsesim.c: the simulator's command line.
 *
 *   wsesim IMAGE.wimg [--input NAME=FILE.npy]... [--output NAME=FILE.npy]...
 *                     [--stats] [--stats-cores] [--stats-host] [--max-cycles N]
 *                     [--max-seconds S] [--threads N] [--quiet] [--trace FILE.json
 *                     [--trace-region X,Y,WxH] [--trace-cycles A:B]]
 *                     [--engine jit|interp] [--jit-threshold N] [--engine-stats]
 *
 * It loads and validates the image (backend/wimg.c), writes the inputs into
 * the cores that hold them, runs the machine (runtime/sim.c) and reads the
 * outputs back. Output files are written only after a successful run. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/wimg.h"
#include "common/f16.h"
#include "common/npy.h"
#include "backend/wmx.h"
#include "common/util.h"
#include "runtime/sim.h"
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --max-cycles accepts 1 ... MAX_CYCLES. */
#define MAX_CYCLES 1000000000000000000ULL
#define MAX_CYCLES_TEXT "1000000000000000000"
/* The largest .npy header wsesim reads: an input file may hold at most this
 * plus the input's values as f32 (so /dev/zero or a huge file is refused
 * before it is read). */
#define NPY_HEADER_MAX 65536
/* --repeat's most runs (each run's first output is kept per output piece) */
#define REPEAT_MAX 1000000

typedef struct NF { char *name; const char *file; } NF;

static _Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("wsesim: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void usage(FILE *f) {
  fputs("usage: wsesim IMAGE.wimg [--input NAME=FILE.npy]... [--output NAME=FILE.npy]...\n"
        "              [--stats] [--stats-cores] [--stats-svg FILE] [--stats-host] [--repeat N] [--max-cycles N] [--max-seconds S]\n"
        "              [--threads N] [--quiet]\n"
        "              [--trace FILE.json [--trace-region X,Y,WxH] [--trace-cycles A:B]]\n"
        "              [--engine jit|interp] [--jit-threshold N] [--engine-stats]\n"
        "  --memoryx FILE   the MemoryX weight store of an --exec=stream image (default: the .wmx beside it)\n"
        "  --stats          cycles, instructions, wavelets, hops; busy and FMAC utilisation (mean, max)\n"
        "  --stats-svg FILE per-core busy and FMAC utilisation as heat maps (SVG)\n"
        "  --stats-cores    also one line per core: busy %, FMAC utilisation %, instructions\n"
        "  --stats-host     the host's side: wall time, simulated cycles/s, peak memory, state per core\n"
        "  --max-cycles N   stop with an error after N cycles (default 100000000)\n"
        "  --repeat N       run the program N times on the same inputs, the runs overlapping as in a\n"
        "                   pipeline; --stats adds the latency, the steady-state rate and utilisation\n"
        "  --max-seconds S  stop with an error after S seconds of wall time\n"
        "  --threads N      step the cores with N threads (default and most: the host's cores); same results for every N\n"
        "  --threads-min K  ... in cycles with at least K cores awake (default 512; fewer take one thread)\n"
        "  --quiet          no progress line (shown on a terminal for runs longer than a second)\n"
        "  --trace F.json   a Chrome-trace/Perfetto trace: task and tensor-instruction spans per core,\n"
        "                   fabric counters; --trace-region and --trace-cycles keep it small\n"
        "  --engine jit|interp  who runs the element loops of tensor instructions on SRAM:\n"
        "                   native kernels from the LLVM JIT (the default when built with it)\n"
        "                   or the interpreter; results, cycles and stats are the same\n"
        "  --jit-threshold N  compile a shape of instruction once it has run N elements\n"
        "                   in the interpreter (default 1000000; 0: every shape at once)\n"
        "  --engine-stats   print the engine's kernels and compile time to stderr\n",
        f);
}

/* snprintf at buf[*o], never past n: a long list is cut, not overflowed
 * (an image may have many I/O names of 255 bytes). */
static void add(char *buf, size_t n, int *o, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t n, int *o, const char *fmt, ...) {
  if ((size_t)*o >= n) return;
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(buf + *o, n - (size_t)*o, fmt, ap);
  va_end(ap);
  *o = w < 0 || (size_t)w >= n - (size_t)*o ? (int)n : *o + w;
  if ((size_t)*o >= n && n > 4) memcpy(buf + n - 4, "...", 4);
}

static char *type_str(const WIo *io, char *buf, size_t n) {
  int o = 0;
  add(buf, n, &o, "%s[", io->dtype == WDT_F16 ? "f16" : io->dtype == WDT_BF16 ? "bf16" : "f32");
  for (int k = 0; k < io->rank; k++) add(buf, n, &o, "%s%u", k ? ", " : "", io->dim[k]);
  add(buf, n, &o, "]");
  return buf;
}

static void names(const WImage *img, int dir, char *buf, size_t n) {
  int o = 0;
  buf[0] = 0;
  for (uint32_t i = 0; i < img->nio; i++)
    if (img->io[i].dir == dir) add(buf, n, &o, "%s%s", o ? ", " : "", img->io[i].name);
  if (!o) snprintf(buf, n, "none");
}

static void parse_nf(const char *opt, const char *v, NF *nf) {
  const char *eq = strchr(v, '=');
  if (!eq || eq == v || !eq[1]) fail("%s expects NAME=FILE.npy, got '%s'", opt, v);
  nf->name = strndup(v, (size_t)(eq - v));
  nf->file = eq + 1;
}

/* Refuse an option naming a tensor twice: which file would win is a guess. */
static void no_repeat(const char *opt, const NF *v, int n, const NF *nf) {
  for (int j = 0; j < n; j++)
    if (!strcmp(v[j].name, nf->name)) fail("%s %s given twice ('%s' and '%s'); give each once", opt, nf->name, v[j].file, nf->file);
}

/* The file an input is read from must be a regular file no larger than the
 * input needs: its values as f32 (the larger dtype) plus NPY_HEADER_MAX. */
static void check_input_file(const char *file, const WIo *io, const char *type) {
  struct stat st;
  if (stat(file, &st) != 0) fail("%s: cannot read: %s", file, strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("%s: is a directory, not a .npy file (input '%s')", file, io->name);
  uint64_t n = wimg_io_count(io), limit = n * 4 + NPY_HEADER_MAX;
  if (!S_ISREG(st.st_mode))
    fail("%s: not a regular file; wsesim reads input '%s' (%s) from a regular .npy file of at most %llu bytes", file, io->name,
         type, (unsigned long long)limit);
  if ((uint64_t)st.st_size > limit)
    fail("%s: %llu bytes is more than input '%s' (%s) needs: at most %llu (its %llu values as f32 and a %d-byte header)", file,
         (unsigned long long)st.st_size, io->name, type, (unsigned long long)limit, (unsigned long long)n, NPY_HEADER_MAX);
}

/* The value of option `name` at argv[*i] ("--name V" or "--name=V"), or
 * NULL if argv[*i] is another option. */
static const char *optval(int argc, char **argv, int *i, const char *name) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) || (a[n] != 0 && a[n] != '=')) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (*i + 1 >= argc) fail("option '%s' needs a value", name);
  return argv[++*i];
}

/* A whole number 0 ... max from digits only (strtoull would take "-1"). */
static bool parse_u64(const char *v, uint64_t max, uint64_t *out) {
  unsigned long long x = 0;
  bool ok = *v != 0;
  for (const char *q = v; *q && ok; q++) {
    ok = *q >= '0' && *q <= '9' && x <= (max - (unsigned)(*q - '0')) / 10;
    x = x * 10 + (unsigned)(*q - '0');
  }
  *out = x;
  return ok;
}

/* Write the trace to FILE.tmp and rename it when complete, so a killed run
 * leaves no half-written trace under the name the user gave. */
static char *trace_tmp;
static void trace_tmp_remove(void) {
  if (trace_tmp) remove(trace_tmp);
}

int main(int argc, char **argv) {
  const char *image = NULL;
  bool stats = false, core_stats = false, host_stats = false, quiet = false;
  int engine = -1; /* SimEngine, or -1: the default */
  long long jit_threshold = -1; /* -1: the default */
  bool engine_stats = false;
  uint64_t max_cycles = 100000000ULL;
  double max_seconds = 0;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  uint64_t threads_min = SIM_THREADS_MIN_AWAKE, repeat = 1;
  int threads = ncpu < 1 ? 1 : ncpu > SIM_THREADS_MAX ? SIM_THREADS_MAX : (int)ncpu;
  const char *trace = NULL, *tregion = NULL, *tcycles = NULL, *memoryx = NULL, *stats_svg = NULL;
  int tx = 0, ty = 0, tw = 0, th = 0;
  uint64_t tc0 = 0, tc1 = UINT64_MAX;
  VEC(NF) ins = {0}, outs = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--stats")) {
      stats = true;
    } else if (!strcmp(a, "--stats-cores")) {
      stats = core_stats = true;
    } else if (!strcmp(a, "--stats-host")) {
      host_stats = true;
    } else if ((v = optval(argc, argv, &i, "--threads"))) {
      uint64_t n;
      if (!parse_u64(v, 1000000, &n) || n < 1 || n > SIM_THREADS_MAX)
        fail("--threads expects a whole number from 1 to %d, got '%s'", SIM_THREADS_MAX, v);
      threads = (int)n;
    } else if ((v = optval(argc, argv, &i, "--threads-min"))) {
      if (!parse_u64(v, 1000000000, &threads_min))
        fail("--threads-min expects a whole number of cores from 0 to 1000000000, got '%s'", v);
    } else if (!strcmp(a, "--quiet")) {
      quiet = true;
    } else if ((v = optval(argc, argv, &i, "--max-seconds"))) {
      char *end;
      errno = 0;
      max_seconds = strtod(v, &end);
      if (!*v || *end || errno || !(max_seconds > 0 && max_seconds <= 1e9))
        fail("--max-seconds expects a number of seconds above 0 and at most 1e9, got '%s'", v);
    } else if ((v = optval(argc, argv, &i, "--stats-svg"))) {
      if (!*v) fail("--stats-svg expects a file name");
      stats_svg = v;
    } else if ((v = optval(argc, argv, &i, "--repeat"))) {
      if (!parse_u64(v, REPEAT_MAX, &repeat) || repeat < 1)
        fail("--repeat expects a whole number of runs from 1 to %d, got '%s'", REPEAT_MAX, v);
    } else if ((v = optval(argc, argv, &i, "--memoryx"))) {
      if (!*v) fail("--memoryx expects a .wmx file name");
      memoryx = v;
    } else if ((v = optval(argc, argv, &i, "--trace-region"))) {
      tregion = v;
      unsigned x, y, w, h;
      char tail;
      if (sscanf(v, "%u,%u,%ux%u%c", &x, &y, &w, &h, &tail) != 4 || w == 0 || h == 0 || x > 100000 || y > 100000 || w > 100000 ||
          h > 100000)
        fail("--trace-region expects X,Y,WxH (the cores [X, X+W) x [Y, Y+H); W, H >= 1; each at most 100000), got '%s'", v);
      tx = (int)x, ty = (int)y, tw = (int)w, th = (int)h;
    } else if ((v = optval(argc, argv, &i, "--trace-cycles"))) {
      tcycles = v;
      const char *colon = strchr(v, ':');
      char a0[32] = "", b0[32] = "";
      bool ok = colon && (size_t)(colon - v) < sizeof a0 && strlen(colon + 1) < sizeof b0;
      if (ok) {
        memcpy(a0, v, (size_t)(colon - v));
        strcpy(b0, colon + 1);
        ok = parse_u64(a0, MAX_CYCLES, &tc0) && parse_u64(b0, MAX_CYCLES, &tc1) && tc0 <= tc1;
      }
      if (!ok) fail("--trace-cycles expects A:B, whole numbers with A <= B (at most %s), got '%s'", MAX_CYCLES_TEXT, v);
    } else if ((v = optval(argc, argv, &i, "--trace"))) {
      if (!*v) fail("--trace expects a file name");
      trace = v;
    } else if (!strcmp(a, "--engine-stats")) {
      engine_stats = true;
    } else if (!strncmp(a, "--engine", 8) && (a[8] == '=' || a[8] == 0)) {
      if (a[8] == 0 && i + 1 >= argc) fail("option '--engine' needs a value (jit or interp)");
      v = a[8] ? a + 9 : argv[++i];
      if (!strcmp(v, "jit")) engine = SIM_ENGINE_JIT;
      else if (!strcmp(v, "interp")) engine = SIM_ENGINE_INTERP;
      else fail("--engine expects jit or interp, got '%s'", v);
    } else if (!strncmp(a, "--jit-threshold", 15) && (a[15] == '=' || a[15] == 0)) {
      if (a[15] == 0 && i + 1 >= argc) fail("option '--jit-threshold' needs a value");
      v = a[15] ? a + 16 : argv[++i];
      char *end;
      errno = 0;
      jit_threshold = *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : -1;
      if (jit_threshold < 0 || *end || errno) fail("--jit-threshold expects a whole number of elements, got '%s'", v);
    } else if (!strncmp(a, "--input", 7) || !strncmp(a, "--output", 8) || !strncmp(a, "--max-cycles", 12)) {
      const char *name = !strncmp(a, "--input", 7) ? "--input" : !strncmp(a, "--output", 8) ? "--output" : "--max-cycles";
      size_t n = strlen(name);
      if (a[n] == '=') v = a + n + 1;
      else if (a[n] == 0 && i + 1 < argc) v = argv[++i];
      else if (a[n] == 0) fail("option '%s' needs a value", name);
      else fail("unknown option '%s' (see wsesim --help)", a);
      NF nf;
      if (name[2] == 'i') {
        parse_nf(name, v, &nf);
        no_repeat(name, ins.v, ins.n, &nf);
        VEC_PUSH(ins, nf);
      } else if (name[2] == 'o') {
        parse_nf(name, v, &nf);
        no_repeat(name, outs.v, outs.n, &nf);
        for (int j = 0; j < outs.n; j++)
          if (!strcmp(outs.v[j].file, nf.file)) fail("--output %s and --output %s both write '%s'", outs.v[j].name, nf.name, nf.file);
        VEC_PUSH(outs, nf);
      } else {
        uint64_t x;
        if (!parse_u64(v, MAX_CYCLES, &x) || x == 0)
          fail("--max-cycles expects a positive whole number, got '%s' (accepted: 1 to %s)", v, MAX_CYCLES_TEXT);
        max_cycles = x;
      }
    } else if (a[0] == '-' && a[1]) {
      fail("unknown option '%s' (see wsesim --help)", a);
    } else {
      if (image) fail("more than one image ('%s' and '%s')", image, a);
      image = a;
    }
  }
  if (!image) {
    usage(stderr);
    fail("no image given");
  }
  if (!trace && (tregion || tcycles)) fail("%s needs --trace FILE.json", tregion ? "--trace-region" : "--trace-cycles");
  size_t len;
  struct stat st;
  if (stat(image, &st) == 0 && S_ISDIR(st.st_mode)) fail("cannot read '%s': it is a directory, not a .wimg image", image);
  if (stat(image, &st) == 0 && !S_ISREG(st.st_mode)) fail("cannot read '%s': not a regular file", image);
  uint8_t *bytes = (uint8_t *)read_file(image, &len);
  if (!bytes) fail("cannot read '%s': %s", image, strerror(errno));
  WImage img;
  char err[512];
  if (wimg_read(bytes, len, &img, err, sizeof err) != 0) fail("%s: %s", image, err);
  uint64_t image_sum = wmx_header_checksum(bytes, len);
  free(bytes);

  char list[512], tb[96], sb[256];
  for (int j = 0; j < ins.n; j++) {
    bool ok = false;
    for (uint32_t i = 0; i < img.nio; i++) ok |= img.io[i].dir == WIO_IN && !strcmp(img.io[i].name, ins.v[j].name);
    if (!ok) {
      names(&img, WIO_IN, list, sizeof list);
      fail("--input %s: the image has no input named '%s' (inputs: %s)", ins.v[j].name, ins.v[j].name, list);
    }
  }
  for (int j = 0; j < outs.n; j++) {
    bool ok = false;
    for (uint32_t i = 0; i < img.nio; i++) ok |= img.io[i].dir == WIO_OUT && !strcmp(img.io[i].name, outs.v[j].name);
    if (!ok) {
      names(&img, WIO_OUT, list, sizeof list);
      fail("--output %s: the image has no output named '%s' (outputs: %s)", outs.v[j].name, outs.v[j].name, list);
    }
  }
  /* an output that cannot be written is refused before the run */
  for (int j = 0; j < outs.n; j++)
    if (stat(outs.v[j].file, &st) == 0 && S_ISDIR(st.st_mode))
      fail("--output %s: '%s' is a directory; give a file name", outs.v[j].name, outs.v[j].file);
  if (stats_svg && stat(stats_svg, &st) == 0 && S_ISDIR(st.st_mode))
    fail("--stats-svg: '%s' is a directory; give a file name", stats_svg);
  Sim *s = sim_new(&img, err, sizeof err);
  if (!s) fail("%s: %s", image, err);
  /* the weight store: --memoryx, or the .wmx beside the image */
  Wmx mx = {0};
  char *mxpath = NULL;
  mxpath = memoryx ? xstrdup(memoryx) : wmx_path_for(image);
  int ports = sim_ingress_ports(s);
  bool have_mx = memoryx || (ports && access(mxpath, F_OK) == 0);
  if (ports && !have_mx)
    fail("%s streams its weights from MemoryX (%d ingress port%s), but '%s' does not exist: give --memoryx FILE.wmx", image,
         ports, ports == 1 ? "" : "s", mxpath);
  if (have_mx) {
    if (stat(mxpath, &st) == 0 && S_ISDIR(st.st_mode)) fail("cannot read '%s': it is a directory, not a .wmx weight store", mxpath);
    if (stat(mxpath, &st) == 0 && !S_ISREG(st.st_mode)) fail("cannot read '%s': not a regular file", mxpath);
    uint8_t *mb = (uint8_t *)read_file(mxpath, &len);
    if (!mb) fail("cannot read '%s': %s", mxpath, strerror(errno));
    if (wmx_read(mb, len, &mx, err, sizeof err) != 0) fail("%s: %s", mxpath, err);
    free(mb);
    if (mx.image_checksum != image_sum)
      fail("%s: offset 0x20: field header.image_checksum: 0x%016llx, but %s has checksum 0x%016llx (the weight store belongs to "
           "another image; compile again)", mxpath, (unsigned long long)mx.image_checksum, image, (unsigned long long)image_sum);
    if (sim_set_memoryx(s, &mx, err, sizeof err) != 0) fail("%s: %s", mxpath, err);
  }
  if (repeat > 1 && ports)
    fail("--repeat: %s streams its weights from MemoryX (--exec=stream), and its weight streams run once; --repeat "
         "overlaps the runs of a pipeline (an --exec=pipeline image)", image);
  sim_set_repeat(s, (uint32_t)repeat);
  if (engine >= 0 && !sim_set_engine(s, (SimEngine)engine))
    fail("--engine jit: this wsesim was built without the JIT (WSECC_JIT=OFF)");
  if (jit_threshold >= 0) sim_set_jit_threshold(s, (uint64_t)jit_threshold);
  for (uint32_t i = 0; i < img.nio; i++) {
    const WIo *io = &img.io[i];
    if (io->dir != WIO_IN) continue;
    const char *file = NULL;
    for (int j = 0; j < ins.n; j++)
      if (!strcmp(ins.v[j].name, io->name)) file = ins.v[j].file;
    if (!file) fail("input '%s' (%s) was not given: pass --input %s=FILE.npy", io->name, type_str(io, tb, sizeof tb), io->name);
    check_input_file(file, io, type_str(io, tb, sizeof tb));
    NpyArray a;
    if (npy_read(file, &a, err, sizeof err) != 0) fail("%s: %s", file, err);
    bool same = a.rank == io->rank;
    for (int k = 0; k < io->rank && same; k++) same = a.dim[k] == io->dim[k];
    if (!same) {
      int o = 0;
      add(sb, sizeof sb, &o, "[");
      for (int k = 0; k < a.rank; k++) add(sb, sizeof sb, &o, "%s%lld", k ? ", " : "", (long long)a.dim[k]);
      add(sb, sizeof sb, &o, "]");
      fail("%s: has shape %s but input '%s' is %s", file, sb, io->name, type_str(io, tb, sizeof tb));
    }
    sim_write_input(s, io, a.data);
    npy_free(&a);
  }
  if (!quiet && isatty(2)) sim_set_progress(s, stderr);
  sim_set_threads(s, threads, threads_min);
  if (max_seconds > 0) sim_set_max_seconds(s, max_seconds);
  FILE *tf = NULL;
  if (trace) {
    if (stat(trace, &st) == 0 && S_ISDIR(st.st_mode)) fail("--trace: '%s' is a directory; give a file name", trace);
    trace_tmp = xmalloc(strlen(trace) + 5);
    sprintf(trace_tmp, "%s.tmp", trace);
    tf = fopen(trace_tmp, "w");
    if (!tf) fail("--trace: cannot write '%s': %s", trace_tmp, strerror(errno));
    atexit(trace_tmp_remove);
    sim_set_trace(s, tf, tx, ty, tw, th, tc0, tc1);
  }
  double t0 = wall_seconds();
  int rc = sim_run(s, max_cycles, stderr);
  double secs = wall_seconds() - t0;
  if (tf) {
    /* complete even when the run failed: a trace of a stuck run shows where */
    if (fclose(tf) != 0 || rename(trace_tmp, trace) != 0) fail("--trace: cannot write '%s': %s", trace, strerror(errno));
    free(trace_tmp);
    trace_tmp = NULL;
  }
  if (engine_stats) sim_print_engine_stats(s, stderr);
  if (rc == 0) {
    for (int j = 0; j < outs.n; j++)
      for (uint32_t i = 0; i < img.nio; i++) {
        const WIo *io = &img.io[i];
        if (io->dir != WIO_OUT || strcmp(io->name, outs.v[j].name)) continue;
        uint64_t n = 1;
        int64_t dim[WIMG_MAXRANK];
        for (int k = 0; k < io->rank; k++) {
          n *= io->dim[k];
          dim[k] = io->dim[k];
        }
        float *data = xmalloc(sizeof(float) * n);
        sim_read_output(s, io, data);
        if (npy_write(outs.v[j].file, io->dtype == WDT_F16, io->rank, dim, data, err, sizeof err) != 0)
          fail("%s: %s", outs.v[j].file, err);
        free(data);
      }
    if (stats) sim_print_stats(s, stdout);
    if (stats_svg) {
      Buf sv = {0};
      sim_write_stats_svg(s, &sv);
      if (write_file_atomic(stats_svg, sv.data, sv.len) != 0) fail("--stats-svg: cannot write '%s': %s", stats_svg, strerror(errno));
      buf_free(&sv);
    }
    if (core_stats) sim_print_core_stats(s, stdout);
    if (host_stats) {
      SimMemory m;
      sim_memory(s, &m);
      struct rusage ru;
      getrusage(RUSAGE_SELF, &ru);
      printf("host              %.3f s, %.0f cycles/s, peak RSS %.1f MB, %d thread%s\n", secs,
             secs > 0 ? (double)sim_stats(s)->cycles / secs : 0.0, (double)ru.ru_maxrss / 1024.0, sim_threads(s),
             sim_threads(s) == 1 ? "" : "s");
      const SimStats *ss = sim_stats(s);
      double per = secs > 0 ? 1e-6 / secs : 0.0;
      printf("host rates        %.2f M wavelet hops/s, %.2f M FMAC/s (%llu FMAC elements), %.1f M core-cycles/s\n",
             (double)ss->hops * per, (double)ss->fmac_elements * per, (unsigned long long)ss->fmac_elements,
             (double)ss->cycles * (double)m.prog_cores * per);
      printf("host memory       %.0f bytes of state per core (%llu cores, %llu with programs), SRAM %.1f MB allocated\n",
             m.cores ? (double)m.state_bytes / (double)m.cores : 0.0, (unsigned long long)m.cores,
             (unsigned long long)m.prog_cores, (double)m.sram_bytes / 1048576.0);
    }
  }
  sim_free(s);
  wmx_free(&mx);
  free(mxpath);
  wimg_free(&img);
  for (int j = 0; j < ins.n; j++) free(ins.v[j].name);
  for (int j = 0; j < outs.n; j++) free(outs.v[j].name);
  VEC_FREE(ins);
  VEC_FREE(outs);
  return rc;
}
