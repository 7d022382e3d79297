/* common/util.h: small utilities shared by every wsecc module.
 *
 * Two kinds of error exist in wsecc:
 *   - user diagnostics (bad source, bad image, bad .npy): reported with a
 *     location and the program exits with status 1 (see frontend/diag.h and
 *     each module's error path);
 *   - internal bugs: die() prints "internal error: ..." and aborts.
 */
#ifndef WSEC_UTIL_H
#define WSEC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);           /* never returns NULL; dies on OOM */
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Arena: bump allocator; everything allocated from it is freed at once by
 * arena_free(). Memory is zeroed. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena { ArenaBlock *head; } Arena;
void *arena_alloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(Arena *a);
#define ARENA_NEW(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

/* Buf: growable byte buffer (heap). */
typedef struct Buf { uint8_t *data; size_t len, cap; } Buf;
void buf_put(Buf *b, const void *p, size_t n);
void buf_u8(Buf *b, uint8_t v);
void buf_u16(Buf *b, uint16_t v);  /* little-endian */
void buf_u32(Buf *b, uint32_t v);
void buf_u64(Buf *b, uint64_t v);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
void buf_free(Buf *b);

/* Vec: growable array of fixed-size elements (heap). */
#define VEC(T) struct { T *v; int n, cap; }
#define VEC_PUSH(vec, x) do { \
    if ((vec).n == (vec).cap) { \
      (vec).cap = (vec).cap ? 2 * (vec).cap : 8; \
      (vec).v = xrealloc((vec).v, sizeof(*(vec).v) * (size_t)(vec).cap); \
    } \
    (vec).v[(vec).n++] = (x); \
  } while (0)
#define VEC_FREE(vec) do { free((vec).v); (vec).v = NULL; (vec).n = (vec).cap = 0; } while (0)

/* Read a whole file; returns NULL (and sets errno) on failure. *len gets the
 * size; the buffer is NUL-terminated. A directory fails with EISDIR (not
 * the EIO that reading one gives), and a file longer than READ_FILE_MAX
 * bytes (a device like /dev/zero, a runaway pipe) with EFBIG, so no input
 * can make us read until memory runs out. read_file_max() takes its own
 * bound. */
#define READ_FILE_MAX ((size_t)4 << 30) /* 4 GiB */
char *read_file(const char *path, size_t *len);
char *read_file_max(const char *path, size_t max, size_t *len);
/* The message for a read_file() failure: strerror(errno), except that
 * EFBIG names the bound ("larger than 64 MiB"). */
const char *read_file_error(int err, size_t max, char *buf, size_t n);

/* StrMap: a hash table from NUL-terminated strings to pointers, for the
 * name lookups of the frontend (a model may have 10^5 names). Keys are not
 * copied: they must outlive the map (arena strings). Open addressing,
 * linear probing, grown at 1/2 load. */
typedef struct StrMap { struct StrMapSlot *slot; size_t cap, n; } StrMap;
void *strmap_get(const StrMap *m, const char *key);          /* NULL if absent */
void strmap_put(StrMap *m, const char *key, void *val);      /* insert or replace */
void strmap_free(StrMap *m);

/* Write a file atomically: data goes to PATH.tmpXXXX then is renamed, so a
 * failed run never leaves a half-written output. A device or FIFO that
 * exists (/dev/null, /dev/stdout) is written in place, never replaced; a
 * symlink's target is replaced, not the link. Returns 0 or -1 (errno). */
int write_file_atomic(const char *path, const void *data, size_t len);
/* The same for a file made of two parts, written one after the other. */
int write_file_atomic2(const char *path, const void *data, size_t len, const void *data2, size_t len2);

uint64_t fnv1a64(const void *p, size_t n);
/* FNV-1a continued from hash h over n more bytes: fnv1a64(ab) ==
 * fnv1a64_more(fnv1a64(a), b). */
uint64_t fnv1a64_more(uint64_t h, const void *p, size_t n);
uint32_t rd_u32(const uint8_t *p);
uint16_t rd_u16(const uint8_t *p);
uint64_t rd_u64(const uint8_t *p);

#endif
