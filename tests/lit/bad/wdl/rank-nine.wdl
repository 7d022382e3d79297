model m {
  input x : f32[1, 1, 1, 1, 1, 1, 1, 1, 1];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}rank-nine.wdl:2:13: error: a tensor of rank 9 is not supported (at most 6 dimensions)
// CHECK-NEXT: 2 |   input x : f32[1, 1, 1, 1, 1, 1, 1, 1, 1];
// CHECK-NEXT:   |             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
