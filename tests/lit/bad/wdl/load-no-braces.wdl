model m {
  param w[2] : f32[4] = load("w.npy");
  input x : f32[4];
  output y = x + w[0];
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}load-no-braces.wdl:2:25: error: load() of a param array needs {} in the file name, replaced by the index: load("w_{}.npy")
// CHECK-NEXT: 2 |   param w[2] : f32[4] = load("w.npy");
// CHECK-NEXT:   |                         ^~~~~~~~~~~~~
// CHECK-EMPTY:
