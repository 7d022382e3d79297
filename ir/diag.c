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
static VEC(Source) sources;
static int nerrors;
static int color_mode = DIAG_COLOR_AUTO;

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

void diag_free_sources(void) {
  for (int i = 0; i < sources.n; i++) {
    free(sources.v[i].file);
    free(sources.v[i].text);
  }
  VEC_FREE(sources);
}

static const char *source_of(const char *file) {
  for (int i = 0; i < sources.n; i++)
    if (!strcmp(sources.v[i].file, file)) return sources.v[i].text;
  /* only a regular file of sane size: a location read from a .wir may name
   * anything (/dev/zero, a fifo), and the caret line is only a courtesy */
  struct stat st;
  if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) return NULL;
  char *t = read_file(file, NULL);
  if (!t) return NULL;
  Source s = {xstrdup(file), t};
  VEC_PUSH(sources, s);
  return t;
}

static void show_line(const SrcLoc *loc) {
  const char *t = source_of(loc->file);
  if (!t || loc->line < 1) return;
  for (int l = 1; l < loc->line && *t; t++)
    if (*t == '\n') l++;
  if (!*t && loc->line > 1) return;
  const char *e = strchr(t, '\n');
  int len = e ? (int)(e - t) : (int)strlen(t);
  char gutter[16];
  int gw = snprintf(gutter, sizeof gutter, "%d", loc->line);
  fprintf(stderr, " %s | ", gutter);
  /* expand tabs so the caret lines up */
  int col = 0, caret_at = 0, caret_end = 0;
  for (int i = 0; i < len; i++) {
    if (i + 1 == loc->col) caret_at = col;
    if (i + 1 == loc->end_col) caret_end = col;
    if (t[i] == '\t') {
      do fputc(' ', stderr);
      while (++col % 8);
    } else {
      fputc(t[i], stderr);
      col++;
    }
  }
  if (loc->col > len) caret_at = col + (loc->col - len - 1);
  if (loc->end_col > len || loc->end_col <= loc->col) caret_end = caret_at + 1 + (loc->end_col > loc->col ? loc->end_col - loc->col - 1 : 0);
  fputc('\n', stderr);
  bool colour = use_color();
  fprintf(stderr, " %*s | %*s%s^", gw, "", caret_at, "", colour ? C_GREEN : "");
  for (int i = caret_at + 1; i < caret_end; i++) fputc('~', stderr);
  fprintf(stderr, "%s\n", colour ? C_OFF : "");
}

static void report(const char *kind, const SrcLoc *loc, const char *fmt, va_list ap) {
  bool col = use_color();
  const char *kc = !col ? "" : kind[0] == 'e' ? C_RED : C_CYAN;
  if (loc && loc->file) {
    fprintf(stderr, "%s%s:%d:%d: %s%s:%s%s ", col ? C_BOLD : "", loc->file, loc->line, loc->col, kc, kind, col ? C_OFF : "",
            col ? C_BOLD : "");
  } else {
    fprintf(stderr, "%swsecc: %s%s:%s%s ", col ? C_BOLD : "", kc, kind, col ? C_OFF : "", col ? C_BOLD : "");
  }
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "%s\n", col ? C_OFF : "");
  if (loc && loc->file) show_line(loc);
}

#define MAX_ERRORS 20

void diag_error(const SrcLoc *loc, const char *fmt, ...) {
  va_list ap;
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
  if (nerrors > MAX_ERRORS) return;
  va_start(ap, fmt);
  report("note", loc, fmt, ap);
  va_end(ap);
}

int diag_errors(void) { return nerrors; }
void diag_reset(void) { nerrors = 0; }
