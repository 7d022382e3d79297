/* common/npy.c: NumPy .npy reader/writer (float32 and float16, little-endian,
 * C order; format versions 1.0, 2.0 and 3.0). The header dict is parsed
 * properly - keys in any order, whitespace, trailing commas - and every
 * malformed file gets a message that says what is wrong. */
#include "common/npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/f16.h"
#include "common/util.h"

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, n, fmt, ap);
  va_end(ap);
  return -1;
}

static const char *skipws(const char *p, const char *e) {
  while (p < e && isspace((unsigned char)*p)) p++;
  return p;
}

/* Parse a Python string literal '...' or "..." into out. */
static const char *pystr(const char *p, const char *e, char *out, size_t n) {
  if (p >= e || (*p != '\'' && *p != '"')) return NULL;
  char q = *p++;
  size_t k = 0;
  while (p < e && *p != q) {
    if (k + 1 < n) out[k++] = *p;
    p++;
  }
  if (p >= e) return NULL;
  out[k] = 0;
  return p + 1;
}

void npy_free(NpyArray *a) {
  free(a->data);
  a->data = NULL;
}

/* The reader never trusts the file: it reads the fixed prefix, then at
 * most NPY_MAX_HEADER bytes of header, then exactly the bytes the header
 * declares (at most NPY_MAX_ELEMS elements) - never "the whole file",
 * which for /dev/zero or a FIFO has no end. Devices, sockets and
 * directories are refused before reading (a FIFO is read with the same
 * bounds, so `--input x=<(...)` works). */
static size_t read_n(FILE *f, void *p, size_t n) { return n ? fread(p, 1, n, f) : 0; }

static const char *file_kind(mode_t m) {
  return S_ISDIR(m) ? "is a directory" : S_ISCHR(m) ? "is a character device, not a file" : S_ISBLK(m) ? "is a block device, not a file"
         : S_ISSOCK(m) ? "is a socket, not a file" : "is not a regular file";
}

int npy_read(const char *path, NpyArray *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) return fail(err, errlen, "cannot read: %s", strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fclose(f);
    return fail(err, errlen, "cannot read: %s", strerror(errno));
  }
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    fclose(f);
    return fail(err, errlen, "cannot read: %s", file_kind(st.st_mode));
  }
  /* the size of a regular file is known: the data check can name it */
  int64_t fsize = S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
  char *buf = NULL;
  unsigned char pre[12];
  size_t len = read_n(f, pre, 10);
  const unsigned char *b = pre;
  int rc = -1;
  if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
    fail(err, errlen, "not a .npy file (bad magic; expected \\x93NUMPY)");
    goto out;
  }
  int major = b[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = rd_u16(b + 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (read_n(f, pre + 10, 2) < 2) {
      fail(err, errlen, "truncated .npy header");
      goto out;
    }
    hlen = rd_u32(b + 8);
    hstart = 12;
  } else {
    fail(err, errlen, "unsupported .npy format version %d.%d", major, b[7]);
    goto out;
  }
  if (hlen > NPY_MAX_HEADER) {
    fail(err, errlen, "the header claims %zu bytes; a .npy header has at most %d", hlen, NPY_MAX_HEADER);
    goto out;
  }
  buf = xmalloc(hlen + 1);
  size_t got = read_n(f, buf, hlen);
  if (got < hlen) {
    fail(err, errlen, "truncated: the header claims %zu bytes but the file has %zu", hlen, got);
    goto out;
  }
  const char *p = buf, *e = buf + hlen;
  p = skipws(p, e);
  if (p >= e || *p != '{') {
    fail(err, errlen, "malformed header (expected a dict)");
    goto out;
  }
  p++;
  char descr[32] = "";
  int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0;
  for (;;) {
    p = skipws(p, e);
    if (p < e && *p == '}') break;
    char key[32];
    p = pystr(p, e, key, sizeof key);
    if (!p) {
      fail(err, errlen, "malformed header (expected a key)");
      goto out;
    }
    p = skipws(p, e);
    if (p >= e || *p != ':') {
      fail(err, errlen, "malformed header (expected ':' after '%s')", key);
      goto out;
    }
    p = skipws(p + 1, e);
    if (!strcmp(key, "descr")) {
      p = pystr(p, e, descr, sizeof descr);
      if (!p) {
        fail(err, errlen, "malformed header ('descr' is not a string)");
        goto out;
      }
      have_descr = 1;
    } else if (!strcmp(key, "fortran_order")) {
      if (e - p >= 4 && !strncmp(p, "True", 4)) {
        fortran = 1;
        p += 4;
      } else if (e - p >= 5 && !strncmp(p, "False", 5)) {
        p += 5;
      } else {
        fail(err, errlen, "malformed header ('fortran_order' is not True/False)");
        goto out;
      }
      have_fortran = 1;
    } else if (!strcmp(key, "shape")) {
      if (p >= e || *p != '(') {
        fail(err, errlen, "malformed header ('shape' is not a tuple)");
        goto out;
      }
      p++;
      for (;;) {
        p = skipws(p, e);
        if (p < e && *p == ')') {
          p++;
          break;
        }
        if (p >= e || !isdigit((unsigned char)*p)) {
          fail(err, errlen, "malformed header (bad 'shape')");
          goto out;
        }
        if (out->rank >= 8) {
          fail(err, errlen, "arrays of more than 8 dimensions are not supported");
          goto out;
        }
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno || v < 0 || v > NPY_MAX_ELEMS) {
          fail(err, errlen, "'shape' has a dimension larger than %lld, the limit", (long long)NPY_MAX_ELEMS);
          goto out;
        }
        out->dim[out->rank++] = v;
        p = skipws(end, e);
        if (p < e && *p == ',') p++;
      }
      have_shape = 1;
    } else {
      fail(err, errlen, "malformed header (unknown key '%s')", key);
      goto out;
    }
    p = skipws(p, e);
    if (p < e && *p == ',') p++;
  }
  if (!have_descr || !have_fortran || !have_shape) {
    fail(err, errlen, "malformed header (needs 'descr', 'fortran_order' and 'shape')");
    goto out;
  }
  if (!strcmp(descr, "<f4")) out->is_f16 = 0;
  else if (!strcmp(descr, "<f2")) out->is_f16 = 1;
  else if (!strcmp(descr, ">f4") || !strcmp(descr, ">f2")) {
    fail(err, errlen, "big-endian data ('%s') is not supported (use arr.astype('<f4'))", descr);
    goto out;
  } else {
    fail(err, errlen, "unsupported dtype '%s': wsecc reads float32 ('<f4') and float16 ('<f2')", descr);
    goto out;
  }
  if (fortran) {
    fail(err, errlen, "fortran_order arrays are not supported (save with np.ascontiguousarray)");
    goto out;
  }
  /* the element count, checked at every step (it could wrap to 0) */
  out->count = 1;
  for (int i = 0; i < out->rank; i++)
    if (out->dim[i] == 0) out->count = 0;
  for (int i = 0; i < out->rank && out->count; i++) {
    if (out->count > NPY_MAX_ELEMS / out->dim[i]) {
      fail(err, errlen, "'shape' has more than %lld elements, the limit", (long long)NPY_MAX_ELEMS);
      goto out;
    }
    out->count *= out->dim[i];
  }
  size_t es = out->is_f16 ? 2 : 4, want = (size_t)out->count * es;
  if (fsize >= 0) {
    uint64_t have = (uint64_t)fsize - hstart - hlen;
    if (have != want) {
      fail(err, errlen, "%s: header declares %lld values (%zu bytes) but the file holds %llu bytes of data",
           have < want ? "truncated" : "size mismatch", (long long)out->count, want, (unsigned long long)have);
      goto out;
    }
  }
  unsigned char *d = xmalloc(want ? want : 1);
  size_t have = read_n(f, d, want);
  char extra;
  if (have < want || fread(&extra, 1, 1, f) == 1) {
    if (have < want)
      fail(err, errlen, "truncated: header declares %lld values (%zu bytes) but the file holds %zu bytes of data",
           (long long)out->count, want, have);
    else
      fail(err, errlen, "size mismatch: header declares %lld values (%zu bytes) but the file holds more data",
           (long long)out->count, want);
    free(d);
    goto out;
  }
  out->data = xmalloc(sizeof(float) * (size_t)(out->count ? out->count : 1));
  for (int64_t i = 0; i < out->count; i++) {
    if (out->is_f16) out->data[i] = f16_to_f32(rd_u16(d + 2 * i));
    else {
      uint32_t u = rd_u32(d + 4 * i);
      memcpy(&out->data[i], &u, 4);
    }
  }
  free(d);
  rc = 0;
out:
  free(buf);
  fclose(f);
  if (rc) out->rank = 0;
  return rc;
}

int npy_write(const char *path, int is_f16, int rank, const int64_t *dim, const float *data, char *err, size_t errlen) {
  char hdr[512];
  int o = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (", is_f16 ? "<f2" : "<f4");
  int64_t count = 1;
  bool empty = false; /* a zero axis: no elements, whatever the others are */
  for (int i = 0; i < rank; i++) empty |= dim[i] == 0;
  for (int i = 0; i < rank; i++) {
    if (rank > 8 || o >= (int)sizeof hdr - 64) {
      snprintf(err, errlen, "%s: cannot write a .npy of rank %d", path, rank);
      return -1;
    }
    o += snprintf(hdr + o, sizeof hdr - (size_t)o, "%lld,%s", (long long)dim[i], rank > 1 && i < rank - 1 ? " " : "");
    if (dim[i] < 0 || (!empty && __builtin_mul_overflow(count, dim[i], &count))) {
      snprintf(err, errlen, "%s: cannot write a .npy of that shape (negative or more than 2^63 elements)", path);
      return -1;
    }
  }
  if (empty) count = 0;
  if (rank > 1) o--; /* "(2, 3,)" -> "(2, 3)" */
  o += snprintf(hdr + o, sizeof hdr - (size_t)o, "), }");
  size_t total = 10 + (size_t)o + 1;
  size_t pad = (64 - total % 64) % 64;
  Buf b = {0};
  buf_put(&b, "\x93NUMPY\x01\x00", 8);
  buf_u16(&b, (uint16_t)(o + pad + 1));
  buf_put(&b, hdr, (size_t)o);
  for (size_t i = 0; i < pad; i++) buf_u8(&b, ' ');
  buf_u8(&b, '\n');
  for (int64_t i = 0; i < count; i++) {
    if (is_f16) buf_u16(&b, f32_to_f16(data[i]));
    else {
      uint32_t u;
      memcpy(&u, &data[i], 4);
      buf_u32(&b, u);
    }
  }
  int rc = write_file_atomic(path, b.data, b.len);
  buf_free(&b);
  if (rc) return fail(err, errlen, "cannot write: %s", strerror(errno));
  return 0;
}
