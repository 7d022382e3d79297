/* common/util.c: allocation, arenas, buffers, file I/O, hashing. */
/* realpath() is XSI, beyond the _POSIX_C_SOURCE the build defines */
#define _XOPEN_SOURCE 700
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void die(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("internal error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory (%zu bytes)", n);
  return p;
}
void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) die("out of memory (%zu x %zu bytes)", n, m);
  return p;
}
void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory (%zu bytes)", n);
  return p;
}
char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* ---- arena ---- */
struct ArenaBlock { ArenaBlock *next; size_t used, cap; _Alignas(16) unsigned char mem[]; };

void *arena_alloc(Arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  ArenaBlock *b = a->head;
  if (!b || b->used + n > b->cap) {
    size_t cap = n > 65536 ? n : 65536;
    b = xmalloc(sizeof(ArenaBlock) + cap);
    b->used = 0;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->mem + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}
char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}
char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }
char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}
void arena_free(Arena *a) {
  ArenaBlock *b = a->head;
  while (b) {
    ArenaBlock *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

/* ---- buffers ---- */
void buf_put(Buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
  }
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}
void buf_u8(Buf *b, uint8_t v) { buf_put(b, &v, 1); }
void buf_u16(Buf *b, uint16_t v) {
  uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  buf_put(b, x, 2);
}
void buf_u32(Buf *b, uint32_t v) {
  uint8_t x[4];
  for (int i = 0; i < 4; i++) x[i] = (uint8_t)(v >> (8 * i));
  buf_put(b, x, 4);
}
void buf_u64(Buf *b, uint64_t v) {
  uint8_t x[8];
  for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (8 * i));
  buf_put(b, x, 8);
}
void buf_vprintf(Buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  char tmp[256];
  if (n < (int)sizeof tmp) {
    vsnprintf(tmp, sizeof tmp, fmt, ap2);
    buf_put(b, tmp, (size_t)n);
  } else {
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    buf_put(b, p, (size_t)n);
    free(p);
  }
  va_end(ap2);
}
void buf_printf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}
void buf_free(Buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* ---- files ---- */
char *read_file_max(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    errno = EISDIR;
    return NULL;
  }
  Buf b = {0};
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
    if (b.len + n > max) {
      fclose(f);
      buf_free(&b);
      errno = EFBIG;
      return NULL;
    }
    buf_put(&b, tmp, n);
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    buf_free(&b);
    errno = EIO;
    return NULL;
  }
  buf_u8(&b, 0);
  if (len) *len = b.len - 1;
  return (char *)b.data;
}
char *read_file(const char *path, size_t *len) { return read_file_max(path, READ_FILE_MAX, len); }

const char *read_file_error(int err, size_t max, char *buf, size_t n) {
  if (err != EFBIG) return strerror(err);
  if (max % (1u << 20) == 0) snprintf(buf, n, "larger than %zu MiB, the limit for this kind of file", max >> 20);
  else snprintf(buf, n, "larger than %zu bytes, the limit for this kind of file", max);
  return buf;
}

/* ---- string map ---- */
struct StrMapSlot { const char *key; uint64_t hash; void *val; };

static size_t strmap_find(const StrMap *m, const char *key, uint64_t h) {
  size_t i = (size_t)h & (m->cap - 1);
  while (m->slot[i].key && (m->slot[i].hash != h || strcmp(m->slot[i].key, key))) i = (i + 1) & (m->cap - 1);
  return i;
}
void *strmap_get(const StrMap *m, const char *key) {
  if (!m->cap) return NULL;
  size_t i = strmap_find(m, key, fnv1a64(key, strlen(key)));
  return m->slot[i].key ? m->slot[i].val : NULL;
}
void strmap_put(StrMap *m, const char *key, void *val) {
  if (2 * (m->n + 1) > m->cap) {
    StrMap g = {xcalloc(m->cap ? 2 * m->cap : 64, sizeof(struct StrMapSlot)), m->cap ? 2 * m->cap : 64, m->n};
    for (size_t i = 0; i < m->cap; i++)
      if (m->slot[i].key) g.slot[strmap_find(&g, m->slot[i].key, m->slot[i].hash)] = m->slot[i];
    free(m->slot);
    *m = g;
  }
  uint64_t h = fnv1a64(key, strlen(key));
  size_t i = strmap_find(m, key, h);
  if (!m->slot[i].key) m->n++;
  m->slot[i] = (struct StrMapSlot){key, h, val};
}
void strmap_free(StrMap *m) {
  free(m->slot);
  m->slot = NULL;
  m->cap = m->n = 0;
}

static int write_all(int fd, const void *data, size_t len) {
  const unsigned char *p = data;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

/* Only a regular file is replaced by rename. A device or FIFO (-o
 * /dev/null, /dev/stdout) is written in place: renaming over /dev/null
 * would replace the device with a file (as root it succeeds). A symlink
 * keeps pointing where it did: its target is replaced. */
int write_file_atomic2(const char *path, const void *data, size_t len, const void *data2, size_t len2) {
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      errno = EISDIR;
      return -1;
    }
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    if (write_all(fd, data, len) != 0 || write_all(fd, data2, len2) != 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    return close(fd);
  }
  struct stat lst;
  char *real = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
  if (real) path = real;
  size_t pl = strlen(path);
  char *tmp = xmalloc(pl + 16);
  snprintf(tmp, pl + 16, "%s.tmpXXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    free(real);
    errno = e;
    return -1;
  }
  /* mkstemp creates 0600; give the file the usual permissions. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  int rc = write_all(fd, data, len) != 0 || write_all(fd, data2, len2) != 0 ? -1 : 0;
  int e = errno;
  if (close(fd) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  if (rc == 0 && rename(tmp, path) != 0) {
    rc = -1;
    e = errno;
  }
  if (rc != 0) unlink(tmp);
  free(tmp);
  free(real);
  errno = e;
  return rc;
}

int write_file_atomic(const char *path, const void *data, size_t len) {
  return write_file_atomic2(path, data, len, NULL, 0);
}

uint64_t fnv1a64(const void *p, size_t n) { return fnv1a64_more(0xcbf29ce484222325ULL, p, n); }

uint64_t fnv1a64_more(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
uint16_t rd_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t rd_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
uint64_t rd_u64(const uint8_t *p) { return (uint64_t)rd_u32(p) | (uint64_t)rd_u32(p + 4) << 32; }
