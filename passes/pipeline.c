/* passes/pipeline.c: the pass list, in pipeline order. The driver
 * (tools/wsecc.c) runs it as a flat list with the verifier between passes. */
#include "passes/passes.h"

const PassInfo pass_list[] = {
    {"infer", STAGE_INFER, pass_infer, "shape/type inference, broadcasting checks, canonical op order"},
    {"fuse", STAGE_FUSE, pass_fuse, "matmuls of one activation by weights become one wider matmul; heads split by reshape, one chain per head"},
    {"split", STAGE_SPLIT, pass_split, "matmuls too tall for a core become blocks of rows"},
    {"place", STAGE_PLACE, pass_place, "tile each op's tensors and place it on a rectangle of cores"},
    {"route", STAGE_ROUTE, pass_route, "nets between cores: multicast trees and colors"},
    {"lower", STAGE_LOWER, pass_lower, "per-core programs: buffers, DSRs, tasks, instructions"},
    {"alloc", STAGE_ALLOC, pass_alloc, "SRAM addresses and DSR/SRAM limits per core"},
    {NULL, STAGE_PARSED, NULL, NULL},
};
