model m {
  input  x  : f32[16, 64];
  input  x  : f32[16, 64];
  param  w1 : f32[64, 128] = rand(seed=1);
  param  w2 : f64[128, 10] = zeros();
  let h = relu(x @ w1 + hh);
  output y = tan(h);
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}five-errors.wdl:3:10: error: redefinition of 'x'
// CHECK-NEXT: 3 |   input  x  : f32[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}five-errors.wdl:2:10: note: previous definition is here
// CHECK-NEXT: 2 |   input  x  : f32[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}five-errors.wdl:4:30: error: unknown initialiser 'rand' (expected load, zeros, ones, full or randn)
// CHECK-NEXT: 4 |   param  w1 : f32[64, 128] = rand(seed=1);
// CHECK-NEXT:   |                              ^~~~~~~~~~~~
// CHECK-NEXT:{{.*}}five-errors.wdl:5:15: error: unknown dtype 'f64' (WDL has f32, f16 and bf16)
// CHECK-NEXT: 5 |   param  w2 : f64[128, 10] = zeros();
// CHECK-NEXT:   |               ^~~
// CHECK-NEXT:{{.*}}five-errors.wdl:6:25: error: unknown name 'hh'; did you mean 'h'?
// CHECK-NEXT: 6 |   let h = relu(x @ w1 + hh);
// CHECK-NEXT:   |                         ^~
// CHECK-NEXT:{{.*}}five-errors.wdl:7:14: error: unknown function 'tan'; did you mean 'tanh'?
// CHECK-NEXT: 7 |   output y = tan(h);
// CHECK-NEXT:   |              ^~~
// CHECK-EMPTY:
