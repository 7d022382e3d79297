model m {
  input  x : f32[4];
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}no-output.wdl:1:7: error: model 'm' has no output (add: output NAME = EXPR;)
// CHECK-NEXT: 1 | model m {
// CHECK-NEXT:   |       ^
// CHECK-EMPTY:
