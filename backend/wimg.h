/* backend/wimg.h: the .wimg image: everything the simulator needs, nothing
 * from the source. docs/wimg.md documents the byte layout written by
 * wimg_write and validated by wimg_read.
 *
 * In memory the image is one WImage; all arrays are heap-allocated and freed
 * by wimg_free(). */
#ifndef WSEC_WIMG_H
#define WSEC_WIMG_H
#include <stdint.h>
#include <stddef.h>
#include "backend/isa.h"
#include "common/machine.h"

#define WIMG_VERSION 2

/* The target parameters (common/machine.h); the image's target header holds
 * the rows marked "in the image", in table order. */
typedef Machine WTarget;

enum { TASK_MAIN = 0, TASK_DATA = 1, TASK_LOCAL = 2 };
/* Task table entry. Task ids are indices into the core's table.
 * MAIN: activated at reset. DATA: armed at reset; activated when a wavelet is
 * waiting in the core's input queue for `color`; firing disarms it (a data
 * task fires once). LOCAL: activated by ACT or by an async tensor
 * instruction's completion. */
typedef struct WTask { uint8_t kind, color; uint32_t pc; } WTask;

/* Routing entry: at this core's router, wavelets of `color` arrive on port
 * in_port and are copied to every port in out_mask (bit p = port p). */
typedef struct WRoute { uint8_t color, in_port, out_mask; } WRoute;

/* SRAM initialisation: `len` bytes at `addr` come from data[off..off+len). */
typedef struct WInit { uint32_t addr, len; uint64_t off; } WInit;

/* A DSR table: cores whose tables are equal share one (most cores of an op
 * differ only in their SRAM contents). */
typedef struct WDsrTab { uint32_t ndsr; Dsr *dsr; } WDsrTab;

typedef struct WCore {
  uint16_t x, y;                /* absolute grid coordinates */
  uint32_t prog;                /* index into progs, or WIMG_NO_PROG (router only) */
  uint32_t ndsr;  Dsr *dsr;     /* its DSR table (not owned: it is dsrtabs[dsrtab]'s) */
  uint32_t ntask; WTask *task;
  uint32_t nroute; WRoute *route;
  uint32_t ninit; WInit *init;
  uint32_t dsrtab;              /* index into dsrtabs, or WIMG_NO_DSRTAB (no DSRs): what the file stores */
} WCore;
#define WIMG_NO_PROG 0xffffffffu
#define WIMG_NO_DSRTAB 0xffffffffu

typedef struct WProg { uint32_t ninsn; uint64_t *insn; } WProg;

/* One piece of an interface tensor: the box [lo, lo+n) of the tensor lives
 * densely (C order, the tensor's dtype) at SRAM address addr of core (x,y). */
#define WIMG_MAXRANK 6 /* an I/O tensor's rank; the file holds max(rank, 4) dims (wimg.md) */
typedef struct WPiece { uint16_t x, y; uint32_t addr; uint32_t lo[WIMG_MAXRANK], n[WIMG_MAXRANK]; } WPiece;
enum { WIO_IN = 0, WIO_OUT = 1 };
typedef struct WIo {
  char *name;
  uint8_t dir, dtype, rank;
  uint32_t dim[WIMG_MAXRANK]; /* 1 beyond the rank; pieces' lo 0 and n 1 there */
  uint32_t npiece; WPiece *piece;
} WIo;

typedef struct WImage {
  WTarget tgt;
  uint32_t rx, ry, rw, rh;      /* used region (absolute) */
  uint32_t nprog;  WProg *progs;
  uint32_t ndsrtab; WDsrTab *dsrtabs;
  uint32_t ncore;  WCore *cores;  /* sorted by (y, x), unique */
  uint32_t nio;    WIo *io;       /* inputs first, then outputs, each in name order */
  uint64_t ndata;  uint8_t *data;
} WImage;

/* Serialise (deterministic). Returns heap bytes in *out. */
void wimg_write(const WImage *img, uint8_t **out, size_t *len);
/* The same without copying the data section: *out gets every byte before
 * it (header checksum and size already cover it); the file is *out
 * followed by img->data. */
void wimg_write_head(const WImage *img, uint8_t **out, size_t *len);
/* Parse and validate. Returns 0 or -1 with err like
 * "offset 0x1c: field header.checksum: stored 0x..., computed 0x...". */
int wimg_read(const uint8_t *bytes, size_t len, WImage *img, char *err, size_t errlen);
void wimg_free(WImage *img);
/* The index of core (x, y) in img->cores (sorted by (y, x)), or -1. */
int32_t wimg_find_core(const WImage *img, uint32_t x, uint32_t y);

/* The elements of a piece in its C order: `g` is each one's index in the
 * whole tensor (C order). for (wpiece_begin(&w, io, pc); w.left; wpiece_next(&w)) */
typedef struct WPieceWalk {
  const WPiece *pc;
  uint64_t st[WIMG_MAXRANK]; /* the tensor's C-order strides */
  uint32_t idx[WIMG_MAXRANK];
  uint64_t g, left;          /* left: elements not yet walked, this one included */
} WPieceWalk;
void wpiece_begin(WPieceWalk *w, const WIo *io, const WPiece *pc);
/* The elements of an I/O tensor (wimg_read: at most 2^32). */
uint64_t wimg_io_count(const WIo *io);
void wpiece_next(WPieceWalk *w);

#endif
