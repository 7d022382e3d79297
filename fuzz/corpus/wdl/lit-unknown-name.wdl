model m {
  input  x  : f32[16, 64];
  param  w1 : f32[64, 128] = zeros();
  let h = relu(x @ w3);
  output y = h;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}unknown-name.wdl:4:20: error: unknown name 'w3'; did you mean 'w1'?
// CHECK-NEXT: 4 |   let h = relu(x @ w3);
// CHECK-NEXT:   |                    ^~
// CHECK-EMPTY:
