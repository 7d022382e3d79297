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
IrModule *wdl_parse_file(const char *path);
IrModule *wdl_parse_string(const char *file, const char *text);
#endif
