model m {
  input x : f32[4, 4];
  output y = transpose(x, perm=[1e30, 0]);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}transpose-perm-huge.wdl:3:33: error: whole number out of range (at most 9007199254740992 in magnitude)
// CHECK-NEXT: 3 |   output y = transpose(x, perm=[1e30, 0]);
// CHECK-NEXT:   |                                 ^~~~
// CHECK-EMPTY:
