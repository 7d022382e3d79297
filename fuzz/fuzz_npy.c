/* fuzz/fuzz_npy.c: NumPy .npy files (common/npy.c).
 *
 * npy_read takes a path, so each input is written to a private temporary
 * file first (fuzz_tmpfile). An array that reads is written back with
 * npy_write in its own dtype and read again: the shape, dtype and every
 * value must survive (f16 values widen to float exactly and round back to
 * themselves; NaNs compare as NaNs). */
#include <math.h>
#include "fuzz/fuzz_common.h"
#include "common/npy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { return 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_tmpfile(".npy", data, size);
  char p[512];
  snprintf(p, sizeof p, "%s", path);
  NpyArray a, b;
  char err[256];
  int rc = npy_read(p, &a, err, sizeof err);
  if (rc != 0) {
    fuzz_unlink(p);
    return 0;
  }
  if (a.rank < 0 || a.rank > 8) fuzz_fail("npy_read returned rank %d", a.rank);
  if (npy_write(p, a.is_f16, a.rank, a.dim, a.data, err, sizeof err) != 0) fuzz_fail("npy_write: %s", err);
  if (npy_read(p, &b, err, sizeof err) != 0) fuzz_fail("npy_read refuses what npy_write wrote: %s", err);
  if (b.is_f16 != a.is_f16 || b.rank != a.rank || b.count != a.count || memcmp(a.dim, b.dim, sizeof(int64_t) * (size_t)a.rank))
    fuzz_fail("npy round trip changed the dtype or shape");
  for (int64_t e = 0; e < a.count; e++) {
    float x = a.data[e], y = b.data[e];
    if (isnan(x) ? !isnan(y) : memcmp(&x, &y, sizeof x) != 0) fuzz_fail("npy round trip changed value %lld", (long long)e);
  }
  npy_free(&a);
  npy_free(&b);
  fuzz_unlink(p);
  return 0;
}
