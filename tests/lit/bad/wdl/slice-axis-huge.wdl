model m {
  input x : f32[4, 4];
  output y = slice(x, axis=4294967296, start=0, end=2);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}slice-axis-huge.wdl:3:28: error: slice(): axis=4294967296 is out of range (a tensor has at most 6 axes)
// CHECK-NEXT: 3 |   output y = slice(x, axis=4294967296, start=0, end=2);
// CHECK-NEXT:   |                            ^~~~~~~~~~
// CHECK-EMPTY:
