model m {
  param w : f32[1e30] = zeros();
  input x : f32[4];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}dim-1e30.wdl:2:17: error: dimensions must be positive whole numbers, at most 1000000000
// CHECK-NEXT: 2 |   param w : f32[1e30] = zeros();
// CHECK-NEXT:   |                 ^~~~
// CHECK-EMPTY:
