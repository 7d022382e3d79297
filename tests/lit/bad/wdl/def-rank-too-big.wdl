model m {
  def f(h: f32[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) -> f32[4] { return h; }
  input x : f32[4];
  output y = f(x);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}def-rank-too-big.wdl:2:12: error: a tensor of rank 10 is not supported (at most 6 dimensions)
// CHECK-NEXT: 2 |   def f(h: f32[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) -> f32[4] { return h; }
// CHECK-NEXT:   |            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
