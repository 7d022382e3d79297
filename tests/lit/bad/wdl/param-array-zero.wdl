model m {
  param w[0] : f32[4] = zeros();
  input x : f32[4];
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}param-array-zero.wdl:2:9: error: a param array needs a whole number of elements in [1, 4096]: param w[12] : ...
// CHECK-NEXT: 2 |   param w[0] : f32[4] = zeros();
// CHECK-NEXT:   |         ^
// CHECK-EMPTY:
