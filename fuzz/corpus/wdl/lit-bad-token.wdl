model m {
  input  x : f32[4];
  output y = x # 2;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}bad-token.wdl:3:16: error: invalid character in WDL source
// CHECK-NEXT: 3 |   output y = x # 2;
// CHECK-NEXT:   |                ^
// CHECK-EMPTY:
