/* ir/diag.h: user diagnostics, clang style.
 *
 *   examples/bad.wdl:4:15: error: unknown name 'w3'
 *       let h = x @ w3;
 *                   ^~
 *
 * Diagnostics are printed to stderr as they are reported and counted; the
 * driver exits 1 if diag_errors() > 0. The source line is read from the file
 * (cached). A location with file == NULL prints "wsecc: error: ...". */
#ifndef WSEC_DIAG_H
#define WSEC_DIAG_H
#include "ir/ir.h"

void diag_error(const SrcLoc *loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(const SrcLoc *loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int diag_errors(void);
/* After this many errors the rest are counted but not shown. */
#define DIAG_MAX_ERRORS 20
/* Colour: DIAG_COLOR_AUTO (when stderr is a terminal), _ALWAYS, _NEVER. */
enum { DIAG_COLOR_AUTO, DIAG_COLOR_ALWAYS, DIAG_COLOR_NEVER };
void diag_set_color(int mode);
/* fn runs before every diagnostic is written (wsecc clears its progress
 * line with it). */
void diag_set_before_print(void (*fn)(void));
void diag_reset(void);
/* Register the text of a file so caret lines need not reread it (the
 * frontend registers what it parsed). The text is copied. */
void diag_set_source(const char *file, const char *text);
void diag_free_sources(void);
#endif
