model m {
  def f(h: f32[0, S]) -> f32[4] { return h; }
  input x : f32[4];
  output y = f(x);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}def-dim-zero.wdl:2:16: error: dimensions must be positive whole numbers, at most 1000000000
// CHECK-NEXT: 2 |   def f(h: f32[0, S]) -> f32[4] { return h; }
// CHECK-NEXT:   |                ^
// CHECK-NEXT:{{.*}}def-dim-zero.wdl:4:14: error: argument 1 of f() ('h') is f32[4] but the def takes f32[0, S]
// CHECK-NEXT: 4 |   output y = f(x);
// CHECK-NEXT:   |              ^~~~
// CHECK-NEXT:{{.*}}def-dim-zero.wdl:2:9: note: 'h' is declared here
// CHECK-NEXT: 2 |   def f(h: f32[0, S]) -> f32[4] { return h; }
// CHECK-NEXT:   |         ^
// CHECK-EMPTY:
