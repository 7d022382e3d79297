model m {
  def l1(h: f32[4, 4], i: index) -> f32[4, 4] { return relu(h) + h * h - h; }
  def l2(h: f32[4, 4], i: index) -> f32[4, 4] { return repeat(l1, h, 100); }
  input x : f32[4, 4];
  output y = repeat(l2, x, 1000);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}too-many-ops.wdl:3:56: error: the model has more than 250000 ops (after inlining defs and repeat()); that is the limit
// CHECK-NEXT: 3 |   def l2(h: f32[4, 4], i: index) -> f32[4, 4] { return repeat(l1, h, 100); }
// CHECK-NEXT:   |                                                        ^~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
