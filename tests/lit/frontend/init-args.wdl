model m {
  param  a : f32[4] = randn(seed=7);
  param  b : f32[4] = full();
  param  c : f32[4] = load(3);
  param  d : f32[0, 4] = zeros(1);
  input  x : f32[4];
  output y = x * 2 + foo(x);
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}init-args.wdl:2:23: error: randn() takes seed= and std= (and optionally sparsity=), e.g. randn(seed=7, std=0.1, sparsity=0.9)
// CHECK-NEXT: 2 |   param  a : f32[4] = randn(seed=7);
// CHECK-NEXT:   |                       ^~~~~~~~~~~~~
// CHECK-NEXT:{{.*}}init-args.wdl:3:23: error: full() takes one number: full(0.5) or full(value=0.5)
// CHECK-NEXT: 3 |   param  b : f32[4] = full();
// CHECK-NEXT:   |                       ^~~~~~
// CHECK-NEXT:{{.*}}init-args.wdl:4:23: error: load() takes one file name: load("weights.npy")
// CHECK-NEXT: 4 |   param  c : f32[4] = load(3);
// CHECK-NEXT:   |                       ^~~~~~~
// CHECK-NEXT:{{.*}}init-args.wdl:5:18: error: dimensions must be positive whole numbers, at most 1000000000
// CHECK-NEXT: 5 |   param  d : f32[0, 4] = zeros(1);
// CHECK-NEXT:   |                  ^
// CHECK-NEXT:{{.*}}init-args.wdl:5:26: error: zeros() takes no arguments
// CHECK-NEXT: 5 |   param  d : f32[0, 4] = zeros(1);
// CHECK-NEXT:   |                          ^~~~~~~~
// CHECK-NEXT:{{.*}}init-args.wdl:7:22: error: unknown function 'foo' (WDL has max min relu abs exp log sqrt rsqrt tanh sigmoid gelu cast sum mean transpose slice concat reshape softmax layernorm)
// CHECK-NEXT: 7 |   output y = x * 2 + foo(x);
// CHECK-NEXT:   |                      ^~~
// CHECK-EMPTY:
