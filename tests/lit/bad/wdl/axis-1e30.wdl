model m {
  input x : f32[4, 4];
  output y = sum(x, axis=1e30);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}axis-1e30.wdl:3:26: error: axis= must be a whole number, like axis=-1
// CHECK-NEXT: 3 |   output y = sum(x, axis=1e30);
// CHECK-NEXT:   |                          ^~~~
// CHECK-EMPTY:
