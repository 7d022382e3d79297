/* Unit tests of the .npy reader/writer: round trips and error messages. */
#include <stdlib.h>
#include "common/f16.h"
#include "common/npy.h"
#include "common/util.h"
#include "tests/unit/check.h"

static const char *tmp = "test_npy.tmp.npy";

static void write_raw(const char *hdr, size_t extra) {
  Buf b = {0};
  size_t n = strlen(hdr);
  buf_put(&b, "\x93NUMPY\x01\x00", 8);
  buf_u16(&b, (uint16_t)n);
  buf_put(&b, hdr, n);
  for (size_t i = 0; i < extra; i++) buf_u8(&b, 0);
  write_file_atomic(tmp, b.data, b.len);
  buf_free(&b);
}

int main(void) {
  char err[256];
  for (int f16 = 0; f16 < 2; f16++)
    for (int rank = 0; rank <= 3; rank++) {
      int64_t dim[3] = {3, 5, 2};
      int64_t n = 1;
      for (int k = 0; k < rank; k++) n *= dim[k];
      float *v = malloc(sizeof(float) * (size_t)n);
      for (int64_t i = 0; i < n; i++) v[i] = (float)i * 0.37f - 1.0f;
      CHECK(npy_write(tmp, f16, rank, dim, v, err, sizeof err) == 0);
      NpyArray a;
      CHECK(npy_read(tmp, &a, err, sizeof err) == 0);
      CHECK(a.rank == rank && a.count == n && a.is_f16 == f16);
      for (int64_t i = 0; i < n; i++) CHECK(a.data[i] == (f16 ? round_f16(v[i]) : v[i]));
      npy_free(&a);
      free(v);
    }
  NpyArray a;
  /* a zero axis among huge ones is an empty array, not an overflow of the
   * product of the others (fuzz_npy: npy_write multiplied in order) */
  {
    int64_t dim[3] = {4000100000000, 0, 4000000};
    CHECK(npy_write(tmp, 0, 3, dim, NULL, err, sizeof err) == 0);
    int64_t neg[2] = {2, -3};
    CHECK(npy_write(tmp, 0, 2, neg, NULL, err, sizeof err) == -1);
    int64_t big[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
    CHECK(npy_write(tmp, 0, 2, big, NULL, err, sizeof err) == -1);
  }
  write_raw("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", 16);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "unsupported dtype '<f8': wsecc reads float32 ('<f4') and float16 ('<f2')");
  write_raw("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 16);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "fortran_order arrays are not supported (save with np.ascontiguousarray)");
  write_raw("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", 8);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "big-endian data ('>f4') is not supported (use arr.astype('<f4'))");
  write_raw("{'shape': (4,), 'fortran_order': False, 'descr': '<f4'}\n", 12);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "truncated: header declares 4 values (16 bytes) but the file holds 12 bytes of data");
  write_file_atomic(tmp, "hello", 5);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "not a .npy file (bad magic; expected \\x93NUMPY)");
  /* the element count is checked at every step: 2^64 wrapped to 0 */
  write_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }\n", 0);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "'shape' has more than 2147483648 elements, the limit");
  write_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }\n", 0);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "'shape' has a dimension larger than 2147483648, the limit");
  /* an empty array is fine */
  write_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296), }\n", 0);
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1); /* the dimension is over the limit even so */
  write_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 7), }\n", 0);
  CHECK(npy_read(tmp, &a, err, sizeof err) == 0);
  CHECK(a.count == 0 && a.rank == 2);
  npy_free(&a);
  /* a header length over the limit is refused before it is read */
  {
    Buf b = {0};
    buf_put(&b, "\x93NUMPY\x02\x00", 8);
    buf_u32(&b, 0xffffffffu);
    write_file_atomic(tmp, b.data, b.len);
    buf_free(&b);
  }
  CHECK(npy_read(tmp, &a, err, sizeof err) == -1);
  CHECK_STR(err, "the header claims 4294967295 bytes; a .npy header has at most 65536");
  /* devices and directories are not read */
  CHECK(npy_read("/dev/zero", &a, err, sizeof err) == -1);
  CHECK_STR(err, "cannot read: is a character device, not a file");
  CHECK(npy_read(".", &a, err, sizeof err) == -1);
  CHECK_STR(err, "cannot read: is a directory");
  /* random corruption never crashes */
  int64_t dim[2] = {4, 4};
  float v[16] = {0};
  npy_write(tmp, 0, 2, dim, v, err, sizeof err);
  size_t len;
  char *good = read_file(tmp, &len);
  srand(1);
  for (int t = 0; t < 2000; t++) {
    char *bad = malloc(len);
    memcpy(bad, good, len);
    bad[rand() % (int)len] = (char)rand();
    size_t cut = (size_t)rand() % (len + 1);
    write_file_atomic(tmp, bad, cut);
    if (npy_read(tmp, &a, err, sizeof err) == 0) npy_free(&a);
    free(bad);
  }
  free(good);
  remove(tmp);
  CHECK_DONE();
}
