/* common/npy.h: NumPy .npy files (format versions 1.0, 2.0 and 3.0),
 * little-endian, C order, dtypes '<f4' and '<f2' only.
 * Data is always returned widened to float (f16 values converted exactly). */
#ifndef WSEC_NPY_H
#define WSEC_NPY_H
#include <stdint.h>
#include <stddef.h>

/* Limits of the reader, stated in its errors: a header of at most
 * NPY_MAX_HEADER bytes (NumPy's own files have headers of 64 to a few
 * hundred bytes), at most NPY_MAX_ELEMS elements (the most a WDL tensor
 * has). */
#define NPY_MAX_HEADER 65536
#define NPY_MAX_ELEMS ((int64_t)1 << 31)

typedef struct NpyArray {
  int is_f16;         /* 1 if the file held '<f2', 0 for '<f4' */
  int rank;           /* 0..8 */
  int64_t dim[8];
  int64_t count;      /* product of dims */
  float *data;        /* count floats, heap (free with npy_free) */
} NpyArray;

/* Returns 0 on success. On failure returns -1 and writes a one-line message
 * (without the path prefix, e.g. "unsupported dtype '<f8' (wsecc reads
 * '<f4' and '<f2')" or "truncated: header says 64 values, file holds 12")
 * into err. */
int npy_read(const char *path, NpyArray *out, char *err, size_t errlen);
/* Writes version 1.0; is_f16 selects '<f2' (values rounded RNE) or '<f4'.
 * Written atomically. Returns 0, or -1 with err set. */
int npy_write(const char *path, int is_f16, int rank, const int64_t *dim,
              const float *data, char *err, size_t errlen);
void npy_free(NpyArray *a);
#endif
