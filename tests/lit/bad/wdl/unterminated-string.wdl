model m {
  param w : f32[4] = load("w.npy);
  input x : f32[4];
  output y = x + w;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}unterminated-string.wdl:2:27: error: missing closing '"' of a string
// CHECK-NEXT: 2 |   param w : f32[4] = load("w.npy);
// CHECK-NEXT:   |                           ^~~~~~~~
// CHECK-EMPTY:
