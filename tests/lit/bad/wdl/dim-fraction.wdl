model m {
  input x : f32[2.5];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}dim-fraction.wdl:2:17: error: dimensions must be positive whole numbers, at most 1000000000
// CHECK-NEXT: 2 |   input x : f32[2.5];
// CHECK-NEXT:   |                 ^~~
// CHECK-EMPTY:
