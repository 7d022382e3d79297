model m {
  input  x : f32[4, 4];
  let    x = -x;
  output y = x;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}redefinition.wdl:3:10: error: redefinition of 'x'
// CHECK-NEXT: 3 |   let    x = -x;
// CHECK-NEXT:   |          ^
// CHECK-NEXT:{{.*}}redefinition.wdl:2:10: note: previous definition is here
// CHECK-NEXT: 2 |   input  x : f32[4, 4];
// CHECK-NEXT:   |          ^
// CHECK-EMPTY:
