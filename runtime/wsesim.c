/* runtime/wsesim.c: the simulator's command line.
 *
 *   wsesim IMAGE.wimg [--input NAME=FILE.npy]... [--output NAME=FILE.npy]...
 *                     [--stats] [--stats-cores] [--max-cycles N]
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
#include "common/util.h"
#include "runtime/sim.h"
#include <sys/stat.h>
#include <unistd.h>

/* --max-cycles accepts 1 ... MAX_CYCLES. */
#define MAX_CYCLES 1000000000000000000ULL
#define MAX_CYCLES_TEXT "1000000000000000000"
/* The largest .npy header wsesim reads: an input file may hold at most this
 * plus the input's values as f32 (so /dev/zero or a huge file is refused
 * before it is read). */
#define NPY_HEADER_MAX 65536

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
        "              [--stats] [--stats-cores] [--max-cycles N]\n"
        "              [--engine jit|interp] [--jit-threshold N] [--engine-stats]\n"
        "  --stats        cycles, instructions, wavelets, hops; busy and FMAC utilisation (mean, max)\n"
        "  --stats-cores  also one line per core: busy %, FMAC utilisation %, instructions\n"
        "  --engine jit|interp  who runs the element loops of tensor instructions on SRAM:\n"
        "                 native kernels from the LLVM JIT (the default when built with it)\n"
        "                 or the interpreter; results, cycles and stats are the same\n"
        "  --jit-threshold N  compile a shape of instruction once it has run N elements\n"
        "                 in the interpreter (default 1000000; 0: every shape at once)\n"
        "  --engine-stats print the engine's kernels and compile time to stderr\n",
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
  uint64_t n = 1;
  for (int k = 0; k < io->rank; k++) n *= io->dim[k];
  uint64_t limit = n * 4 + NPY_HEADER_MAX;
  if (!S_ISREG(st.st_mode))
    fail("%s: not a regular file; wsesim reads input '%s' (%s) from a regular .npy file of at most %llu bytes", file, io->name,
         type, (unsigned long long)limit);
  if ((uint64_t)st.st_size > limit)
    fail("%s: %llu bytes is more than input '%s' (%s) needs: at most %llu (its %llu values as f32 and a %d-byte header)", file,
         (unsigned long long)st.st_size, io->name, type, (unsigned long long)limit, (unsigned long long)n, NPY_HEADER_MAX);
}

int main(int argc, char **argv) {
  const char *image = NULL;
  bool stats = false, core_stats = false;
  int engine = -1; /* SimEngine, or -1: the default */
  long long jit_threshold = -1; /* -1: the default */
  bool engine_stats = false;
  uint64_t max_cycles = 100000000ULL;
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
        /* digits only: strtoull would take "-1" as 2^64-1 */
        unsigned long long x = 0;
        bool ok = *v != 0;
        for (const char *q = v; *q && ok; q++) {
          ok = *q >= '0' && *q <= '9' && x <= (MAX_CYCLES - (unsigned)(*q - '0')) / 10;
          x = x * 10 + (unsigned)(*q - '0');
        }
        if (!ok || x == 0)
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
  size_t len;
  struct stat st;
  if (stat(image, &st) == 0 && S_ISDIR(st.st_mode)) fail("cannot read '%s': it is a directory, not a .wimg image", image);
  if (stat(image, &st) == 0 && !S_ISREG(st.st_mode)) fail("cannot read '%s': not a regular file", image);
  uint8_t *bytes = (uint8_t *)read_file(image, &len);
  if (!bytes) fail("cannot read '%s': %s", image, strerror(errno));
  WImage img;
  char err[512];
  if (wimg_read(bytes, len, &img, err, sizeof err) != 0) fail("%s: %s", image, err);
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
  Sim *s = sim_new(&img, err, sizeof err);
  if (!s) fail("%s: %s", image, err);
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
  int rc = sim_run(s, max_cycles, stderr);
  if (engine_stats) sim_print_engine_stats(s, stderr);
  if (rc == 0) {
    for (int j = 0; j < outs.n; j++)
      for (uint32_t i = 0; i < img.nio; i++) {
        const WIo *io = &img.io[i];
        if (io->dir != WIO_OUT || strcmp(io->name, outs.v[j].name)) continue;
        uint64_t n = 1;
        int64_t dim[4];
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
    if (core_stats) sim_print_core_stats(s, stdout);
  }
  sim_free(s);
  wimg_free(&img);
  for (int j = 0; j < ins.n; j++) free(ins.v[j].name);
  for (int j = 0; j < outs.n; j++) free(outs.v[j].name);
  VEC_FREE(ins);
  VEC_FREE(outs);
  return rc;
}
