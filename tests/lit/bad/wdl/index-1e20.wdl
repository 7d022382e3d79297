model m {
  param w[4] : f32[4] = zeros();
  input x : f32[4];
  output y = x + w[1e20];
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}index-1e20.wdl:4:20: error: whole number out of range (at most 9007199254740992 in magnitude)
// CHECK-NEXT: 4 |   output y = x + w[1e20];
// CHECK-NEXT:   |                    ^~~~
// CHECK-EMPTY:
