/* backend/wmx.c: .wmx serialisation and validation (docs/memoryx.md).
 *
 * Like the image (backend/wimg.c): fixed little-endian records, one fixed
 * order, and a reader that checks every read against the file's end and
 * every value against its range, stopping at the first problem with
 * "offset 0x..: field <path>: <what is wrong>". The checksum is verified
 * before anything after the header is trusted. */
#include "backend/wmx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/machine.h"
#include "common/util.h"

static const uint8_t MAGIC[8] = {0x89, 'W', 'S', 'E', 'W', 'M', 'X', '\n'};
#define HEADER_SIZE 64
#define STREAM_SIZE 24

void wmx_write(const Wmx *w, uint8_t **out, size_t *len) {
  Buf b = {0};
  buf_put(&b, MAGIC, 8);
  buf_u32(&b, WMX_VERSION);
  buf_u32(&b, HEADER_SIZE);
  buf_u64(&b, 0); /* file size, patched */
  buf_u64(&b, 0); /* checksum, patched */
  buf_u64(&b, w->image_checksum);
  buf_u32(&b, w->channels);
  buf_u32(&b, w->rate_milli);
  buf_u32(&b, w->edge_width);
  buf_u32(&b, w->nstream);
  while (b.len < HEADER_SIZE) buf_u8(&b, 0);
  for (uint32_t i = 0; i < w->nstream; i++) {
    const WmxStream *s = &w->stream[i];
    buf_u16(&b, s->x);
    buf_u16(&b, s->y);
    buf_u8(&b, s->color);
    buf_u8(&b, 0);
    buf_u16(&b, 0);
    buf_u32(&b, s->nwave);
    buf_u32(&b, s->ndata);
    buf_u64(&b, s->ndense);
  }
  for (uint32_t i = 0; i < w->nstream; i++)
    for (uint32_t k = 0; k < w->stream[i].nwave; k++) buf_u32(&b, w->stream[i].wave[k]);
  uint64_t size = b.len;
  for (int i = 0; i < 8; i++) b.data[16 + i] = (uint8_t)(size >> (8 * i));
  uint64_t sum = fnv1a64(b.data + 32, b.len - 32);
  for (int i = 0; i < 8; i++) b.data[24 + i] = (uint8_t)(sum >> (8 * i));
  *out = b.data;
  *len = b.len;
}

uint64_t wmx_header_checksum(const uint8_t *p, size_t len) {
  return len >= 32 ? rd_u64(p + 24) : 0;
}

typedef struct Rd { const uint8_t *p; size_t len; char *err; size_t errlen; bool failed; } Rd;

static void fail(Rd *r, size_t off, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(Rd *r, size_t off, const char *field, const char *fmt, ...) {
  if (r->failed) return;
  r->failed = true;
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(r->err, r->errlen, "offset 0x%zx: field %s: %s", off, field, what);
}

int wmx_read(const uint8_t *p, size_t len, Wmx *w, char *err, size_t errlen) {
  memset(w, 0, sizeof *w);
  Rd r = {p, len, err, errlen, false};
  char fb[64];
  if (len < HEADER_SIZE) {
    fail(&r, 0, "header", "the file has %zu bytes, fewer than the %d of a .wmx header", len, HEADER_SIZE);
    return -1;
  }
  if (memcmp(p, MAGIC, 8)) {
    fail(&r, 0, "header.magic", "not a .wmx file (a MemoryX weight store begins with \\x89WSEWMX\\n)");
    return -1;
  }
  uint32_t ver = rd_u32(p + 8), hs = rd_u32(p + 12);
  uint64_t fs = rd_u64(p + 16), sum = rd_u64(p + 24);
  if (ver != WMX_VERSION) fail(&r, 8, "header.version", "version %u; this wsesim reads version %d", ver, WMX_VERSION);
  else if (hs != HEADER_SIZE) fail(&r, 12, "header.header_size", "%u; must be %d", hs, HEADER_SIZE);
  else if (fs != len) fail(&r, 16, "header.file_size", "says %llu bytes, the file has %zu (truncated or padded)", (unsigned long long)fs, len);
  else {
    uint64_t c = fnv1a64(p + 32, len - 32);
    if (c != sum)
      fail(&r, 24, "header.checksum", "stored 0x%016llx, computed 0x%016llx (the file is corrupted)", (unsigned long long)sum,
           (unsigned long long)c);
  }
  if (r.failed) return -1;
  w->image_checksum = rd_u64(p + 32);
  w->channels = rd_u32(p + 40);
  w->rate_milli = rd_u32(p + 44);
  w->edge_width = rd_u32(p + 48);
  w->nstream = rd_u32(p + 52);
  for (int i = 56; i < HEADER_SIZE; i++)
    if (p[i]) {
      fail(&r, (size_t)i, "header.reserved", "must be zero");
      return -1;
    }
  if (w->edge_width < 1 || w->edge_width > 4096) fail(&r, 48, "header.edge_width", "%u is not in [1, 4096]", w->edge_width);
  else if (w->channels < 1 || w->channels > w->edge_width)
    fail(&r, 40, "header.channels", "%u is not in [1, %u] (at most one channel per column of the edge)", w->channels, w->edge_width);
  else if (w->rate_milli < 1 || w->rate_milli > 1000000)
    fail(&r, 44, "header.rate", "%u is not in [1, 1000000] (wavelets per 1000 cycles per channel)", w->rate_milli);
  else if ((uint64_t)w->nstream * STREAM_SIZE > len - HEADER_SIZE)
    fail(&r, 52, "header.nstream", "%u streams do not fit in the rest of the file", w->nstream);
  if (r.failed) return -1;
  w->stream = xcalloc((size_t)w->nstream + 1, sizeof(WmxStream));
  size_t off = HEADER_SIZE, wave = HEADER_SIZE + (size_t)w->nstream * STREAM_SIZE;
  uint64_t total = 0;
  for (uint32_t i = 0; i < w->nstream && !r.failed; i++, off += STREAM_SIZE) {
    WmxStream *s = &w->stream[i];
    s->x = rd_u16(p + off);
    s->y = rd_u16(p + off + 2);
    s->color = p[off + 4];
    s->nwave = rd_u32(p + off + 8);
    s->ndata = rd_u32(p + off + 12);
    s->ndense = rd_u64(p + off + 16);
#define FLD(n) (snprintf(fb, sizeof fb, "stream[%u].%s", i, n), fb)
    if (s->x >= w->edge_width) fail(&r, off, FLD("x"), "%u is not below the edge width %u", s->x, w->edge_width);
    else if (s->y != 0) fail(&r, off + 2, FLD("y"), "%u; an ingress port is on the north edge (y = 0)", s->y);
    else if (s->color >= MACHINE_COLORS_MAX)
      fail(&r, off + 4, FLD("color"), "%u is not below %d (the colors a router can hold)", s->color, MACHINE_COLORS_MAX);
    else if (p[off + 5] || p[off + 6] || p[off + 7]) fail(&r, off + 5, FLD("pad"), "must be zero");
    else if (s->ndata > s->nwave) fail(&r, off + 12, FLD("ndata"), "%u data wavelets in a stream of %u", s->ndata, s->nwave);
    else if (s->ndense < s->ndata)
      fail(&r, off + 16, FLD("ndense"), "%llu weights, fewer than its %u non-zeros", (unsigned long long)s->ndense, s->ndata);
    else if (s->nwave > (len - wave) / 4 - total)
      fail(&r, off + 8, FLD("nwave"), "%u wavelets do not fit in the rest of the file", s->nwave);
    else if (i && (s->x < w->stream[i - 1].x || (s->x == w->stream[i - 1].x && s->color <= w->stream[i - 1].color)))
      fail(&r, off, FLD("x"), "streams must be sorted by (x, color) and unique: (%u, color %u) after (%u, color %u)", s->x,
           s->color, w->stream[i - 1].x, w->stream[i - 1].color);
    total += s->nwave;
  }
  if (!r.failed && wave + total * 4 != len)
    fail(&r, wave + total * 4, "wavelets", "%zu bytes after the last stream's wavelets", len - (size_t)(wave + total * 4));
  for (uint32_t i = 0; i < w->nstream && !r.failed; i++) {
    WmxStream *s = &w->stream[i];
    s->wave = xmalloc(sizeof(uint32_t) * ((size_t)s->nwave + 1));
    uint32_t nd = 0;
    for (uint32_t k = 0; k < s->nwave; k++) {
      uint32_t v = rd_u32(p + wave + 4 * (size_t)k);
      if (WMX_IS_COMMAND(v) && (v & 0xffff)) {
        fail(&r, wave + 4 * (size_t)k, FLD("wave"), "wavelet %u: a command wavelet (0x%08x) has nonzero low bits", k, v);
        break;
      }
      if (WMX_IS_COMMAND(v) && WMX_INDEX(v) != WMX_CMD_PSUM && WMX_INDEX(v) != WMX_CMD_FSUM) {
        fail(&r, wave + 4 * (size_t)k, FLD("wave"), "wavelet %u: unknown command %u (1 PSUM, 2 FSUM)", k, WMX_INDEX(v));
        break;
      }
      nd += !WMX_IS_COMMAND(v);
      s->wave[k] = v;
    }
    if (!r.failed && nd != s->ndata)
      fail(&r, HEADER_SIZE + (size_t)i * STREAM_SIZE + 12, FLD("ndata"), "says %u data wavelets, the stream has %u", s->ndata, nd);
    wave += 4 * (size_t)s->nwave;
#undef FLD
  }
  if (r.failed) {
    wmx_free(w);
    return -1;
  }
  return 0;
}

void wmx_free(Wmx *w) {
  for (uint32_t i = 0; w->stream && i < w->nstream; i++) free(w->stream[i].wave);
  free(w->stream);
  memset(w, 0, sizeof *w);
}

char *wmx_path_for(const char *image) {
  size_t n = strlen(image);
  char *p = xmalloc(n + 5);
  memcpy(p, image, n + 1);
  if (n > 5 && !strcmp(image + n - 5, ".wimg")) p[n - 5] = 0;
  strcat(p, ".wmx");
  return p;
}
