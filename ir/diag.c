/* ir/diag.c: clang-style diagnostics with the source line and a caret.
 *
 *   file.wdl:6:15: error: unknown name 'w3'; did you mean 'w1'?
 *       6 |   let h = x @ w3;
 *         |               ^~
 */
#include "ir/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Source { char *file, *text; } Source;
#define DIAG_MAX_SOURCE ((size_t)64 << 20) /* the largest source shown (as frontend/wdl.h's WDL_MAX_SOURCE) */
static VEC(Source) sources;
static int nerrors;
static int color_mode = DIAG_COLOR_AUTO;

static void (*before_print)(void);
void diag_set_before_print(void (*fn)(void)) { before_print = fn; }

void diag_set_color(int mode) { color_mode = mode; }

static bool use_color(void) {
  if (color_mode == DIAG_COLOR_AUTO) return isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0;
  return color_mode == DIAG_COLOR_ALWAYS;
}
/* clang's palette: bold location, bold red error, bold cyan note, green caret */
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

void diag_set_source(const char *file, const char *text) {
  for (int i = 0; i < sources.n; i++)
    if (!strcmp(sources.v[i].file, file)) {
      free(sources.v[i].text);
      sources.v[i].text = xstrdup(text);
      return;
    }
  Source s = {xstrdup(file), xstrdup(text)};
  VEC_PUSH(sources, s);
}

static StrMap seen;
static VEC(char *) seen_keys;

void diag_free_sources(void) {
  for (int i = 0; i < sources.n; i++) {
    free(sources.v[i].file);
    free(sources.v[i].text);
  }
  VEC_FREE(sources);
  for (int i = 0; i < seen_keys.n; i++) free(seen_keys.v[i]);
  VEC_FREE(seen_keys);
  strmap_free(&seen);
}

static const char *source_of(const char *file) {
  for (int i = 0; i < sources.n; i++)
    if (!strcmp(sources.v[i].file, file)) return sources.v[i].text;
  /* only a regular file, read a bounded amount: a location read from a
   * .wir may name anything (/dev/zero, a fifo), and the caret line is only
   * a courtesy */
  struct stat st;
  if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
  char *t = read_file_max(file, DIAG_MAX_SOURCE, NULL);
  if (!t) return NULL;
  Source s = {xstrdup(file), t};
  VEC_PUSH(sources, s);
  return t;
}

/* The source line under a diagnostic, and the caret. The line is built in
 * a buffer (tabs expanded so the caret lines up) and written with the
 * message in one write: stderr is unbuffered, and byte-at-a-time output of
 * a 5 MB line took seconds. Columns are clamped to the line (a .wir `loc`
 * may claim any column), and a line wider than SHOW_WIDTH is cut to a
 * window around the caret, with "..." where it was cut. */
#define SHOW_WIDTH 160
#define SHOW_BEFORE 60

static void show_line(Buf *out, const SrcLoc *loc, bool colour) {
  const char *t = source_of(loc->file);
  if (!t || loc->line < 1) return;
  for (int l = 1; l < loc->line && *t; t++)
    if (*t == '\n') l++;
  if (!*t && loc->line > 1) return;
  const char *e = strchr(t, '\n');
  size_t len = e ? (size_t)(e - t) : strlen(t);
  /* columns are 1-based; the caret may sit one past the end ("expected ';'") */
  size_t col = loc->col < 1 ? 1 : (size_t)loc->col > len + 1 ? len + 1 : (size_t)loc->col;
  size_t end = loc->end_col <= loc->col ? col + 1 : (size_t)loc->end_col > len + 2 ? len + 2 : (size_t)loc->end_col;
  if (end <= col) end = col + 1;
  Buf line = {0};
  size_t caret_at = 0, caret_end = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i + 1 == col) caret_at = line.len;
    if (i + 1 == end) caret_end = line.len;
    if (i == len) break;
    if (t[i] == '\t') {
      do buf_u8(&line, ' ');
      while (line.len % 8);
    } else {
      buf_u8(&line, (uint8_t)t[i]);
    }
  }
  if (end > len + 1) caret_end = line.len + 1;
  if (caret_end <= caret_at) caret_end = caret_at + 1;
  /* the window [from, to) of the expanded line */
  size_t from = 0, to = line.len;
  if (line.len > SHOW_WIDTH) {
    from = caret_at > SHOW_BEFORE ? caret_at - SHOW_BEFORE : 0;
    to = from + SHOW_WIDTH < line.len ? from + SHOW_WIDTH : line.len;
    if (to - from < SHOW_WIDTH) from = to > SHOW_WIDTH ? to - SHOW_WIDTH : 0;
  }
  const char *pre = from > 0 ? "..." : "", *post = to < line.len ? "..." : "";
  char gutter[16];
  int gw = snprintf(gutter, sizeof gutter, "%d", loc->line);
  buf_printf(out, " %s | %s", gutter, pre);
  if (to > from) buf_put(out, line.data + from, to - from); /* line.data is NULL for an empty line */
  buf_printf(out, "%s\n", post);
  size_t lim = to + (to == line.len ? 1 : 0); /* the caret may sit one past the end */
  if (caret_end > lim) caret_end = lim;
  buf_printf(out, " %*s | %*s%s^", gw, "", (int)(caret_at - from + strlen(pre)), "", colour ? C_GREEN : "");
  for (size_t i = caret_at + 1; i < caret_end; i++) buf_u8(out, '~');
  buf_printf(out, "%s\n", colour ? C_OFF : "");
  buf_free(&line);
}

