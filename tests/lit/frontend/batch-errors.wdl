model e {
  input a : f32[3, 4, 5];
  input b : f32[2, 5, 6];
  input v : f32[6];
  output y = a @ b;
  output z = a @ v;
}
// Batched matmul: batch axes broadcast like NumPy's, or the error names the
// axis; a vector operand's length must be the inner dimension.
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}batch-errors.wdl:5:14: error: matmul shapes f32[3, 4, 5] @ f32[2, 5, 6]: batch axis -3 has 3 vs 2
// CHECK-NEXT: 5 |   output y = a @ b;
// CHECK-NEXT:   |              ^~~~~
// CHECK-NEXT:{{.*}}batch-errors.wdl:2:9: note: the left operand is f32[3, 4, 5]
// CHECK-NEXT: 2 |   input a : f32[3, 4, 5];
// CHECK-NEXT:   |         ^
// CHECK-NEXT:{{.*}}batch-errors.wdl:3:9: note: the right operand is f32[2, 5, 6]
// CHECK-NEXT: 3 |   input b : f32[2, 5, 6];
// CHECK-NEXT:   |         ^
// CHECK-NEXT:{{.*}}batch-errors.wdl:6:14: error: matmul shapes f32[3, 4, 5] @ f32[6]: inner dimensions 5 and 6 differ
// CHECK-NEXT: 6 |   output z = a @ v;
// CHECK-NEXT:   |              ^~~~~
