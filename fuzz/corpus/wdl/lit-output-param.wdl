model m {
  param  w : f32[4] = ones();
  output y = w;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}output-param.wdl:3:10: error: output 'y' is the parameter 'w'; outputs must be computed values or inputs
// CHECK-NEXT: 3 |   output y = w;
// CHECK-NEXT:   |          ^
// CHECK-EMPTY:
