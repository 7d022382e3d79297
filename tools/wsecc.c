/* tools/wsecc.c: the compiler driver.
 *
 *   wsecc MODEL.wdl|MODEL.wir [-o OUT] [--emit=wimg|wir|asm|routes] ...
 *
 * The pipeline is the flat list passes/pipeline.c: pass_list. A .wir input
 * resumes after the stage named in its header. After every pass the IR
 * verifier runs; --print-before/--print-after/--print-after-all print the IR
 * to stderr, --dump-dir writes one numbered file per pass (01-infer.wir ...).
 * Output files are written atomically and only when the run succeeded.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/emit.h"
#include "backend/wmx.h"
#include "passes/cost.h"
#include "backend/wimg.h"
#include "common/f16.h"
#include "common/npy.h"
#include "frontend/wdl.h"
#include "ir/diag.h"
#include "ir/ir.h"
#include "passes/passes.h"
#include "targets/target.h"
#include "tools/lists.h"
#include "tools/timing.h"

/* A .wir dump holds no param values (load() paths only): 1 GiB is far more
 * than any real one. */
#define WIR_MAX_SOURCE ((size_t)1 << 30)

typedef struct NamedFile { const char *name, *file; } NamedFile;
typedef VEC(NamedFile) NamedFiles;

typedef struct Opts {
  const char *input, *output, *emit, *target, *grid, *exec;
  const char *print_after, *print_before, *stop_after, *dump_dir;
  bool print_after_all, list_passes, reference, stats, time_passes;
  NamedFiles inputs, outputs;
} Opts;

static void usage(FILE *f) {
  fputs("usage: wsecc MODEL.wdl|MODEL.wir [options]\n"
        "  -o FILE                output file (default: MODEL.wimg for --emit=wimg, stdout otherwise)\n"
        "  --emit=KIND            wimg (default), wir (the IR text), asm (per-core programs),\n"
        "                         routes (the routing table), svg (the mapping as a picture)\n"
        "  --target NAME|FILE.xml target machine (default: wse2; built-in: wse2 wse3 small tiny)\n"
        "  --grid WxH             use at most W x H cores\n"
        "  --exec=MODE            pipeline (weights preloaded, a rectangle per op), stream (matmul\n"
        "                         weights stream in from MemoryX: also writes MODEL.wmx) or auto\n"
        "                         (default: pipeline unless its weights could not be preloaded\n"
        "                         once each; a note says why stream was chosen)\n"
        "  --print-after-all      print the IR after every pass (to stderr)\n"
        "  --print-after=PASS     print the IR after PASS\n"
        "  --print-before=PASS    print the IR before PASS\n"
        "  --stop-after=PASS      stop after PASS (default output: the IR text)\n"
        "  --dump-dir=DIR         write the IR after every pass to DIR/NN-PASS.wir\n"
        "  --list-passes          list the passes in pipeline order\n"
        "  --time-passes          wall time and peak memory of each pass (stderr)\n"
        "  --list-ops, --list-opcodes, --list-target-params\n"
        "                         print the op table, the ISA's opcodes or the target parameters\n"
        "  --stats                print mapping statistics (to stderr) after the last pass\n"
        "  --color=auto|always|never  colour in diagnostics (auto: when stderr is a terminal)\n"
        "  --reference            evaluate the model on the host from the IR (no mapping)\n"
        "  --input NAME=FILE.npy  an input for --reference\n"
        "  --output NAME=FILE.npy write an output of --reference\n",
        f);
}

static _Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("wsecc: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

/* The value of --name=V or --name V; an empty value is an error (every
 * option takes a non-empty one). */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  const char *a = argv[*i], *v = NULL;
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '=') v = a + n + 1;
  else if (a[n] == 0) {
    if (*i + 1 >= argc) fail("option '%s' needs a value", name);
    v = argv[++*i];
  } else return NULL;
  if (!*v) fail("option '%s' needs a value (got an empty one)", name);
  return v;
}

/* An option that takes one value may be given once: a second -o or
 * --target would silently win, which hides mistakes in scripts. */
static void once(const char **slot, const char *opt, const char *v) {
  if (*slot) fail("option '%s' given twice ('%s' and '%s')", opt, *slot, v);
  *slot = v;
}

/* A whole number in [lo, hi] made of all of s..end: digits only (no sign,
 * no spaces), checked against the bound digit by digit, so no overflow. */
static bool parse_int(const char *s, const char *end, long lo, long hi, long *out) {
  if (s == end) return false;
  long v = 0;
  for (const char *p = s; p < end; p++) {
    if (*p < '0' || *p > '9') return false;
    v = v * 10 + (*p - '0');
    if (v > hi) return false;
  }
  if (v < lo) return false;
  *out = v;
  return true;
}

/* NAME=FILE.npy, each NAME once. */
static void named_file(const char *opt, const char *v, NamedFiles *list) {
  const char *eq = strchr(v, '=');
  if (!eq || eq == v || !eq[1]) fail("%s expects NAME=FILE.npy, got '%s'", opt, v);
  size_t n = (size_t)(eq - v);
  for (int i = 0; i < list->n; i++)
    if (strlen(list->v[i].name) == n && !strncmp(list->v[i].name, v, n))
      fail("%s %.*s given twice ('%s' and '%s')", opt, (int)n, v, list->v[i].file, eq + 1);
  NamedFile nf = {strndup(v, n), eq + 1};
  VEC_PUSH(*list, nf);
}

static void parse_args(int argc, char **argv, Opts *o) {
  const char *color = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      exit(0);
    } else if (!strcmp(a, "-o")) {
      if (i + 1 >= argc) fail("option '-o' needs a file name");
      if (!argv[i + 1][0]) fail("option '-o' needs a file name (got an empty one)");
      once(&o->output, "-o", argv[++i]);
    } else if ((v = opt_value(argc, argv, &i, "--emit"))) {
      if (strcmp(v, "wimg") && strcmp(v, "wir") && strcmp(v, "asm") && strcmp(v, "routes") && strcmp(v, "svg"))
        fail("unknown --emit kind '%s' (expected wimg, wir, asm, routes or svg)", v);
      once(&o->emit, "--emit", v);
    } else if ((v = opt_value(argc, argv, &i, "--target"))) {
      once(&o->target, "--target", v);
    } else if ((v = opt_value(argc, argv, &i, "--grid"))) {
      once(&o->grid, "--grid", v);
    } else if ((v = opt_value(argc, argv, &i, "--exec"))) {
      if (strcmp(v, "pipeline") && strcmp(v, "stream") && strcmp(v, "auto"))
        fail("unknown --exec mode '%s' (expected pipeline, stream or auto)", v);
      once(&o->exec, "--exec", v);
    } else if (!strcmp(a, "--print-after-all")) {
      o->print_after_all = true;
    } else if ((v = opt_value(argc, argv, &i, "--print-after"))) {
      once(&o->print_after, "--print-after", v);
    } else if ((v = opt_value(argc, argv, &i, "--print-before"))) {
      once(&o->print_before, "--print-before", v);
    } else if ((v = opt_value(argc, argv, &i, "--stop-after"))) {
      once(&o->stop_after, "--stop-after", v);
    } else if ((v = opt_value(argc, argv, &i, "--dump-dir"))) {
      once(&o->dump_dir, "--dump-dir", v);
    } else if ((v = opt_value(argc, argv, &i, "--color"))) {
      once(&color, "--color", v);
      if (!strcmp(v, "auto")) diag_set_color(DIAG_COLOR_AUTO);
      else if (!strcmp(v, "always")) diag_set_color(DIAG_COLOR_ALWAYS);
      else if (!strcmp(v, "never")) diag_set_color(DIAG_COLOR_NEVER);
      else fail("--color expects auto, always or never, got '%s'", v);
    } else if (!strcmp(a, "--stats")) {
      o->stats = true;
    } else if (!strcmp(a, "--time-passes")) {
      o->time_passes = true;
    } else if (!strcmp(a, "--list-ops") || !strcmp(a, "--list-opcodes") || !strcmp(a, "--list-target-params")) {
      wsecc_list(a + strlen("--list-"), stdout); /* the tables behind docs/ir.md, isa.md, targets.md */
      exit(0);
    } else if (!strcmp(a, "--list-passes")) {
      o->list_passes = true;
    } else if (!strcmp(a, "--reference")) {
      o->reference = true;
    } else if ((v = opt_value(argc, argv, &i, "--input"))) {
      named_file("--input", v, &o->inputs);
    } else if ((v = opt_value(argc, argv, &i, "--output"))) {
      named_file("--output", v, &o->outputs);
    } else if (a[0] == '-' && a[1]) {
      fail("unknown option '%s' (see wsecc --help)", a);
    } else {
      if (o->input) fail("more than one input file ('%s' and '%s')", o->input, a);
      if (!a[0]) fail("the input file name is empty");
      o->input = a;
    }
  }
}

/* Writing an output over an input would destroy it (wsecc s.wdl -o s.wdl
 * replaced the source with the image): refuse, whatever the path says -
 * ./s.wdl, a symlink and a hard link are all the same file (st_dev and
 * st_ino). An output that does not exist yet cannot be an input. */
static void not_an_input(const char *out, const Opts *o) {
  struct stat so, si;
  if (!out || !strcmp(out, "-") || stat(out, &so) != 0) return;
  const char *ins[1 + 256];
  int n = 0;
  ins[n++] = o->input;
  for (int i = 0; i < o->inputs.n && n < (int)ARRAY_LEN(ins); i++) ins[n++] = o->inputs.v[i].file;
  for (int i = 0; i < n; i++)
    if (stat(ins[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
      fail("refusing to write '%s': it is the input file '%s'", out, ins[i]);
}

static const PassInfo *find_pass(const char *name, const char *opt) {
  for (const PassInfo *p = pass_list; p->name; p++)
    if (!strcmp(p->name, name)) return p;
  fprintf(stderr, "wsecc: error: %s: unknown pass '%s' (passes:", opt, name);
  for (const PassInfo *p = pass_list; p->name; p++) fprintf(stderr, " %s", p->name);
  fprintf(stderr, ")\n");
  exit(1);
}

static bool ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcmp(s + n - m, suf);
}

static void print_ir(const IrModule *m, const char *when, const char *pass) {
  Buf b = {0};
  buf_printf(&b, "// *** IR %s %s ***\n", when, pass);
  ir_print(m, &b);
  fwrite(b.data, 1, b.len, stderr);
  buf_free(&b);
}

static void write_out(const char *path, const void *data, size_t len) {
  if (!path || !strcmp(path, "-")) {
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) fail("cannot write to stdout: %s", strerror(errno));
    return;
  }
  if (write_file_atomic(path, data, len) != 0) fail("cannot write '%s': %s", path, strerror(errno));
}

/* --stats: what the mapping passes decided, in numbers. */
static void print_stats(const IrModule *m, const Target *t) {
  int ops = 0, placed = 0, views = 0, matmuls = 0, x0 = INT_MAX, y0 = INT_MAX, x1 = 0, y1 = 0;
  int64_t cores = 0, params = 0;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (op->kind == IR_OUTPUT) continue;
    ops++;
    if (op->kind == IR_PARAM) params += shape_count(&op->shape);
    if (ir_is_view_kind(op) && !op->placed) views++;
    matmuls += op->kind == IR_MATMUL && op->placed;
    if (!op->placed || op->host) continue; /* in place on another op's cores */
    placed++;
    cores += (int64_t)op->place.w * op->place.h;
    if (op->place.x < x0) x0 = op->place.x;
    if (op->place.y < y0) y0 = op->place.y;
    if (op->place.x + op->place.w > x1) x1 = op->place.x + op->place.w;
    if (op->place.y + op->place.h > y1) y1 = op->place.y + op->place.h;
  }
  if (!placed) x0 = y0 = 0;
  fprintf(stderr, "mapping of '%s' on %s (%ux%u cores), stage %s\n", m->name, t->name, t->grid_w, t->grid_h,
          ir_stage_name(m->stage));
  fprintf(stderr, "  ops            %d (%d placed, %d matmuls, %d views), %lld parameters\n", ops, placed, matmuls, views,
          (long long)params);
  if (m->stage >= STAGE_PLACE)
    fprintf(stderr, "  cores          %lld in rectangles, region %dx%d at (%d,%d) (%.1f%% of the wafer)\n", (long long)cores,
            x1 - x0, y1 - y0, x0, y0, 100.0 * (double)cores / ((double)t->grid_w * t->grid_h));
  if (m->stage >= STAGE_ROUTE) {
    int64_t hops = 0, dests = 0;
    for (int i = 0; i < m->nnets; i++) {
      hops += m->nets[i]->nhop;
      dests += m->nets[i]->ndst;
    }
    int maxc = -1;
    for (int i = 0; i < m->nnets; i++) maxc = m->nets[i]->color > maxc ? m->nets[i]->color : maxc;
    fprintf(stderr, "  nets           %d (%lld destinations, %lld router entries), colors used %d of %u\n", m->nnets,
            (long long)dests, (long long)hops, maxc + 1, t->colors);
  }
  if (m->stage >= STAGE_ALLOC) {
    int64_t maxb = 0, insns = 0;
    int maxd = 0, maxi = 0;
    for (int i = 0; i < m->ncores; i++) {
      const IrCore *c = m->cores[i];
      maxb = c->data_end > maxb ? c->data_end : maxb;
      maxd = c->ndsr > maxd ? c->ndsr : maxd;
      maxi = c->ninsn > maxi ? c->ninsn : maxi;
      insns += c->ninsn;
    }
    fprintf(stderr, "  programs       %d cores, %lld instructions, at most %d per core\n", m->ncores, (long long)insns, maxi);
    fprintf(stderr, "  per core       at most %lld of %u bytes of SRAM, %d of %u DSRs\n", (long long)maxb, t->sram_bytes, maxd,
            t->dsrs);
  }
  /* --exec=stream: the cost model's prediction for each streamed layer
   * (passes/cost.c), to set beside what wsesim --stats measures */
  double total = 0;
  int nstream = 0;
  for (int i = 0; i < m->nops && m->stage >= STAGE_PLACE; i++) {
    const IrOp *op = m->ops[i];
    if (!op->stream) continue;
    float *B = ir_known_values(op->arg[1]);
    if (!B) continue;
    StreamCost c;
    cost_stream(op, t, B, &c);
    free(B);
    char sa[64], sb[64];
    fprintf(stderr, "  stream %%%-6s %s @ %s on %dx%d: %lld rows x %.0f cycles (compute %.0f, ingress %.0f, ring %.0f) "
            "= %.0f cycles, %s-bound; density %.1f%%, FMAC %.1f%%\n", op->name, shape_str(&op->arg[0]->shape, sa, sizeof sa),
            shape_str(&op->arg[1]->shape, sb, sizeof sb), op->place.w, op->place.h, (long long)c.rows, c.per_row, c.compute,
            c.ingress, c.ring, c.cycles, c.bound, 100.0 * (double)c.nonzero / (double)c.dense, 100.0 * c.fmac_util);
    total += c.cycles;
    nstream++;
  }
  if (nstream)
    fprintf(stderr, "  stream layers  %d, %.0f cycles predicted if they run one after another (%.1f us at %u MHz)\n",
            nstream, total, total / t->clock_mhz, t->clock_mhz);
  if (m->resident && m->stage >= STAGE_PLACE) { /* the program runs its ops one after another: their sum */
    double other = 0;
    int nother = 0;
    for (int i = 0; i < m->nops; i++) {
      const IrOp *op = m->ops[i];
      if (!op->placed || op->stream || op->kind == IR_INPUT) continue;
      other += cost_resident(op, t);
      nother++;
    }
    fprintf(stderr, "  resident       %.0f cycles predicted for the whole program: the stream layers and %d other ops "
            "(%.0f cycles), one after another (%.1f us)\n", total + other, nother, other, (total + other) / t->clock_mhz);
  }
}

/* --reference: evaluate on the host straight from the typed IR. */
static int run_reference(IrModule *m, Opts *o) {
  int nin = 0, nout = 0;
  for (int i = 0; i < m->nops; i++) {
    if (m->ops[i]->kind == IR_INPUT) nin++;
    if (m->ops[i]->kind == IR_OUTPUT) nout++;
  }
  float **in = xcalloc((size_t)nin + 1, sizeof(float *));
  float **out = xcalloc((size_t)nout + 1, sizeof(float *));
  for (int j = 0; j < o->inputs.n; j++) {
    IrOp *op = ir_find_op(m, o->inputs.v[j].name);
    if (!op || op->kind != IR_INPUT) fail("--input %s: the model has no input named '%s'", o->inputs.v[j].name, o->inputs.v[j].name);
  }
  int k = 0;
  char err[256], sa[64], sb[64];
  for (int i = 0; i < m->nops; i++) {
    IrOp *op = m->ops[i];
    if (op->kind != IR_INPUT) continue;
    const char *file = NULL;
    for (int j = 0; j < o->inputs.n; j++)
      if (!strcmp(o->inputs.v[j].name, op->name)) file = o->inputs.v[j].file;
    if (!file)
      fail("input '%s' (%s%s) was not given: pass --input %s=FILE.npy", op->name, ir_dtype_name(op->dt),
           shape_str(&op->shape, sa, sizeof sa), op->name);
    NpyArray a;
    if (npy_read(file, &a, err, sizeof err) != 0) fail("%s: %s", file, err);
    Shape s = {a.rank > IR_MAXRANK ? IR_MAXRANK : a.rank, {0}};
    for (int d = 0; d < s.rank; d++) s.d[d] = a.dim[d];
    if (a.rank != op->shape.rank || !shape_eq(&s, &op->shape))
      fail("%s: has shape %s but input '%s' is %s%s", file, shape_str(&s, sa, sizeof sa), op->name,
           ir_dtype_name(op->dt), shape_str(&op->shape, sb, sizeof sb));
    if (op->dt != DT_F32)
      for (int64_t e = 0; e < a.count; e++) a.data[e] = ir_round(op->dt, a.data[e]);
    in[k++] = a.data;
  }
  for (int j = 0; j < o->outputs.n; j++) {
    IrOp *op = NULL;
    for (int i = 0; i < m->nops; i++)
      if (m->ops[i]->kind == IR_OUTPUT && !strcmp(m->ops[i]->name, o->outputs.v[j].name)) op = m->ops[i];
    if (!op) fail("--output %s: the model has no output named '%s'", o->outputs.v[j].name, o->outputs.v[j].name);
  }
  int rc = ir_eval(m, in, out);
  if (rc == 0) {
    k = 0;
    for (int i = 0; i < m->nops; i++) {
      IrOp *op = m->ops[i];
      if (op->kind != IR_OUTPUT) continue;
      for (int j = 0; j < o->outputs.n; j++)
        if (!strcmp(o->outputs.v[j].name, op->name) &&
            npy_write(o->outputs.v[j].file, op->dt == DT_F16, op->shape.rank, op->shape.d, out[k], err, sizeof err) != 0)
          fail("%s: %s", o->outputs.v[j].file, err);
      k++;
    }
  }
  for (int i = 0; i < nin; i++) free(in[i]);
  for (int i = 0; i < nout; i++) free(out[i]);
  free(in);
  free(out);
  return rc == 0 ? 0 : 1;
}

/* Every exit path (fail() included) frees the module, so sanitizers and
 * valgrind see no leaks whatever the outcome. */
static IrModule *the_module;
static Opts *the_opts;
static void cleanup(void) {
  ir_param_prefetch_end();
  ir_free(the_module);
  the_module = NULL;
  diag_free_sources();
  if (the_opts) {
    for (int i = 0; i < the_opts->inputs.n; i++) free((char *)the_opts->inputs.v[i].name);
    for (int i = 0; i < the_opts->outputs.n; i++) free((char *)the_opts->outputs.v[i].name);
    VEC_FREE(the_opts->inputs);
    VEC_FREE(the_opts->outputs);
  }
}

int main(int argc, char **argv) {
  static Opts o; /* static: cleanup() reads it after main returns */
  the_opts = &o;
  atexit(cleanup);
  parse_args(argc, argv, &o);
  if (o.list_passes) {
    for (const PassInfo *p = pass_list; p->name; p++) printf("%-6s  %s\n", p->name, p->summary);
    return 0;
  }
  if (!o.input) {
    usage(stderr);
    fail("no input file");
  }
  const PassInfo *pa = o.print_after ? find_pass(o.print_after, "--print-after") : NULL;
  const PassInfo *pb = o.print_before ? find_pass(o.print_before, "--print-before") : NULL;
  const PassInfo *stop = o.stop_after ? find_pass(o.stop_after, "--stop-after") : NULL;
  const char *emit = o.emit ? o.emit : (stop ? "wir" : "wimg");
  if (o.reference && o.emit) fail("--reference writes its outputs with --output; it does not take --emit");
  if (!o.reference && (o.inputs.n || o.outputs.n)) fail("--input/--output go with --reference (to simulate an image, use wsesim)");
  not_an_input(o.output, &o);
  for (int j = 0; j < o.outputs.n; j++) not_an_input(o.outputs.v[j].file, &o);

  diag_set_before_print(progress_end);
  timing_phase("parse");
  IrModule *m;
  if (ends_with(o.input, ".wir")) {
    size_t len;
    char *text = read_file_max(o.input, WIR_MAX_SOURCE, &len);
    char eb[96];
    if (!text) fail("cannot read '%s': %s", o.input, read_file_error(errno, WIR_MAX_SOURCE, eb, sizeof eb));
    diag_set_source(o.input, text);
    m = ir_parse(o.input, text);
    free(text);
  } else {
    m = wdl_parse_file(o.input);
  }
  the_module = m;
  if (!m || diag_errors()) return 1;
  if (o.target) m->target = arena_strdup(&m->arena, o.target);
  if (o.grid) {
    long w, h;
    const char *x = strchr(o.grid, 'x');
    if (!x || !parse_int(o.grid, x, 1, 4096, &w) || !parse_int(x + 1, x + strlen(x), 1, 4096, &h))
      fail("--grid expects WxH with whole numbers from 1 to 4096 (e.g. --grid 32x16), got '%s'", o.grid);
    m->grid_w = (int)w;
    m->grid_h = (int)h;
  }
  bool exec_auto = !o.exec || !strcmp(o.exec, "auto");
  if (!exec_auto) {
    bool s = !strcmp(o.exec, "stream");
    /* a .wir placed for one mode is that mode's mapping */
    if (m->wir && m->stage >= STAGE_PLACE && s != m->exec_stream)
      fail("%s is placed for --exec=%s (its header %s 'exec stream'); --exec=%s would need it placed again: give an "
           "earlier dump or the .wdl", o.input, m->exec_stream ? "stream" : "pipeline", m->exec_stream ? "says" : "has no",
           o.exec);
    m->exec_stream = s;
  }
  Target t;
  char err[512];
  if (target_load(m->target, &t, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  if (m->grid_w > (int)t.grid_w || m->grid_h > (int)t.grid_h)
    fail("--grid %dx%d is larger than target '%s' (%ux%u cores)", m->grid_w, m->grid_h, t.name, t.grid_w, t.grid_h);
  /* a .wir is user input: check all of it for its stage (passes/checkwir.c) */
  timing_phase("check");
  if (!pass_check_wir(m, &t)) return 1;
  /* an image holds param values: draw the big randn() ones while the passes run */
  if (!o.reference && (!strcmp(emit, "wimg") || !strcmp(emit, "asm"))) ir_param_prefetch(m);

  if (o.dump_dir && mkdir(o.dump_dir, 0777) != 0 && errno != EEXIST)
    fail("cannot create --dump-dir '%s': %s", o.dump_dir, strerror(errno));

  int status = 0;
  int index = 0, npass = 0;
  for (const PassInfo *p = pass_list; p->name; p++) npass++;
  for (const PassInfo *p = pass_list; p->name; p++) {
    index++;
    if (o.reference && p->stage > STAGE_INFER) break;
    if (p->stage <= m->stage) {
      if (stop == p) break;
      continue;
    }
    if (pb == p) print_ir(m, "before", p->name);
    progress_pass(p->name, index, npass);
    timing_phase(p->name);
    if (!p->run(m, &t) || diag_errors()) {
      status = 1;
      break;
    }
    m->stage = p->stage;
    /* --exec=auto: with the shapes known, pipeline or stream (passes/split.c) */
    if (p->stage == STAGE_INFER && exec_auto && !o.reference) split_choose_exec(m, &t);
    timing_phase("verify");
    ir_verify(m, p->name);
    if (o.print_after_all || pa == p) print_ir(m, "after", p->name);
    if (o.dump_dir) {
      Buf b = {0};
      ir_print(m, &b);
      char path[4096];
      snprintf(path, sizeof path, "%s/%02d-%s.wir", o.dump_dir, index, p->name);
      if (write_file_atomic(path, b.data, b.len) != 0) fail("cannot write '%s': %s", path, strerror(errno));
      buf_free(&b);
    }
    if (stop == p) break;
  }

  progress_end();
  timing_phase(o.reference ? "evaluate" : "emit");
  if (o.stats && m->stage >= STAGE_INFER) print_stats(m, &t);
  if (status == 0 && o.reference) {
    status = run_reference(m, &o);
  } else if (status == 0) {
    Buf b = {0};
    if (!strcmp(emit, "wir")) {
      ir_print(m, &b);
      write_out(o.output, b.data, b.len);
    } else if (!strcmp(emit, "svg")) {
      /* from stage place on: a placement that does not route can be seen
       * with --stop-after=place (no link heat then) */
      if (m->stage < STAGE_PLACE) fail("--emit=svg needs the place pass (drop --stop-after=%s)", o.stop_after);
      be_print_svg(m, &t, &b);
      write_out(o.output, b.data, b.len);
    } else if (!strcmp(emit, "routes")) {
      if (m->stage < STAGE_ROUTE) fail("--emit=routes needs the route pass (drop --stop-after=%s)", o.stop_after);
      be_print_routes(m, &b);
      write_out(o.output, b.data, b.len);
    } else {
      if (m->stage < STAGE_ALLOC)
        fail("--emit=%s needs the whole pipeline (drop --stop-after=%s or use --emit=wir)", emit, o.stop_after);
      WImage img;
      if (!be_emit(m, &t, &img)) {
        status = 1;
      } else if (!strcmp(emit, "asm")) {
        be_print_asm(&img, &b);
        write_out(o.output, b.data, b.len);
      } else {
        uint8_t *bytes; /* the image up to its data section, which is written from img.data */
        size_t len;
        wimg_write_head(&img, &bytes, &len);
        const char *out = o.output;
        char def[4096];
        if (!out) {
          const char *base = strrchr(o.input, '/');
          base = base ? base + 1 : o.input;
          snprintf(def, sizeof def, "%.*s.wimg", (int)(strrchr(base, '.') ? strrchr(base, '.') - base : (long)strlen(base)), base);
          out = def;
          not_an_input(out, &o);
        }
        if (!strcmp(out, "-")) fail("refusing to write a binary image to stdout; give -o FILE.wimg");
        /* a streamed program's weights go to the .wmx beside the image */
        bool streams = false;
        for (int i = 0; i < m->nnets; i++) streams |= m->nets[i]->kind == NET_INGRESS;
        Wmx mx;
        if (streams && !be_emit_wmx(m, &t, wmx_header_checksum(bytes, len), &mx)) {
          free(bytes);
          wimg_free(&img);
          return 1;
        }
        if (write_file_atomic2(out, bytes, len, img.data, img.ndata) != 0)
          fail("cannot write '%s': %s", out, strerror(errno));
        free(bytes);
        if (streams) {
          char *mp = wmx_path_for(out);
          uint8_t *mb;
          size_t ml;
          wmx_write(&mx, &mb, &ml);
          wmx_free(&mx);
          write_out(mp, mb, ml);
          free(mb);
          free(mp);
        }
      }
      wimg_free(&img);
    }
    buf_free(&b);
  }
  if (o.time_passes) timing_report(stderr);
  return status; /* cleanup() runs at exit */
}
