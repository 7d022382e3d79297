model r {
  input  x : f32[4, 6];
  output a = sum(x, axis=2);
  output b = sum(x, axes=1);
  output c = mean(x, axis=0, keepdims=1);
  output d = softmax(x, x);
  output e = layernorm(x, axis=-1);
  output f = sum(x);
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}reductions.wdl:4:21: error: sum() has no argument 'axes' (it takes axis=, keepdims=)
// CHECK-NEXT: 4 |   output b = sum(x, axes=1);
// CHECK-NEXT:   |                     ^~~~
// CHECK-NEXT:{{.*}}reductions.wdl:5:39: error: keepdims= must be true or false
// CHECK-NEXT: 5 |   output c = mean(x, axis=0, keepdims=1);
// CHECK-NEXT:   |                                       ^
// CHECK-NEXT:{{.*}}reductions.wdl:6:14: error: softmax() takes one tensor and axis=; got 2 tensors
// CHECK-NEXT: 6 |   output d = softmax(x, x);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reductions.wdl:7:14: error: layernorm() takes x, gamma, beta and axis=, eps=; got 1 tensor
// CHECK-NEXT: 7 |   output e = layernorm(x, axis=-1);
// CHECK-NEXT:   |              ^~~~~~~~~~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}reductions.wdl:8:14: error: sum() needs axis= (one axis at a time, e.g. sum(x, axis=-1))
// CHECK-NEXT: 8 |   output f = sum(x);
// CHECK-NEXT:   |              ^~~~~~
// CHECK-EMPTY:
