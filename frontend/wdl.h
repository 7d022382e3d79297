/* frontend/wdl.h: the WDL frontend (reentrant flex + bison, frontend/wdl.l
 * and frontend/wdl.y). Parses a .wdl file into an untyped IR module (stage
 * "parsed"): inputs and params carry their declared types, every other op is
 * untyped until pass_infer. Reports every syntax error and name error it can
 * (unknown names with a "did you mean" hint, duplicate names) through
 * ir/diag.h and returns NULL if there was any. load() paths are resolved
 * relative to the directory of the .wdl file. */
#ifndef WSEC_WDL_H
#define WSEC_WDL_H
#include "ir/ir.h"

/* The limits of the frontend. Every one is stated in the error that
 * enforces it (and in docs/wdl.md, "Limits"); they keep every input -
 * all of which is untrusted - from overflowing the stack, an int64 or
 * memory. */
#define WDL_MAX_SOURCE ((size_t)64 << 20)     /* bytes of a .wdl file (64 MiB) */
#define WDL_MAX_NESTING 1000                  /* expression nesting, counting inlined defs */
#define WDL_MAX_DIM 1000000000                /* one dimension of a tensor */
#define WDL_MAX_ELEMS ((int64_t)1 << 31)      /* elements of one tensor: 2147483648 */
#define WDL_MAX_REPEAT 4096                   /* repeat() count, and a param array's size */
#define WDL_MAX_OPS 250000                    /* ops of the whole module after inlining */
#define WDL_MAX_INT ((int64_t)1 << 53)        /* compile-time whole numbers (exact in a double) */

IrModule *wdl_parse_file(const char *path);
IrModule *wdl_parse_string(const char *file, const char *text);
#endif
