model m {
  input x : f32[4, 4];
  output y = slice(x, axis=0, start=4 / 0, end=2);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}slice-divide-zero.wdl:3:37: error: slice() needs start= as a whole number: slice(x, axis=1, start=0, end=32)
// CHECK-NEXT: 3 |   output y = slice(x, axis=0, start=4 / 0, end=2);
// CHECK-NEXT:   |                                     ^~~~~
// CHECK-EMPTY:
