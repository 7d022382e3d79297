model calls {
  input  x : f32[4];
  output a = max(x);
  output b = cast(x, f64);
  output c = exp(x, x);
  output d = sigmod(x);
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}calls.wdl:3:14: error: max() needs axis= (one axis at a time, e.g. max(x, axis=-1))
// CHECK-NEXT: 3 |   output a = max(x);
// CHECK-NEXT:   |              ^~~~~~
// CHECK-NEXT:{{.*}}calls.wdl:4:22: error: cast() takes a dtype as its second argument (f32, f16 or bf16)
// CHECK-NEXT: 4 |   output b = cast(x, f64);
// CHECK-NEXT:   |                      ^~~
// CHECK-NEXT:{{.*}}calls.wdl:5:14: error: exp() takes 1 argument, got 2 arguments
// CHECK-NEXT: 5 |   output c = exp(x, x);
// CHECK-NEXT:   |              ^~~~~~~~~
// CHECK-NEXT:{{.*}}calls.wdl:6:14: error: unknown function 'sigmod'; did you mean 'sigmoid'?
// CHECK-NEXT: 6 |   output d = sigmod(x);
// CHECK-NEXT:   |              ^~~~~~
// CHECK-EMPTY:
