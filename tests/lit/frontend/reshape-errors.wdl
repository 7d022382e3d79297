model e {
  input x : f32[6, 10];
  output a = reshape(x, [7, 8]);
  output b = reshape(x, [7, -1]);
  output c = transpose(x, perm=[0, 0]);
  output d = transpose(x, perm=[2, 0, 1]);
  output f = reshape(x, 60);
  output g = transpose(x, axes=[1, 0]);
  output h = transpose(x, perm=1);
  output i = reshape(x, [0, 60]);
}
// reshape and transpose: element counts, the -1 axis, permutations.
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}reshape-errors.wdl:3:14: error: cannot reshape f32[6, 10] (60 elements) to [7, 8] (56 elements)
// CHECK-NEXT: 3 |   output a = reshape(x, [7, 8]);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:4:25: error: reshape() of f32[6, 10]: its 60 elements are not a multiple of 7 (the other dimensions), so no size fits the -1
// CHECK-NEXT: 4 |   output b = reshape(x, [7, -1]);
// CHECK-NEXT:   |                         ^~~~~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:5:14: error: transpose perm=[0, 0] is not a permutation of the 2 axes of f32[6, 10] (each of 0..1 once)
// CHECK-NEXT: 5 |   output c = transpose(x, perm=[0, 0]);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:6:14: error: transpose() of f32[6, 10] needs perm= with 2 axes, got 3
// CHECK-NEXT: 6 |   output d = transpose(x, perm=[2, 0, 1]);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:7:14: error: reshape() takes a tensor and a list of up to 6 dimensions (one may be -1): reshape(x, [4, -1, 32])
// CHECK-NEXT: 7 |   output f = reshape(x, 60);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:8:27: error: transpose() has no argument 'axes' (it takes perm=[...])
// CHECK-NEXT: 8 |   output g = transpose(x, axes=[1, 0]);
// CHECK-NEXT:   |                           ^~~~
// CHECK-NEXT:{{.*}}reshape-errors.wdl:9:32: error: transpose() takes perm= as a list of axes: transpose(x, perm=[0, 2, 1])
// CHECK-NEXT: 9 |   output h = transpose(x, perm=1);
// CHECK-NEXT:   |                                ^
// CHECK-NEXT:{{.*}}reshape-errors.wdl:10:25: error: reshape() dimensions must be positive (or one -1, inferred); got 0
// CHECK-NEXT: 10 |   output i = reshape(x, [0, 60]);
// CHECK-NEXT:    |                         ^~~~~~~
