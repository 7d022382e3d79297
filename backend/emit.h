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
/* --exec=stream: the MemoryX weight store of the image whose header
 * checksum is image_checksum - every INGRESS net's weights, zeros left
 * out (docs/memoryx.md). Returns false after reporting a diagnostic (a
 * param that cannot be loaded). */
struct Wmx;
bool be_emit_wmx(const IrModule *m, const Target *t, uint64_t image_checksum, struct Wmx *w);
/* EXPLAIN-style listing of every distinct program with the cores running it. */
void be_print_asm(const WImage *img, Buf *out);
/* --emit=svg: the mapping as a picture (backend/picture.c): the used
 * region, each op's rectangle by kind with its name and source line, and
 * every router's busiest link as heat (colors used of the target's). */
void be_print_svg(const IrModule *m, const Target *t, Buf *out);
/* The routing table: per core, per color, input port -> output ports, with
 * the net that uses it (from the IR). */
void be_print_routes(const IrModule *m, Buf *out);
#endif
