/* common/machine.h: the machine parameters, one table for all of wsecc.
 *
 * Every parameter a target description gives (docs/targets.md) is one row
 * of MACHINE_PARAMS. From it derive:
 *   - the Machine struct (the compiler's Target, the image's WTarget);
 *   - the target reader (targets/target.c): element, attribute, range;
 *   - the image's target header (backend/wimg.c): the rows with image = 1,
 *     in table order, each validated against the same range on load;
 *   - `wsecc --list-target-params`, which a lit test compares with the
 *     table in docs/targets.md.
 * A new parameter is one row here; then the compiler must honour it or
 * refuse targets that set it to what it cannot honour (a range of one
 * value, like registers and hop-latency today).
 *
 *  X(field, element, attribute, min, max, multiple of, in the image,
 *    default (0: the attribute is required; else its element is optional), doc)
 */
#ifndef WSEC_MACHINE_H
#define WSEC_MACHINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Colors a router can hold: the upper bound of the colors parameter, and
 * the size of per-color tables in the router and the simulator. */
#define MACHINE_COLORS_MAX 32

#define MACHINE_PARAMS(X)                                                                                          \
  X(grid_w, "grid", "width", 1, 4096, 1, 1, 0,                                                                       \
    "usable cores along x (columns); `--grid WxH` may ask for fewer, never more")                                  \
  X(grid_h, "grid", "height", 1, 4096, 1, 1, 0, "usable cores along y (rows)")                                       \
  X(sram_bytes, "core", "sram-bytes", 1024, 1048576, 16, 1, 0, "private SRAM per core, code and data, in bytes")     \
  X(colors, "fabric", "colors", 1, MACHINE_COLORS_MAX, 1, 1, 0, "static-route colors per link")                                       \
  X(dsrs, "core", "dsrs", 1, 255, 1, 1, 0, "Data Structure Registers per core")                                       \
  X(microthreads, "core", "microthreads", 1, 64, 1, 1, 0,                                                             \
    "asynchronous tensor operations in flight per core (each receive and send of a stream takes one; a core "    \
    "with more streams starts them in turn)")                                                                      \
  X(simd_f32, "simd", "f32", 1, 64, 1, 1, 0, "tensor lanes per cycle when an operand in memory is f32")               \
  X(simd_f16, "simd", "f16", 1, 64, 1, 1, 0, "tensor lanes per cycle when every operand in memory is 16-bit")        \
  X(queue_depth, "fabric", "queue-depth", 1, 64, 1, 1, 0, "wavelets of one color buffered at a router input or ramp") \
  X(clock_mhz, "clock", "mhz", 1, 100000, 1, 1, 0, "the clock; used only to turn cycles into time in `--stats`")      \
  X(registers, "core", "registers", 16, 16, 1, 0, 0, "general-purpose registers (fixed by the ISA encoding)")         \
  X(hop_latency, "fabric", "hop-latency", 1, 1, 1, 0, 0, "clocks per hop (the simulator's model)")             \
  X(mx_channels, "memoryx", "channels", 1, 4096, 1, 0, 12,                                                       \
    "MemoryX ingress channels (--exec=stream), spread evenly along the grid's north edge; optional element")     \
  X(mx_rate, "memoryx", "milliwavelets-per-cycle", 1, 1000000, 1, 0, 2841,                                        \
    "wavelets one channel moves into the wafer per 1000 cycles")

#define MACHINE_NAME_MAX 31   /* characters of a target name */

typedef struct Machine {
  char name[MACHINE_NAME_MAX + 1]; /* NUL-terminated */
#define X(f, e, a, lo, hi, mul, img, dflt, doc) uint32_t f;
  MACHINE_PARAMS(X)
#undef X
} Machine;

typedef struct MachineParam {
  const char *field, *element, *attr;
  uint32_t min, max, multiple;
  bool in_image;
  uint32_t dflt;              /* 0: required; else the value when the element is absent */
  size_t offset;              /* of the field in Machine */
  const char *doc;
} MachineParam;

enum {
#define X(f, e, a, lo, hi, mul, img, dflt, doc) MP_##f,
  MACHINE_PARAMS(X)
#undef X
  MP__COUNT
};
extern const MachineParam machine_params[MP__COUNT];

static inline uint32_t *machine_field(Machine *m, int i) { return (uint32_t *)((char *)m + machine_params[i].offset); }
static inline uint32_t machine_get(const Machine *m, int i) {
  return *(const uint32_t *)((const char *)m + machine_params[i].offset);
}
/* The number of rows with in_image set (the image's target header). */
int machine_image_count(void);
/* NULL if v is a valid value of parameter i, else why not ("must be a whole
 * number in [1, 64]", "must be a multiple of 16"), in a static buffer. */
const char *machine_check(int i, uint32_t v);
#endif