static void report(const char *kind, const SrcLoc *loc, const char *fmt, va_list ap) {
  bool col = use_color();
  const char *kc = !col ? "" : kind[0] == 'e' ? C_RED : C_CYAN;
  Buf b = {0};
  if (loc && loc->file) {
    buf_printf(&b, "%s%s:%d:%d: %s%s:%s%s ", col ? C_BOLD : "", loc->file, loc->line, loc->col, kc, kind, col ? C_OFF : "",
               col ? C_BOLD : "");
  } else {
    buf_printf(&b, "%swsecc: %s%s:%s%s ", col ? C_BOLD : "", kc, kind, col ? C_OFF : "", col ? C_BOLD : "");
  }
  buf_vprintf(&b, fmt, ap);
  buf_printf(&b, "%s\n", col ? C_OFF : "");
  if (loc && loc->file) show_line(&b, loc, col);
  if (before_print) before_print();
  fwrite(b.data, 1, b.len, stderr);
  buf_free(&b);
}

#define MAX_ERRORS DIAG_MAX_ERRORS

/* An error already reported - same place, same words - is not shown
 * again (the backend asks for a param's values once per tile, so one
 * missing load() file was reported 16 times), nor counted again towards
 * the limit of 20. A note after a repeated error is dropped with it. */
static bool last_repeated;

static bool repeated(const SrcLoc *loc, const char *fmt, va_list ap) {
  Buf k = {0};
  if (loc && loc->file) buf_printf(&k, "%s:%d:%d:", loc->file, loc->line, loc->col);
  buf_vprintf(&k, fmt, ap);
  buf_u8(&k, 0);
  char *key = (char *)k.data;
  if (strmap_get(&seen, key)) {
    free(key);
    return true;
  }
  VEC_PUSH(seen_keys, key);
  strmap_put(&seen, key, key);
  return false;
}

void diag_error(const SrcLoc *loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  last_repeated = repeated(loc, fmt, ap);
  va_end(ap);
  if (last_repeated) return; /* counted when first reported: diag_errors() is already > 0 */
  if (nerrors >= MAX_ERRORS) {
    if (nerrors++ == MAX_ERRORS) fprintf(stderr, "wsecc: error: too many errors (%d); stopping\n", MAX_ERRORS);
    return;
  }
  va_start(ap, fmt);
  report("error", loc, fmt, ap);
  va_end(ap);
  nerrors++;
}

void diag_note(const SrcLoc *loc, const char *fmt, ...) {
  va_list ap;
  if (nerrors > MAX_ERRORS || last_repeated) return;
  va_start(ap, fmt);
  report("note", loc, fmt, ap);
  va_end(ap);
}

int diag_errors(void) { return nerrors; }
void diag_reset(void) {
  nerrors = 0;
  for (int i = 0; i < seen_keys.n; i++) free(seen_keys.v[i]);
  VEC_FREE(seen_keys);
  strmap_free(&seen);
}
