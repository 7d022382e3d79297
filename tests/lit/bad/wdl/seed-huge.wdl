model m {
  param w : f32[4] = randn(seed=1e30, std=1);
  input x : f32[4];
  output y = x + w;
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}seed-huge.wdl:2:28: error: randn(): seed must be a non-negative whole number, at most 2^53
// CHECK-NEXT: 2 |   param w : f32[4] = randn(seed=1e30, std=1);
// CHECK-NEXT:   |                            ^~~~~~~~~
// CHECK-EMPTY:
