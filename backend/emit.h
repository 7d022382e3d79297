/* backend/emit.h: IR (stage alloc) -> WImage, and text listings of images. */
#ifndef WSEC_EMIT_H
#define WSEC_EMIT_H
#include <stdbool.h>
#include "backend/wimg.h"
#include "ir/ir.h"
#include "targets/target.h"

/* Build the image. Returns false after reporting a diagnostic (e.g. a param
 * that cannot be loaded). */
bool be_emit(const IrModule *m, const Target *t, WImage *img);
/* EXPLAIN-style listing of every distinct program with the cores running it. */
void be_print_asm(const WImage *img, Buf *out);
/* The routing table: per core, per color, input port -> output ports, with
 * the net that uses it (from the IR). */
void be_print_routes(const IrModule *m, Buf *out);
#endif
