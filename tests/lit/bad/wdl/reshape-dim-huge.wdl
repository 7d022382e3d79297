model m {
  input x : f32[4, 4];
  output y = reshape(x, [4611686018427387904, 4]);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}reshape-dim-huge.wdl:3:26: error: whole number out of range (at most 9007199254740992 in magnitude)
// CHECK-NEXT: 3 |   output y = reshape(x, [4611686018427387904, 4]);
// CHECK-NEXT:   |                          ^~~~~~~~~~~~~~~~~~~
// CHECK-EMPTY:
