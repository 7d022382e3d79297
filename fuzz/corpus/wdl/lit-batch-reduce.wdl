model e {
  input a : f32[3, 4, 5];
  output s = sum(a, axis=0);
  output m = max(a, axis=-1);
}
// A 3-D tensor reduces over its last two axes (split over the cores); a
// reduction over a batch axis is refused at placement with the reason.
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}batch-reduce.wdl:3:14: error: sum over axis 0 of f32[3, 4, 5] is not supported yet: a 3-D tensor is reduced over one of its last two axes (1 or 2), which are split over the cores
// CHECK-NEXT: 3 |   output s = sum(a, axis=0);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~
// CHECK-NOT: error
