model r {
  input  x : f32[4, 6];
  output a = sum(x, axis=2);
  output b = max(x, axis=-3, keepdims=true);
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}axis-range.wdl:3:14: error: axis 2 is out of range for f32[4, 6] (rank 2: axis must be in [-2, 1])
// CHECK-NEXT: 3 |   output a = sum(x, axis=2);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}axis-range.wdl:4:14: error: axis -3 is out of range for f32[4, 6] (rank 2: axis must be in [-2, 1])
// CHECK-NEXT: 4 |   output b = max(x, axis=-3, keepdims=true);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
