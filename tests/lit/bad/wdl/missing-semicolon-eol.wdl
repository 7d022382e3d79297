model m {
  input x : f32[4]
  output y = x;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}missing-semicolon-eol.wdl:2:19: error: expected ';' after statement
// CHECK-NEXT: 2 |   input x : f32[4]
// CHECK-NEXT:   |                   ^
// CHECK-EMPTY:
