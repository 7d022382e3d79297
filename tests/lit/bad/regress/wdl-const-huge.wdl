// Found by fuzz/fuzz_wdl.c (fuzz/README.md).
// BUG: a compile-time whole number too large for int64 (1e30) is converted
// to int64_t before it is checked (frontend/build.c:const_int,
// (int64_t)v): undefined behaviour (UBSan: "1e+30 is outside the range of
// representable values of type 'long'"), seen by clang's UBSan (fuzz/
// builds). The release build and the gcc sanitizer build (build-asan: gcc's
// -fsanitize=undefined has no float-cast-overflow) report the error, so this
// test passes there and has no XFAIL; it guards the message.
// At fault: frontend/build.c.
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s
// RUN: not test -e %t.wimg
// CHECK-NOT: {{internal error|Sanitizer|runtime error}}
// CHECK: wdl-const-huge.wdl:[[@LINE+4]]:26: error: whole number out of range
// CHECK-NOT: {{internal error|Sanitizer|runtime error}}
model m {
  input x : f32[4, 6];
  output y = reshape(x, [1e30, -1]);
}
