model m {
  input x : f32[4];
  output y = relu(x, x, x, x, x, x, x, x, x, x);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}many-args.wdl:3:14: error: relu() takes at most 8 arguments, got 10
// CHECK-NEXT: 3 |   output y = relu(x, x, x, x, x, x, x, x, x, x);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
