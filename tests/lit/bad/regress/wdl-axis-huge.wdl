// Found by fuzz/fuzz_wdl.c (fuzz/README.md).
// BUG: axis= with a value too large for int (1e30) is converted to int
// before it is checked (frontend/build.c, the axis= argument:
// v != (double)(int)v): undefined behaviour ("1e+30 is outside the range of
// representable values of type 'int'"), seen by clang's UBSan (fuzz/
// builds). The release build and the gcc sanitizer build (gcc's
// -fsanitize=undefined has no float-cast-overflow) report an error, so this
// test passes there and has no XFAIL; it guards the message.
// At fault: frontend/build.c.
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s
// RUN: not test -e %t.wimg
// CHECK-NOT: {{internal error|Sanitizer|runtime error}}
// CHECK: wdl-axis-huge.wdl:[[@LINE+4]]:{{[0-9]+}}: error:
// CHECK-NOT: {{internal error|Sanitizer|runtime error}}
model m {
  input x : f32[4, 6];
  output y = sum(x, axis=1e30);
}
