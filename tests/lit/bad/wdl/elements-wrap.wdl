model m {
  input x : f32[1000000000, 1000000000, 1000000000, 1000000000];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}elements-wrap.wdl:2:13: error: a tensor has at most 2147483648 elements; this one would have 1e+36
// CHECK-NEXT: 2 |   input x : f32[1000000000, 1000000000, 1000000000, 1000000000];
// CHECK-NEXT:   |             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
