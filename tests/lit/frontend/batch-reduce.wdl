model e {
  input a : f32[3, 4, 5];
  output s = sum(a, axis=0);
  output m = max(a, axis=-1);
  output k = mean(a, axis=0, keepdims=true);
}
// A 3-D tensor reduces over its last two axes (split over the cores) as it
// is; over a batch axis, the frontend reduces the last axis of a transpose
// that moves the batch axis there (a view), and keepdims puts the unit axis
// back with a reshape. The numbers: examples/batchred.wdl.
// RUN: %wsecc %s --stop-after=infer | FileCheck %s
// CHECK: %[[T1:[0-9]+]] = transpose %a perm [1, 2, 0] : f32[4, 5, 3]
// CHECK-NEXT: = mean %[[T1]] axis 2 : f32[4, 5]
// CHECK-NEXT: = reshape {{.*}} : f32[1, 4, 5]
// CHECK: = rmax %a axis 2 : f32[3, 4]
// CHECK: %[[T2:[0-9]+]] = transpose %a perm [1, 2, 0] : f32[4, 5, 3]
// CHECK-NEXT: = sum %[[T2]] axis 2 : f32[4, 5]
