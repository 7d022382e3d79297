model m {
  param w : f32[4] = full("a");
  input x : f32[4];
  output y = x + w;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}full-value-string.wdl:2:22: error: full() takes one number: full(0.5) or full(value=0.5)
// CHECK-NEXT: 2 |   param w : f32[4] = full("a");
// CHECK-NEXT:   |                      ^~~~~~~~~
// CHECK-EMPTY:
