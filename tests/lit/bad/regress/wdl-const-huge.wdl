// Found by fuzz/fuzz_wdl.c (fuzz/README.md).
// BUG: a compile-time whole number too large for int64 (1e30) is converted
// to int64_t before it is checked (frontend/build.c:const_int,
// (int64_t)v): undefined behaviour (UBSan: "1e+30 is outside the range of
// representable values of type 'long'"). The release build happens to
// report the error.
// At fault: frontend/build.c.
// XFAIL: sanitize
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s
// RUN: not test -e %t.wimg
// CHECK-NOT: runtime error
// CHECK: wdl-const-huge.wdl:[[@LINE+3]]:14: error:
model m {
  input x : f32[4, 6];
  output y = reshape(x, [1e30, -1]);
}
