model m {
  input  x  : f32[16, 64];
  param  w1 : f32[64, 128] = zeros();
  let h = relu(x @ w1)
  output y = h;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}missing-semicolon.wdl:4:23: error: expected ';' after statement
// CHECK-NEXT: 4 |   let h = relu(x @ w1)
// CHECK-NEXT:   |                       ^
// CHECK-EMPTY:
