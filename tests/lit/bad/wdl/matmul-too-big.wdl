model m {
  input a : f32[1000000, 1];
  input b : f32[1, 1000000];
  output y = a @ b;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}matmul-too-big.wdl:4:14: error: the result f32[1000000, 1000000] has 1000000000000 elements; a tensor has at most 2147483648
// CHECK-NEXT: 4 |   output y = a @ b;
// CHECK-NEXT:   |              ^~~~~
// CHECK-EMPTY:
