model m {
  def f(h: f32[4]) -> f32[4] { return h; }
  def f(h: f32[4]) -> f32[4] { return h; }
  def f(h: f32[4]) -> f32[4] { return h; }
  input x : f32[4];
  output y = f(x);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}def-redefined.wdl:3:7: error: redefinition of def 'f'
// CHECK-NEXT: 3 |   def f(h: f32[4]) -> f32[4] { return h; }
// CHECK-NEXT:   |       ^
// CHECK-NEXT:{{.*}}def-redefined.wdl:2:7: note: previous definition is here
// CHECK-NEXT: 2 |   def f(h: f32[4]) -> f32[4] { return h; }
// CHECK-NEXT:   |       ^
// CHECK-NEXT:{{.*}}def-redefined.wdl:4:7: error: redefinition of def 'f'
// CHECK-NEXT: 4 |   def f(h: f32[4]) -> f32[4] { return h; }
// CHECK-NEXT:   |       ^
// CHECK-NEXT:{{.*}}def-redefined.wdl:2:7: note: previous definition is here
// CHECK-NEXT: 2 |   def f(h: f32[4]) -> f32[4] { return h; }
// CHECK-NEXT:   |       ^
// CHECK-EMPTY:
