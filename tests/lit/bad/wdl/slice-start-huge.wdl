model m {
  input x : f32[4, 4];
  output y = slice(x, axis=0, start=1e300, end=2);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}slice-start-huge.wdl:3:37: error: whole number out of range (at most 9007199254740992 in magnitude)
// CHECK-NEXT: 3 |   output y = slice(x, axis=0, start=1e300, end=2);
// CHECK-NEXT:   |                                     ^~~~~
// CHECK-EMPTY:
