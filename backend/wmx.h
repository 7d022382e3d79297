/* backend/wmx.h: the .wmx MemoryX weight store (docs/memoryx.md).
 *
 * A program compiled with --exec=stream keeps no weights in its image: the
 * .wmx beside it holds them, in the order the wafer consumes them. It is a
 * list of streams; each stream feeds one ingress port - a router on the
 * grid's north edge whose route takes the stream's color in from the north
 * (off the wafer) - with a sequence of 32-bit wavelets:
 *   data wavelet     bit 31 clear: bits 30..16 the weight's index k in its
 *                    column's K chunk, bits 15..0 the weight (f16 or bf16)
 *   command wavelet  bit 31 set: bits 30..16 the command (WMX_CMD_*), 15..0 0
 * Zero weights are not in the file: the sender never sends them.
 * The header carries the MemoryX link (copied from the target: channels
 * spread evenly along the north edge, each moving rate/1000 wavelets per
 * cycle) and the checksum of the image the streams belong to. */
#ifndef WSEC_WMX_H
#define WSEC_WMX_H
#include <stddef.h>
#include <stdint.h>

#define WMX_VERSION 1
#define WMX_DATA_INDEX_MAX 0x7fff  /* the largest index a data wavelet carries */
enum { WMX_CMD_PSUM = 1, WMX_CMD_FSUM = 2 };
#define WMX_COMMAND(cmd) (0x80000000u | ((uint32_t)(cmd) << 16))
#define WMX_IS_COMMAND(w) (((w) >> 31) != 0)
#define WMX_INDEX(w) (((w) >> 16) & 0x7fffu)

typedef struct WmxStream {
  uint16_t x, y;          /* the ingress router (absolute; y is 0) */
  uint8_t color;
  uint32_t nwave;         /* wavelets, commands included */
  uint32_t ndata;         /* data wavelets (the non-zero weights) */
  uint64_t ndense;        /* the data wavelets it would hold were no weight zero */
  uint32_t *wave;         /* nwave wavelets */
} WmxStream;

typedef struct Wmx {
  uint64_t image_checksum; /* header.checksum of the .wimg it feeds */
  uint32_t channels;       /* ingress channels along the north edge */
  uint32_t rate_milli;     /* per channel, wavelets per 1000 cycles */
  uint32_t edge_width;     /* columns the channels share (the grid's width) */
  uint32_t nstream;        /* sorted by (x, color), unique */
  WmxStream *stream;
} Wmx;

/* Serialise (deterministic): heap bytes in *out. */
void wmx_write(const Wmx *w, uint8_t **out, size_t *len);
/* Parse and validate. Returns 0, or -1 with err like
 * "offset 0x48: field stream[2].color: 40 is not below 32 (the colors a router can hold)". */
int wmx_read(const uint8_t *bytes, size_t len, Wmx *w, char *err, size_t errlen);
void wmx_free(Wmx *w);
/* The weight store beside an image: IMAGE with ".wimg" replaced by ".wmx",
 * or ".wmx" appended (heap). wsecc writes it there, wsesim reads it there. */
char *wmx_path_for(const char *image);
/* The checksum field of a .wimg or .wmx file's header (bytes 24..31). */
uint64_t wmx_header_checksum(const uint8_t *bytes, size_t len);
#endif
