model m {
  param w[4] : f32[4] = zeros();
  input x : f32[4];
  output y = x + w[4];
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}index-range.wdl:4:18: error: index 4 is out of range for w[4]
// CHECK-NEXT: 4 |   output y = x + w[4];
// CHECK-NEXT:   |                  ^~~~
// CHECK-EMPTY:
