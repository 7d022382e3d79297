model m {
  def layer(h: f32[4, 4], i: index) -> f32[4, 4] { return relu(h) + h; }
  input x : f32[4, 4];
  output y = repeat(layer, x, 2.5);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}repeat-fraction.wdl:4:31: error: repeat() count must be a whole number from 1 to 4096
// CHECK-NEXT: 4 |   output y = repeat(layer, x, 2.5);
// CHECK-NEXT:   |                               ^~~
// CHECK-EMPTY:
