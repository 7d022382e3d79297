model m {
  input x : f32[100000, 100000];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}elements-too-many.wdl:2:13: error: a tensor has at most 2147483648 elements; this one would have 10000000000
// CHECK-NEXT: 2 |   input x : f32[100000, 100000];
// CHECK-NEXT:   |             ^~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
