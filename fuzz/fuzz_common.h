/* fuzz/fuzz_common.h: what the libFuzzer harnesses share (fuzz/README.md).
 *
 * Each harness runs one input format through the same library calls as the
 * release tools (tools/wsecc.c, runtime/wsesim.c), in-process, millions of
 * times: so every iteration resets the global diagnostic state and frees
 * everything it made, and anything the tools would report as a user error is
 * simply the end of the iteration. What is left for libFuzzer to catch is
 * what the project forbids on any input: a sanitizer report, an abort from
 * die() ("internal error: ..."), a hang or unbounded memory. A few
 * consistency checks of our own (a printed module re-parses, an image we
 * wrote is read back) call fuzz_fail(), which aborts like die().
 *
 * The library never calls exit() on user input (user errors are return
 * values + diagnostics; only die() aborts, for internal bugs), so no path
 * has to be intercepted.
 */
#ifndef WSEC_FUZZ_COMMON_H
#define WSEC_FUZZ_COMMON_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/emit.h"
#include "backend/wimg.h"
#include "common/util.h"
#include "ir/diag.h"
#include "ir/ir.h"
#include "passes/passes.h"
#include "targets/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static _Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("fuzz check failed: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* A NUL-terminated heap copy of the input, or NULL if it holds a NUL byte
 * (the tools refuse those before parsing: wdl_parse_file, and read_file's
 * text is used as a C string by ir_parse). */
static char *fuzz_text(const uint8_t *data, size_t size) __attribute__((unused));
static char *fuzz_text(const uint8_t *data, size_t size) {
  if (memchr(data, 0, size)) return NULL;
  char *t = xmalloc(size + 1);
  memcpy(t, data, size);
  t[size] = 0;
  return t;
}

/* Write the input to a private temporary file whose name ends in SUFFIX,
 * for the entry points that take a path (target_load, npy_read). The file
 * lives in a directory made once per process (in /dev/shm when there is
 * one: no disk I/O per iteration) and is removed at exit. */
static char fuzz_dir[256];
static void fuzz_rmdir(void) {
  if (fuzz_dir[0]) rmdir(fuzz_dir);
}
static const char *fuzz_tmpfile(const char *suffix, const uint8_t *data, size_t size) __attribute__((unused));
static const char *fuzz_tmpfile(const char *suffix, const uint8_t *data, size_t size) {
  static char path[512];
  if (!fuzz_dir[0]) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/wsecc-fuzz-XXXXXX", base);
    if (!mkdtemp(fuzz_dir)) fuzz_fail("cannot create a temporary directory in %s", base);
    atexit(fuzz_rmdir);
  }
  snprintf(path, sizeof path, "%s/input%s", fuzz_dir, suffix);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) fuzz_fail("cannot write %s", path);
  return path;
}
static void fuzz_unlink(const char *path) __attribute__((unused));
static void fuzz_unlink(const char *path) { unlink(path); }

/* The built-in targets, loaded once (a target load parses XML and the
 * RelaxNG schema, far slower than a small compile). */
static Target fuzz_targets[8];
static const char *fuzz_target_names[8];
static void fuzz_load_builtins(void) __attribute__((unused));
static void fuzz_load_builtins(void) {
  char err[512];
  for (int i = 0; target_builtin_names[i] && i < 8; i++) {
    if (target_load(target_builtin_names[i], &fuzz_targets[i], err, sizeof err) != 0) fuzz_fail("%s", err);
    fuzz_target_names[i] = target_builtin_names[i];
  }
}
/* The built-in target NAME, or NULL. */
static const Target *fuzz_builtin(const char *name) __attribute__((unused));
static const Target *fuzz_builtin(const char *name) {
  for (int i = 0; i < 8 && fuzz_target_names[i]; i++)
    if (!strcmp(fuzz_target_names[i], name)) return &fuzz_targets[i];
  return NULL;
}

/* Write IMG, read it back, and write that again: the emitter must produce
 * an image its own reader accepts, and writing is deterministic, so the
 * two byte strings are equal. */
static void fuzz_image_roundtrip(const WImage *img) __attribute__((unused));
static void fuzz_image_roundtrip(const WImage *img) {
  uint8_t *bytes, *again;
  size_t len, len2;
  wimg_write(img, &bytes, &len);
  WImage back;
  char err[512];
  if (wimg_read(bytes, len, &back, err, sizeof err) != 0) fuzz_fail("wimg_read refuses an image wimg_write wrote: %s", err);
  wimg_write(&back, &again, &len2);
  if (len2 != len || memcmp(bytes, again, len) != 0) fuzz_fail("image differs after a write/read/write round trip");
  wimg_free(&back);
  free(bytes);
  free(again);
}

/* The rest of the pipeline, as tools/wsecc.c runs it: every pass after the
 * module's stage, the verifier after each, then the image (emitted, listed,
 * written and read back) when the module reached stage alloc. Returns the
 * exit status the driver would have (0 or 1). */
static int fuzz_pipeline(IrModule *m, const Target *t) __attribute__((unused));
static int fuzz_pipeline(IrModule *m, const Target *t) {
  if (m->grid_w > (int)t->grid_w || m->grid_h > (int)t->grid_h) return 1; /* the driver's --grid check */
  for (const PassInfo *p = pass_list; p->name; p++) {
    if (p->stage <= m->stage) continue;
    if (!p->run(m, t) || diag_errors()) return 1;
    m->stage = p->stage;
    ir_verify(m, p->name);
  }
  if (m->stage < STAGE_ALLOC) return 0;
  Buf routes = {0};
  be_print_routes(m, &routes);
  buf_free(&routes);
  WImage img;
  memset(&img, 0, sizeof img);
  int rc = 1;
  if (be_emit(m, t, &img)) {
    Buf asm_text = {0};
    be_print_asm(&img, &asm_text);
    buf_free(&asm_text);
    fuzz_image_roundtrip(&img);
    rc = 0;
  }
  wimg_free(&img);
  return rc;
}

/* End of an iteration: the driver's cleanup(). */
static void fuzz_reset(void) __attribute__((unused));
static void fuzz_reset(void) {
  diag_free_sources();
  diag_reset();
}
#endif
