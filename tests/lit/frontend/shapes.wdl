model m {
  input  x  : f32[16, 64];
  input  b  : f32[32];
  input  c  : f16[16, 64];
  param  w  : f32[128, 10] = randn(seed=7, std=0.1);
  output y = x @ w;
  output z = x + b;
  output u = x * c;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}shapes.wdl:6:14: error: matmul shapes f32[16, 64] @ f32[128, 10]: inner dimensions 64 and 128 differ
// CHECK-NEXT: 6 |   output y = x @ w;
// CHECK-NEXT:   |              ^~~~~
// CHECK-NEXT:{{.*}}shapes.wdl:2:10: note: the left operand is f32[16, 64]
// CHECK-NEXT: 2 |   input  x  : f32[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}shapes.wdl:5:10: note: the right operand is f32[128, 10]
// CHECK-NEXT: 5 |   param  w  : f32[128, 10] = randn(seed=7, std=0.1);
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}shapes.wdl:7:14: error: cannot broadcast f32[16, 64] with f32[32]: axis -1 has 64 vs 32
// CHECK-NEXT: 7 |   output z = x + b;
// CHECK-NEXT:   |              ^~~~~
// CHECK-NEXT:{{.*}}shapes.wdl:2:10: note: the left operand is f32[16, 64]
// CHECK-NEXT: 2 |   input  x  : f32[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}shapes.wdl:3:10: note: the right operand is f32[32]
// CHECK-NEXT: 3 |   input  b  : f32[32];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}shapes.wdl:8:14: error: operands of '*' have different dtypes: f32 and f16
// CHECK-NEXT: 8 |   output u = x * c;
// CHECK-NEXT:   |              ^~~~~
// CHECK-NEXT:{{.*}}shapes.wdl:2:10: note: the left operand is f32[16, 64]
// CHECK-NEXT: 2 |   input  x  : f32[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}shapes.wdl:4:10: note: the right operand is f16[16, 64]
// CHECK-NEXT: 4 |   input  c  : f16[16, 64];
// CHECK-NEXT:   |          ^
// CHECK-EMPTY:
