model m {
  input x : f32[4, 4];
  output y = softmax(x, axis=-9);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}axis-range.wdl:3:30: error: axis=-9 is out of range (a tensor has at most 6 axes: axis= is in [-6, 5])
// CHECK-NEXT: 3 |   output y = softmax(x, axis=-9);
// CHECK-NEXT:   |                              ^~
// CHECK-EMPTY:
