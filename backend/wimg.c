/* backend/wimg.c: .wimg serialisation and validation (docs/wimg.md).
 *
 * The writer emits fixed-size little-endian records in one fixed order. The
 * reader walks the same records with a cursor that checks every read
 * against the file end and every value against its range, and stops at the
 * first problem with "offset 0x..: field <path>: <what is wrong>". The
 * checksum is verified before anything after the header is trusted.
 */
#include "backend/wimg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/util.h"

static const uint8_t MAGIC[8] = {0x89, 'W', 'S', 'E', 'I', 'M', 'G', '\n'};
#define HEADER_SIZE 64
#define DSR_SIZE 40
#define TASK_SIZE 8
#define ROUTE_SIZE 4
#define INIT_SIZE 16
/* An I/O entry holds io_dims(rank) dims, and a piece that many lo and n:
 * 4 for every rank up to 4 (the format's first layout), the rank above. */
static int io_dims(unsigned rank) { return rank > 4 ? (int)rank : 4; }
static size_t piece_size(unsigned rank) { return 8 + 8 * (size_t)io_dims(rank); }

/* ---- writer ---- */

static void wimg_put_dsr(Buf *b, const Dsr *d) {
  buf_u8(b, d->kind);
  buf_u8(b, d->dtype);
  buf_u8(b, d->color);
  buf_u8(b, d->ndim);
  buf_u32(b, d->addr);
  for (int j = 0; j < 4; j++) buf_u32(b, d->dim[j]);
  for (int j = 0; j < 4; j++) buf_u32(b, (uint32_t)d->stride[j]);
}

void wimg_write_head(const WImage *img, uint8_t **out, size_t *len) {
  Buf b = {0};
  buf_put(&b, MAGIC, 8);
  buf_u32(&b, WIMG_VERSION);
  buf_u32(&b, HEADER_SIZE);
  buf_u64(&b, 0); /* file size, patched */
  buf_u64(&b, 0); /* checksum, patched */
  while (b.len < HEADER_SIZE) buf_u8(&b, 0);
  /* target */
  char name[32] = {0};
  snprintf(name, sizeof name, "%s", img->tgt.name);
  buf_put(&b, name, 32);
  /* the machine parameters marked "in the image", in table order */
  for (int i = 0; i < MP__COUNT; i++)
    if (machine_params[i].in_image) buf_u32(&b, machine_get(&img->tgt, i));
  buf_u32(&b, img->rx);
  buf_u32(&b, img->ry);
  buf_u32(&b, img->rw);
  buf_u32(&b, img->rh);
  buf_u32(&b, img->nprog);
  buf_u32(&b, img->ndsrtab);
  buf_u32(&b, img->ncore);
  buf_u32(&b, img->nio);
  buf_u64(&b, img->ndata);
  for (uint32_t p = 0; p < img->nprog; p++) {
    buf_u32(&b, img->progs[p].ninsn);
    for (uint32_t i = 0; i < img->progs[p].ninsn; i++) buf_u64(&b, img->progs[p].insn[i]);
  }
  for (uint32_t tb = 0; tb < img->ndsrtab; tb++) {
    const WDsrTab *dt = &img->dsrtabs[tb];
    buf_u32(&b, dt->ndsr);
    for (uint32_t i = 0; i < dt->ndsr; i++) wimg_put_dsr(&b, &dt->dsr[i]);
  }
  for (uint32_t c = 0; c < img->ncore; c++) {
    const WCore *k = &img->cores[c];
    buf_u16(&b, k->x);
    buf_u16(&b, k->y);
    buf_u32(&b, k->prog);
    buf_u32(&b, k->dsrtab);
    buf_u32(&b, k->ntask);
    buf_u32(&b, k->nroute);
    buf_u32(&b, k->ninit);
    for (uint32_t i = 0; i < k->ntask; i++) {
      buf_u8(&b, k->task[i].kind);
      buf_u8(&b, k->task[i].color);
      buf_u16(&b, 0);
      buf_u32(&b, k->task[i].pc);
    }
    for (uint32_t i = 0; i < k->nroute; i++) {
      buf_u8(&b, k->route[i].color);
      buf_u8(&b, k->route[i].in_port);
      buf_u8(&b, k->route[i].out_mask);
      buf_u8(&b, 0);
    }
    for (uint32_t i = 0; i < k->ninit; i++) {
      buf_u32(&b, k->init[i].addr);
      buf_u32(&b, k->init[i].len);
      buf_u64(&b, k->init[i].off);
    }
  }
  for (uint32_t i = 0; i < img->nio; i++) {
    const WIo *io = &img->io[i];
    uint32_t n = (uint32_t)strlen(io->name);
    buf_u32(&b, n);
    buf_put(&b, io->name, n);
    buf_u8(&b, io->dir);
    buf_u8(&b, io->dtype);
    buf_u8(&b, io->rank);
    buf_u8(&b, 0);
    int nd = io_dims(io->rank);
    for (int j = 0; j < nd; j++) buf_u32(&b, io->dim[j]);
    buf_u32(&b, io->npiece);
    for (uint32_t p = 0; p < io->npiece; p++) {
      const WPiece *pc = &io->piece[p];
      buf_u16(&b, pc->x);
      buf_u16(&b, pc->y);
      buf_u32(&b, pc->addr);
      for (int j = 0; j < nd; j++) buf_u32(&b, pc->lo[j]);
      for (int j = 0; j < nd; j++) buf_u32(&b, pc->n[j]);
    }
  }
  uint64_t size = b.len + img->ndata;
  for (int i = 0; i < 8; i++) b.data[16 + i] = (uint8_t)(size >> (8 * i));
  uint64_t sum = fnv1a64_more(fnv1a64(b.data + 32, b.len - 32), img->data, img->ndata);
  for (int i = 0; i < 8; i++) b.data[24 + i] = (uint8_t)(sum >> (8 * i));
  *out = b.data;
  *len = b.len;
}

void wimg_write(const WImage *img, uint8_t **out, size_t *len) {
  uint8_t *head;
  size_t hlen;
  wimg_write_head(img, &head, &hlen);
  *out = xrealloc(head, hlen + img->ndata + 1);
  if (img->ndata) memcpy(*out + hlen, img->data, img->ndata);
  *len = hlen + img->ndata;
}

/* ---- reader ---- */

typedef struct Rd {
  const uint8_t *p;
  size_t len, pos;
  char *err;
  size_t errlen;
  bool failed;
} Rd;

static int fail(Rd *r, size_t off, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(Rd *r, size_t off, const char *field, const char *fmt, ...) {
  if (r->failed) return -1;
  r->failed = true;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(r->err, r->errlen, "offset 0x%zx: field %s: %s", off, field, msg);
  return -1;
}

static bool need(Rd *r, size_t n, const char *field) {
  if (r->failed) return false;
  if (r->len - r->pos < n) {
    fail(r, r->pos, field, "file ends at 0x%zx", r->len);
    return false;
  }
  return true;
}
static uint8_t g8(Rd *r, const char *f) {
  if (!need(r, 1, f)) return 0;
  return r->p[r->pos++];
}
static uint16_t g16(Rd *r, const char *f) {
  if (!need(r, 2, f)) return 0;
  uint16_t v = rd_u16(r->p + r->pos);
  r->pos += 2;
  return v;
}
static uint32_t g32(Rd *r, const char *f) {
  if (!need(r, 4, f)) return 0;
  uint32_t v = rd_u32(r->p + r->pos);
  r->pos += 4;
  return v;
}
static uint64_t g64(Rd *r, const char *f) {
  if (!need(r, 8, f)) return 0;
  uint64_t v = rd_u64(r->p + r->pos);
  r->pos += 8;
  return v;
}

/* A count that must leave room for `each` bytes per element. */
static uint32_t gcount(Rd *r, const char *f, size_t each) {
  size_t at = r->pos;
  uint32_t n = g32(r, f);
  if (!r->failed && each && (uint64_t)n * each > r->len - r->pos) {
    fail(r, at, f, "%u entries do not fit in the rest of the file", n);
    return 0;
  }
  return n;
}

#define F(...) (snprintf(fb, sizeof fb, __VA_ARGS__), fb)

/* The most SRAM wsesim simulates: cores with programs x target.sram_bytes
 * (gpt2_small on wse2 needs 5.8 GB). It also bounds every I/O tensor. */
#define WIMG_MAX_SRAM_TOTAL (1ull << 36)
#define WIMG_MAX_SRAM_TOTAL_TEXT "64 GiB"
/* The most elements one memory DSR may walk, and one I/O tensor may have. */
#define WIMG_MAX_DSR_ELEMS (1ull << 48)
#define WIMG_MAX_IO_ELEMS (1ull << 32)

/* What a program asks of the DSRs of every core that runs it: one entry per
 * (DSR, use), naming the first instruction with that use. It is built once
 * per program, so checking a core costs at most USE__N entries per DSR the
 * program names - and the core's record holds 40 bytes for each of those
 * DSRs - which keeps loading linear in the file size even when a million
 * cores share one long program. */
enum { USE_DST, USE_RMW, USE_SRC, USE_DINC, USE_WIN, USE_WTAB, USE__N };
typedef struct DsrUse { uint8_t dsr, use; uint32_t insn; } DsrUse;
typedef struct ProgInfo {
  size_t off;                    /* file offset of insn[0] */
  uint32_t need_dsr, need_task;  /* DSRs and tasks a core running it must have */
  uint32_t nuse;
  DsrUse *use;
} ProgInfo;

/* Structural check of program p (what does not depend on the core), then
 * its ProgInfo. seen[] is scratch of 256 * USE__N stamps. */
static void prog_scan(Rd *R, const WProg *pg, uint32_t p, ProgInfo *pi, uint32_t *seen) {
  char fb[160];
  VEC(DsrUse) uses = {0};
  for (uint32_t i = 0; i < pg->ninsn && !R->failed; i++) {
    Insn in = isa_decode(pg->insn[i]);
    /* 256 DSRs and tasks: the per-core limits are checked per core */
    const char *why = isa_check(in, 256, (int)pg->ninsn, 256);
    if (why) {
      fail(R, pi->off + 8 * (size_t)i, F("prog[%u].insn[%u]", p, i), "%s", why);
      break;
    }
    const OpInfo *oi = &isa_ops[in.op];
    const uint8_t f[3] = {in.a, in.b, in.c};
    for (int k = 0; k < 3; k++) {
      if (oi->fmt[k] != 'd') continue;
      if ((uint32_t)f[k] + 1 > pi->need_dsr) pi->need_dsr = (uint32_t)f[k] + 1;
      int use = in.op == OP_DINC                ? USE_DINC
                : in.op == OP_WAXPY && k == 1   ? USE_WIN
                : in.op == OP_WAXPY && k == 2   ? USE_WTAB
                : k                             ? USE_SRC
                : in.op == OP_FMAC || in.op == OP_WAXPY ? USE_RMW
                                                : USE_DST;
      uint32_t *st = &seen[(size_t)f[k] * USE__N + (size_t)use];
      if (*st == p + 1) continue;
      *st = p + 1;
      DsrUse u = {f[k], (uint8_t)use, i};
      VEC_PUSH(uses, u);
    }
    if (oi->fmt[3] == 't' && (uint32_t)in.imm + 1 > pi->need_task) pi->need_task = (uint32_t)in.imm + 1;
    if (isa_has_flags(in.op) && (in.imm & ISA_ACTIVATE) && (uint32_t)ISA_TASK(in.imm) + 1 > pi->need_task)
      pi->need_task = (uint32_t)ISA_TASK(in.imm) + 1;
  }
  if (!R->failed) {
    /* a task ends with TERM; a program whose last instruction can fall
     * through would run off its end */
    Insn last = isa_decode(pg->insn[pg->ninsn - 1]);
    if (last.op != OP_TERM && last.op != OP_JMP)
      fail(R, pi->off + 8 * (size_t)(pg->ninsn - 1), F("prog[%u].insn[%u]", p, pg->ninsn - 1),
           "the program ends with %s, not TERM or JMP: a task would run off its end", isa_ops[last.op].name);
  }
  pi->nuse = (uint32_t)uses.n;
  pi->use = uses.v;
}

/* A piece's SRAM range on its core, to find pieces of one tensor that
 * overlap in SRAM (sorted by core, then address). */
typedef struct PRange { uint32_t core, piece; uint64_t lo, hi; } PRange;
static int cmp_prange(const void *a, const void *b) {
  const PRange *p = a, *q = b;
  if (p->core != q->core) return p->core < q->core ? -1 : 1;
  if (p->lo != q->lo) return p->lo < q->lo ? -1 : 1;
  return (p->piece > q->piece) - (p->piece < q->piece);
}

uint64_t wimg_io_count(const WIo *io) {
  uint64_t n = 1;
  for (int k = 0; k < WIMG_MAXRANK; k++) n *= io->dim[k];
  return n;
}

void wpiece_begin(WPieceWalk *w, const WIo *io, const WPiece *pc) {
  uint64_t acc = 1;
  w->pc = pc;
  w->g = 0;
  w->left = 1;
  for (int k = WIMG_MAXRANK - 1; k >= 0; k--) {
    w->st[k] = acc;
    acc *= io->dim[k];
    w->idx[k] = 0;
    w->g += pc->lo[k] * w->st[k];
    w->left *= pc->n[k];
  }
}

void wpiece_next(WPieceWalk *w) {
  w->left--;
  for (int k = WIMG_MAXRANK - 1; k >= 0; k--) {
    w->g += w->st[k];
    if (++w->idx[k] < w->pc->n[k]) return;
    w->g -= w->st[k] * w->idx[k];
    w->idx[k] = 0;
  }
}

int32_t wimg_find_core(const WImage *img, uint32_t x, uint32_t y) {
  uint32_t lo = 0, hi = img->ncore;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const WCore *k = &img->cores[mid];
    if (k->y == y && k->x == x) return (int32_t)mid;
    if (k->y < y || (k->y == y && k->x < x)) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/* DSR table tb: every record checked on its own (what needs the core -
 * colors it routes, how its program uses each DSR - is checked per core). */
static void read_dsr_table(Rd *R, const WTarget *t, uint32_t tb, WDsrTab *tab) {
  char fb[160];
  for (uint32_t i = 0; i < tab->ndsr && !R->failed; i++) {
    Dsr *d = &tab->dsr[i];
    size_t at = R->pos;
    d->kind = g8(R, "");
    d->dtype = g8(R, "");
    d->color = g8(R, "");
    d->ndim = g8(R, "");
    d->addr = g32(R, "");
    for (int j = 0; j < 4; j++) d->dim[j] = g32(R, "");
    for (int j = 0; j < 4; j++) d->stride[j] = (int32_t)g32(R, "");
    bool fabric = d->kind == DSR_FABIN || d->kind == DSR_FABOUT;
    int nd = fabric ? 1 : d->ndim; /* dims and strides in use */
    if (d->kind < DSR_MEM || d->kind > DSR_FABOUT) {
      fail(R, at, F("dsrtab[%u].dsr[%u].kind", tb, i), "%u is not a DSR kind", d->kind);
    } else if (d->dtype > WDT_BF16) {
      fail(R, at + 1, F("dsrtab[%u].dsr[%u].dtype", tb, i), "%u is not a dtype", d->dtype);
    } else if (fabric && d->ndim != 1) {
      /* one element per wavelet: the walk is one dimension long */
      fail(R, at + 3, F("dsrtab[%u].dsr[%u].ndim", tb, i), "%u, but a fabric DSR has 1 dimension", d->ndim);
    } else if (!fabric && (d->ndim < 1 || d->ndim > 4)) {
      fail(R, at + 3, F("dsrtab[%u].dsr[%u].ndim", tb, i), "%u is not in [1, 4]", d->ndim);
    } else if (fabric && d->color >= t->colors) {
      fail(R, at + 2, F("dsrtab[%u].dsr[%u].color", tb, i), "color %u >= %u", d->color, t->colors);
    } else if (!fabric && d->color) {
      fail(R, at + 2, F("dsrtab[%u].dsr[%u].color", tb, i), "%u, but a memory DSR has no color (must be 0)", d->color);
    } else if (fabric && d->addr) {
      fail(R, at + 4, F("dsrtab[%u].dsr[%u].addr", tb, i), "0x%x, but a fabric DSR has no address (must be 0)", d->addr);
    } else if (fabric && d->stride[0] != 1) {
      fail(R, at + 24, F("dsrtab[%u].dsr[%u].stride[0]", tb, i), "%d, but a fabric DSR has stride 1", d->stride[0]);
    } else {
      for (int j = nd; j < 4 && !R->failed; j++) {
        if (d->dim[j]) fail(R, at + 8 + 4 * (size_t)j, F("dsrtab[%u].dsr[%u].dim[%d]", tb, i, j), "%u beyond ndim %d (must be 0)", d->dim[j], nd);
        else if (d->stride[j])
          fail(R, at + 24 + 4 * (size_t)j, F("dsrtab[%u].dsr[%u].stride[%d]", tb, i, j), "%d beyond ndim %d (must be 0)", d->stride[j], nd);
      }
      if (R->failed) break;
      if (fabric) {
        if (d->dim[0] == 0) fail(R, at + 8, F("dsrtab[%u].dsr[%u].dim", tb, i), "a fabric DSR of length 0");
        continue;
      }
      int64_t lo, hi;
      uint64_t cnt = 1;
      int ext = dsr_extent(d, &lo, &hi);
      if (ext == -1) {
        fail(R, at + 8, F("dsrtab[%u].dsr[%u].dim", tb, i), "a dimension is 0");
        break;
      }
      for (int j = 0; j < nd; j++)
        if (__builtin_mul_overflow(cnt, (uint64_t)d->dim[j], &cnt) || cnt > WIMG_MAX_DSR_ELEMS) {
          fail(R, at + 8, F("dsrtab[%u].dsr[%u].dim", tb, i), "walks more than 2^48 elements (the most a DSR may)");
          break;
        }
      if (R->failed) break;
      if (ext != 0)
        fail(R, at + 4, F("dsrtab[%u].dsr[%u].addr", tb, i), "the tensor's byte range overflows 64 bits, outside the %u-byte SRAM",
             t->sram_bytes);
      else if (lo < 0 || hi > (int64_t)t->sram_bytes)
        fail(R, at + 4, F("dsrtab[%u].dsr[%u].addr", tb, i), "the tensor spans bytes [%lld, %lld), outside the %u-byte SRAM",
             (long long)lo, (long long)hi, t->sram_bytes);
    }
  }
}

int wimg_read(const uint8_t *bytes, size_t len, WImage *img, char *err, size_t errlen) {
  memset(img, 0, sizeof *img);
  Rd r = {bytes, len, 0, err, errlen, false};
  Rd *R = &r;
  char fb[160];
  ProgInfo *info = NULL;
  uint32_t *seen = NULL;
  uint8_t *cover = NULL;
  PRange *ranges = NULL;
  if (len < 8 || memcmp(bytes, MAGIC, 8) != 0)
    return fail(R, 0, "header.magic", "not a .wimg file (expected the bytes 89 57 53 45 49 4d 47 0a, \"\\x89WSEIMG\\n\")");
  r.pos = 8;
  uint32_t version = g32(R, "header.version");
  if (!r.failed && version != WIMG_VERSION)
    return fail(R, 8, "header.version", "unsupported version %u (this wsesim reads version %d)", version, WIMG_VERSION);
  uint32_t hsize = g32(R, "header.header_size");
  if (!r.failed && hsize != HEADER_SIZE) return fail(R, 12, "header.header_size", "%u, expected %d", hsize, HEADER_SIZE);
  uint64_t fsize = g64(R, "header.file_size");
  if (!r.failed && fsize != len)
    return fail(R, 16, "header.file_size", "says %llu bytes but the file has %zu (truncated or padded)",
                (unsigned long long)fsize, len);
  uint64_t sum = g64(R, "header.checksum");
  if (r.failed) goto bad;
  if (len < HEADER_SIZE) return fail(R, len, "header", "file ends at 0x%zx", len);
  uint64_t calc = fnv1a64(bytes + 32, len - 32);
  if (sum != calc)
    return fail(R, 24, "header.checksum", "stored 0x%016llx, computed 0x%016llx (the file is corrupted)",
                (unsigned long long)sum, (unsigned long long)calc);
  for (size_t i = 32; i < HEADER_SIZE; i++)
    if (bytes[i]) return fail(R, i, "header.reserved", "must be zero");
  r.pos = HEADER_SIZE;

  WTarget *t = &img->tgt;
  if (!need(R, 32, "target.name")) goto bad;
  memcpy(t->name, bytes + r.pos, 32);
  if (t->name[31] || !t->name[0]) return fail(R, r.pos, "target.name", "not a NUL-terminated name");
  r.pos += 32;
  /* the machine parameters marked "in the image" (common/machine.h), each
   * checked against the range a target file may give it; the others take
   * their one allowed value */
  for (int i = 0; i < MP__COUNT; i++) {
    const MachineParam *p = &machine_params[i];
    if (!p->in_image) {
      *machine_field(t, i) = p->min;
      continue;
    }
    char fld[48];
    snprintf(fld, sizeof fld, "target.%s", p->field);
    size_t at = r.pos;
    uint32_t v = g32(R, fld);
    const char *why = r.failed ? NULL : machine_check(i, v);
    if (why && (v < p->min || v > p->max)) return fail(R, at, fld, "%u is out of range [%u, %u]", v, p->min, p->max);
    if (why) return fail(R, at, fld, "%u %s", v, why);
    *machine_field(t, i) = v;
  }
  size_t at = r.pos;
  img->rx = g32(R, "region.x");
  img->ry = g32(R, "region.y");
  img->rw = g32(R, "region.w");
  img->rh = g32(R, "region.h");
  if (!r.failed && ((uint64_t)img->rx + img->rw > t->grid_w || (uint64_t)img->ry + img->rh > t->grid_h))
    return fail(R, at, "region", "%ux%u at (%u,%u) is outside the %ux%u grid", img->rw, img->rh, img->rx, img->ry,
                t->grid_w, t->grid_h);
  img->nprog = gcount(R, "nprog", 4);
  img->ndsrtab = gcount(R, "ndsrtab", 4);
  img->ncore = gcount(R, "ncore", 24);
  img->nio = gcount(R, "nio", 24);
  at = r.pos;
  img->ndata = g64(R, "ndata");
  if (!r.failed && img->ndata > len) return fail(R, at, "ndata", "%llu bytes is more than the file", (unsigned long long)img->ndata);
  if (r.failed) goto bad;

  img->progs = xcalloc(img->nprog + 1, sizeof(WProg));
  info = xcalloc(img->nprog + 1, sizeof(ProgInfo));
  seen = xcalloc(256 * USE__N, sizeof(uint32_t));
  for (uint32_t p = 0; p < img->nprog && !r.failed; p++) {
    at = r.pos;
    uint32_t n = gcount(R, F("prog[%u].ninsn", p), 8);
    if (!r.failed && n == 0) {
      fail(R, at, F("prog[%u].ninsn", p), "0, but a program has at least one instruction (a final TERM)");
      goto bad;
    }
    if (!r.failed && (uint64_t)n * 8 > t->sram_bytes) {
      fail(R, at, F("prog[%u].ninsn", p), "%u instructions do not fit a core's SRAM", n);
      goto bad;
    }
    img->progs[p].ninsn = n;
    img->progs[p].insn = xmalloc(sizeof(uint64_t) * (n + 1));
    info[p].off = r.pos;
    for (uint32_t i = 0; i < n && !r.failed; i++) img->progs[p].insn[i] = g64(R, "prog.insn");
    if (!r.failed) prog_scan(R, &img->progs[p], p, &info[p], seen);
  }
  if (r.failed) goto bad;
  img->dsrtabs = xcalloc(img->ndsrtab + 1, sizeof(WDsrTab));
  for (uint32_t tb = 0; tb < img->ndsrtab && !r.failed; tb++) {
    WDsrTab *dt = &img->dsrtabs[tb];
    at = r.pos;
    dt->ndsr = gcount(R, F("dsrtab[%u].ndsr", tb), DSR_SIZE);
    if (!r.failed && dt->ndsr > t->dsrs) fail(R, at, F("dsrtab[%u].ndsr", tb), "%u DSRs but a core has %u", dt->ndsr, t->dsrs);
    if (r.failed) break;
    dt->dsr = xcalloc(dt->ndsr + 1, sizeof(Dsr));
    read_dsr_table(R, t, tb, dt);
  }
  if (r.failed) goto bad;
  img->cores = xcalloc(img->ncore + 1, sizeof(WCore));
  uint64_t sram_total = 0;
  for (uint32_t c = 0; c < img->ncore && !r.failed; c++) {
    WCore *k = &img->cores[c];
    at = r.pos;
    k->x = g16(R, F("core[%u].x", c));
    k->y = g16(R, F("core[%u].y", c));
    if (r.failed) break;
    if (k->x < img->rx || k->x >= img->rx + img->rw || k->y < img->ry || k->y >= img->ry + img->rh) {
      fail(R, at, F("core[%u].x", c), "core (%u,%u) is outside the region", k->x, k->y);
      break;
    }
    if (c && (k->y < img->cores[c - 1].y || (k->y == img->cores[c - 1].y && k->x <= img->cores[c - 1].x))) {
      fail(R, at, F("core[%u].x", c), "cores are not sorted by (y, x) or repeat (%u,%u)", k->x, k->y);
      break;
    }
    at = r.pos;
    k->prog = g32(R, F("core[%u].prog", c));
    if (!r.failed && k->prog != WIMG_NO_PROG && k->prog >= img->nprog) {
      fail(R, at, F("core[%u].prog", c), "program %u does not exist (%u programs)", k->prog, img->nprog);
      break;
    }
    bool router_only = k->prog == WIMG_NO_PROG;
    if (!router_only) {
      sram_total += t->sram_bytes;
      if (sram_total > WIMG_MAX_SRAM_TOTAL) {
        fail(R, at, F("core[%u].prog", c), "%u cores with programs need %llu bytes of SRAM; wsesim simulates at most %s",
             c + 1, (unsigned long long)sram_total, WIMG_MAX_SRAM_TOTAL_TEXT);
        break;
      }
    }
    at = r.pos;
    k->dsrtab = g32(R, F("core[%u].dsrtab", c));
    if (r.failed) break;
    if (router_only && k->dsrtab != WIMG_NO_DSRTAB) {
      fail(R, at, F("core[%u].dsrtab", c), "%u, but core (%u,%u) has no program (a router only has routes)", k->dsrtab,
           k->x, k->y);
      break;
    }
    if (k->dsrtab != WIMG_NO_DSRTAB && k->dsrtab >= img->ndsrtab) {
      fail(R, at, F("core[%u].dsrtab", c), "DSR table %u does not exist (%u tables)", k->dsrtab, img->ndsrtab);
      break;
    }
    if (k->dsrtab != WIMG_NO_DSRTAB) {
      k->ndsr = img->dsrtabs[k->dsrtab].ndsr;
      k->dsr = img->dsrtabs[k->dsrtab].dsr;
    }
    static const char *const cn[3] = {"ntask", "nroute", "ninit"};
    uint32_t *cv[3] = {&k->ntask, &k->nroute, &k->ninit};
    for (int j = 0; j < 3 && !r.failed; j++) {
      at = r.pos;
      *cv[j] = gcount(R, F("core[%u].%s", c, cn[j]), j == 2 ? INIT_SIZE : 0);
      if (r.failed) break;
      /* a core without a program is only a router: it has no SRAM */
      if (router_only && j != 1 && *cv[j])
        fail(R, at, F("core[%u].%s", c, cn[j]), "%u, but core (%u,%u) has no program (a router only has routes)", *cv[j],
             k->x, k->y);
      else if (j == 0 && k->ntask > 256)
        fail(R, at, F("core[%u].ntask", c), "%u tasks; at most 256", k->ntask);
      else if (j == 0 && !router_only && k->ntask == 0)
        fail(R, at, F("core[%u].ntask", c), "a core with a program needs a task");
      else if (j == 1 && k->nroute > t->colors)
        fail(R, at, F("core[%u].nroute", c), "%u routes but a router has %u colors", k->nroute, t->colors);
    }
    if (r.failed) break;
    if (!need(R, (size_t)k->ntask * TASK_SIZE + (size_t)k->nroute * ROUTE_SIZE, F("core[%u]", c)))
      break;
    uint32_t ninsn = router_only ? 0 : img->progs[k->prog].ninsn;
    size_t task_at = r.pos;
    uint32_t data_colors = 0;
    k->task = xcalloc(k->ntask + 1, sizeof(WTask));
    for (uint32_t i = 0; i < k->ntask && !r.failed; i++) {
      at = r.pos;
      k->task[i].kind = g8(R, "");
      k->task[i].color = g8(R, "");
      uint16_t pad = g16(R, "");
      k->task[i].pc = g32(R, "");
      const WTask *tk = &k->task[i];
      if (tk->kind > TASK_LOCAL) fail(R, at, F("core[%u].task[%u].kind", c, i), "%u is not a task kind", tk->kind);
      else if (tk->kind == TASK_DATA && tk->color >= t->colors)
        fail(R, at + 1, F("core[%u].task[%u].color", c, i), "color %u >= %u", tk->color, t->colors);
      else if (tk->kind == TASK_DATA && (data_colors >> tk->color & 1))
        fail(R, at + 1, F("core[%u].task[%u].color", c, i), "a second data task on color %u (one per color)", tk->color);
      else if (tk->kind != TASK_DATA && tk->color)
        fail(R, at + 1, F("core[%u].task[%u].color", c, i), "%u, but only a data task has a color (must be 0)", tk->color);
      else if (pad) fail(R, at + 2, F("core[%u].task[%u].pad", c, i), "must be zero");
      else if (tk->pc >= ninsn)
        fail(R, at + 4, F("core[%u].task[%u].pc", c, i), "pc %u is outside the program (%u instructions)", tk->pc, ninsn);
      if (tk->kind == TASK_DATA) data_colors |= 1u << (tk->color & 31);
    }
    /* the route of each color at this router: -1 none, else the index */
    int16_t route_of[32];
    for (int j = 0; j < 32; j++) route_of[j] = -1;
    k->route = xcalloc(k->nroute + 1, sizeof(WRoute));
    for (uint32_t i = 0; i < k->nroute && !r.failed; i++) {
      at = r.pos;
      k->route[i].color = g8(R, "");
      k->route[i].in_port = g8(R, "");
      k->route[i].out_mask = g8(R, "");
      uint8_t pad = g8(R, "");
      if (k->route[i].color >= t->colors) fail(R, at, F("core[%u].route[%u].color", c, i), "color %u >= %u", k->route[i].color, t->colors);
      else if (i && k->route[i].color <= k->route[i - 1].color)
        fail(R, at, F("core[%u].route[%u].color", c, i), "routes not sorted by color or color %u repeats", k->route[i].color);
      else if (k->route[i].in_port >= PORT__COUNT) fail(R, at + 1, F("core[%u].route[%u].in_port", c, i), "%u is not a port", k->route[i].in_port);
      else if (k->route[i].out_mask >= 32 || !k->route[i].out_mask)
        fail(R, at + 2, F("core[%u].route[%u].out_mask", c, i), "0x%x is not a set of ports", k->route[i].out_mask);
      else if (pad) fail(R, at + 3, F("core[%u].route[%u].pad", c, i), "must be zero");
      else route_of[k->route[i].color] = (int16_t)i;
    }
#define DELIVERS(col) (route_of[col] >= 0 && (k->route[route_of[col]].out_mask & (1u << PORT_R)))
#define FROM_RAMP(col) (route_of[col] >= 0 && k->route[route_of[col]].in_port == PORT_R)
    /* a data task waits for wavelets the router must deliver to the core */
    for (uint32_t i = 0; i < k->ntask && !r.failed; i++)
      if (k->task[i].kind == TASK_DATA && !DELIVERS(k->task[i].color))
        fail(R, task_at + 8 * (size_t)i + 1, F("core[%u].task[%u].color", c, i),
             "a data task on color %u, but core (%u,%u)'s router delivers nothing on color %u to the core", k->task[i].color,
             k->x, k->y, k->task[i].color);
    k->init = xcalloc(k->ninit + 1, sizeof(WInit));
    for (uint32_t i = 0; i < k->ninit && !r.failed; i++) {
      at = r.pos;
      k->init[i].addr = g32(R, "");
      k->init[i].len = g32(R, "");
      k->init[i].off = g64(R, "");
      uint64_t code = (uint64_t)ninsn * 8;
      if ((uint64_t)k->init[i].addr + k->init[i].len > t->sram_bytes || k->init[i].addr < code)
        fail(R, at, F("core[%u].init[%u].addr", c, i), "bytes [%u, %llu) are outside the data part of SRAM", k->init[i].addr,
             (unsigned long long)k->init[i].addr + k->init[i].len);
      else if (k->init[i].off > img->ndata || k->init[i].len > img->ndata - k->init[i].off)
        fail(R, at + 8, F("core[%u].init[%u].off", c, i), "reaches past the %llu-byte data blob", (unsigned long long)img->ndata);
    }
    if (r.failed || router_only) continue;
    /* every instruction of the core's program must be valid for this core */
    const WProg *pg = &img->progs[k->prog];
    const ProgInfo *pi = &info[k->prog];
    if (pi->need_dsr > k->ndsr || pi->need_task > k->ntask)
      for (uint32_t i = 0; i < pg->ninsn; i++) {
        const char *why = isa_check(isa_decode(pg->insn[i]), (int)k->ndsr, (int)pg->ninsn, (int)k->ntask);
        if (why) {
          fail(R, pi->off + 8 * (size_t)i, F("prog[%u].insn[%u]", k->prog, i), "%s (core (%u,%u) has %u DSR%s and %u task%s)", why,
               k->x, k->y, k->ndsr, k->ndsr == 1 ? "" : "s", k->ntask, k->ntask == 1 ? "" : "s");
          break;
        }
      }
    /* and every DSR it names must suit its use */
    for (uint32_t j = 0; j < pi->nuse && !r.failed; j++) {
      const DsrUse *u = &pi->use[j];
      const Dsr *d = &k->dsr[u->dsr];
      const char *name = isa_ops[isa_decode(pg->insn[u->insn]).op].name;
      size_t ioff = pi->off + 8 * (size_t)u->insn;
      const char *f = F("prog[%u].insn[%u]", k->prog, u->insn);
      char what[200] = "";
      if (u->use == USE_DINC && d->kind != DSR_MEM)
        snprintf(what, sizeof what, "DINC moves d%u, a fabric DSR (only a memory DSR has an address)", u->dsr);
      else if (u->use == USE_RMW && d->kind != DSR_MEM)
        snprintf(what, sizeof what, "%s reads and writes d%u, which must be a memory DSR", name, u->dsr);
      else if (u->use == USE_WIN && d->kind != DSR_FABIN)
        snprintf(what, sizeof what, "WAXPY takes its weights from d%u, which must be a fabin DSR", u->dsr);
      else if (u->use == USE_WIN && !DELIVERS(d->color))
        snprintf(what, sizeof what, "WAXPY receives weights on color %u (d%u) but the router delivers nothing on color %u to the core",
                 d->color, u->dsr, d->color);
      else if (u->use == USE_WTAB && (d->kind != DSR_MEM || d->ndim < 2))
        snprintf(what, sizeof what, "WAXPY's table d%u must be a memory DSR of 2 to 4 dims (a row per weight index)", u->dsr);
      else if ((u->use == USE_DST || u->use == USE_RMW) && d->kind == DSR_FABIN)
        snprintf(what, sizeof what, "%s writes d%u, a fabin DSR", name, u->dsr);
      else if (u->use == USE_SRC && d->kind == DSR_FABOUT)
        snprintf(what, sizeof what, "%s reads d%u, a fabout DSR", name, u->dsr);
      else if (u->use == USE_DST && d->kind == DSR_FABOUT && !FROM_RAMP(d->color))
        snprintf(what, sizeof what, "%s sends on color %u (d%u) but the router has no route for color %u from the ramp", name,
                 d->color, u->dsr, d->color);
      else if (u->use == USE_SRC && d->kind == DSR_FABIN && !DELIVERS(d->color))
        snprintf(what, sizeof what, "%s receives on color %u (d%u) but the router delivers nothing on color %u to the core",
                 name, d->color, u->dsr, d->color);
      if (what[0]) fail(R, ioff, f, "%s (core (%u,%u))", what, k->x, k->y);
    }
#undef DELIVERS
#undef FROM_RAMP
  }
  if (r.failed) goto bad;
  img->io = xcalloc(img->nio + 1, sizeof(WIo));
  for (uint32_t i = 0; i < img->nio && !r.failed; i++) {
    WIo *io = &img->io[i];
    at = r.pos;
    uint32_t n = gcount(R, F("io[%u].name_len", i), 1);
    if (r.failed) break;
    if (n == 0 || n > 255) {
      fail(R, at, F("io[%u].name_len", i), "%u is not in [1, 255]", n);
      break;
    }
    size_t name_at = r.pos;
    io->name = xcalloc(n + 1, 1);
    memcpy(io->name, bytes + r.pos, n);
    for (uint32_t j = 0; j < n; j++)
      if (bytes[r.pos + j] < 0x21 || bytes[r.pos + j] > 0x7e) {
        fail(R, r.pos + j, F("io[%u].name", i), "not a printable name");
        break;
      }
    if (r.failed) break;
    r.pos += n;
    at = r.pos;
    io->dir = g8(R, "");
    io->dtype = g8(R, "");
    io->rank = g8(R, "");
    uint8_t pad = g8(R, "");
    if (!r.failed && io->rank > WIMG_MAXRANK) {
      fail(R, at + 2, F("io[%u].rank", i), "%u > %d", io->rank, WIMG_MAXRANK);
      break;
    }
    int nd = io_dims(io->rank);
    for (int j = 0; j < WIMG_MAXRANK; j++) io->dim[j] = j < nd ? g32(R, F("io[%u].dim", i)) : 1;
    if (r.failed) break;
    const WIo *prev = i ? &img->io[i - 1] : NULL;
    if (io->dir > WIO_OUT) fail(R, at, F("io[%u].dir", i), "%u is neither in (0) nor out (1)", io->dir);
    else if (prev && (io->dir < prev->dir || (io->dir == prev->dir && strcmp(io->name, prev->name) <= 0)))
      fail(R, name_at, F("io[%u].name", i), "'%s' after '%s': not inputs first then outputs, each sorted by name, each once",
           io->name, prev->name);
    else if (io->dtype > WDT_BF16) fail(R, at + 1, F("io[%u].dtype", i), "%u is not a dtype", io->dtype);
    else if (pad) fail(R, at + 3, F("io[%u].pad", i), "must be zero");
    uint64_t tot = 1;
    for (int j = 0; j < nd && !r.failed; j++) {
      if (io->dim[j] == 0 || (j >= io->rank && io->dim[j] != 1))
        fail(R, at + 4 + 4 * (size_t)j, F("io[%u].dim[%d]", i, j), "%u is invalid", io->dim[j]);
      else if (__builtin_mul_overflow(tot, (uint64_t)io->dim[j], &tot) || tot > WIMG_MAX_IO_ELEMS)
        fail(R, at + 4 + 4 * (size_t)j, F("io[%u].dim[%d]", i, j), "the tensor has more than 2^32 elements (the most an I/O tensor may)");
    }
    if (r.failed) break;
    size_t np_at = r.pos;
    io->npiece = gcount(R, F("io[%u].npiece", i), piece_size(io->rank));
    io->piece = xcalloc(io->npiece + 1, sizeof(WPiece));
    int es = wdt_size(io->dtype);
    uint64_t piece_elems = 0;
    ranges = xcalloc(io->npiece + 1, sizeof(PRange));
    for (uint32_t p = 0; p < io->npiece && !r.failed; p++) {
      WPiece *pc = &io->piece[p];
      at = r.pos;
      pc->x = g16(R, "");
      pc->y = g16(R, "");
      pc->addr = g32(R, "");
      for (int j = 0; j < WIMG_MAXRANK; j++) pc->lo[j] = j < nd ? g32(R, "") : 0;
      for (int j = 0; j < WIMG_MAXRANK; j++) pc->n[j] = j < nd ? g32(R, "") : 1;
      if (r.failed) break;
      uint64_t cnt = 1;
      for (int j = 0; j < nd; j++) {
        if (pc->n[j] == 0 || (uint64_t)pc->lo[j] + pc->n[j] > io->dim[j]) {
          fail(R, at + 8, F("io[%u].piece[%u].lo", i, p), "box outside the %s tensor", io->name);
          break;
        }
        cnt *= pc->n[j]; /* at most the tensor's count: no overflow */
      }
      if (r.failed) break;
      int32_t ci = wimg_find_core(img, pc->x, pc->y);
      if (ci < 0) {
        fail(R, at, F("io[%u].piece[%u].x", i, p), "core (%u,%u) is not in the image", pc->x, pc->y);
        break;
      }
      const WCore *k = &img->cores[ci];
      if (k->prog == WIMG_NO_PROG) {
        fail(R, at, F("io[%u].piece[%u].x", i, p), "core (%u,%u) has no program: a router only has no SRAM for the piece", pc->x,
             pc->y);
        break;
      }
      uint64_t code = (uint64_t)img->progs[k->prog].ninsn * 8;
      uint64_t end = (uint64_t)pc->addr + cnt * (uint64_t)es; /* cnt <= the tensor's 2^32 elements */
      if (cnt > t->sram_bytes || end > t->sram_bytes || pc->addr < code) {
        fail(R, at + 4, F("io[%u].piece[%u].addr", i, p), "the piece's %llu elements at 0x%x are outside the data part of SRAM "
             "(bytes [%llu, %u) of core (%u,%u))", (unsigned long long)cnt, pc->addr, (unsigned long long)code, t->sram_bytes,
             pc->x, pc->y);
        break;
      }
      ranges[p] = (PRange){(uint32_t)ci, p, pc->addr, end};
      piece_elems += cnt;
      if (piece_elems * (uint64_t)es > sram_total) {
        fail(R, at, F("io[%u].piece[%u]", i, p), "the pieces of '%s' hold more bytes than the SRAM of all the cores (%llu)",
             io->name, (unsigned long long)sram_total);
        break;
      }
    }
    /* two pieces of one tensor in the same bytes of one core: one would
     * overwrite the other */
    if (!r.failed) {
      qsort(ranges, io->npiece, sizeof(PRange), cmp_prange);
      for (uint32_t p = 1; p < io->npiece && !r.failed; p++)
        if (ranges[p].core == ranges[p - 1].core && ranges[p].lo < ranges[p - 1].hi) {
          const WPiece *pc = &io->piece[ranges[p].piece];
          uint32_t later = ranges[p].piece > ranges[p - 1].piece ? ranges[p].piece : ranges[p - 1].piece;
          uint32_t earlier = ranges[p].piece ^ ranges[p - 1].piece ^ later;
          fail(R, np_at + 4 + (size_t)later * piece_size(io->rank) + 4, F("io[%u].piece[%u].addr", i, later),
               "overlaps piece %u of '%s' in the SRAM of core (%u,%u)", earlier, io->name, pc->x, pc->y);
        }
    }
    free(ranges);
    ranges = NULL;
    if (r.failed || io->dir != WIO_OUT) continue;
    /* An output is read back from its pieces: every element must be in
     * one, or the host would read memory no core wrote. */
    if (piece_elems < tot) {
      fail(R, np_at, F("io[%u].npiece", i), "the pieces hold %llu elements but output '%s' has %llu: some are in no piece",
           (unsigned long long)piece_elems, io->name, (unsigned long long)tot);
      break;
    }
    cover = xcalloc(tot / 8 + 1, 1);
    for (uint32_t p = 0; p < io->npiece; p++) {
      WPieceWalk w;
      for (wpiece_begin(&w, io, &io->piece[p]); w.left; wpiece_next(&w)) cover[w.g >> 3] |= (uint8_t)(1u << (w.g & 7));
    }
    for (uint64_t g = 0; g < tot; g++)
      if (!(cover[g >> 3] >> (g & 7) & 1)) {
        fail(R, np_at, F("io[%u].npiece", i), "element %llu (C order) of output '%s' is in no piece", (unsigned long long)g,
             io->name);
        break;
      }
    free(cover);
    cover = NULL;
  }
  if (r.failed) goto bad;
  at = r.pos;
  if (len - r.pos != img->ndata) {
    fail(R, at, "data", "%zu bytes remain but ndata says %llu", len - r.pos, (unsigned long long)img->ndata);
    goto bad;
  }
  img->data = xmalloc(img->ndata + 1);
  memcpy(img->data, bytes + r.pos, img->ndata);
  for (uint32_t p = 0; p < img->nprog; p++) free(info[p].use);
  free(info);
  free(seen);
  return 0;
bad:
  for (uint32_t p = 0; info && p < img->nprog; p++) free(info[p].use);
  free(info);
  free(seen);
  free(cover);
  free(ranges);
  wimg_free(img);
  return -1;
}

void wimg_free(WImage *img) {
  for (uint32_t p = 0; p < img->nprog && img->progs; p++) free(img->progs[p].insn);
  free(img->progs);
  for (uint32_t i = 0; i < img->ndsrtab && img->dsrtabs; i++) free(img->dsrtabs[i].dsr);
  free(img->dsrtabs);
  for (uint32_t c = 0; c < img->ncore && img->cores; c++) {
    free(img->cores[c].task);
    free(img->cores[c].route);
    free(img->cores[c].init);
  }
  free(img->cores);
  for (uint32_t i = 0; i < img->nio && img->io; i++) {
    free(img->io[i].name);
    free(img->io[i].piece);
  }
  free(img->io);
  free(img->data);
  memset(img, 0, sizeof *img);
}
