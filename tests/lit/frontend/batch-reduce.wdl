model e {
  input a : f32[3, 4, 5];
  output s = sum(a, axis=0);
  output m = max(a, axis=-1);
  output k = mean(a, axis=0, keepdims=true);
}
// A 3-D tensor reduces over any axis as it is. Over a batch axis (whole on
// every core) each core reduces its own tile: the op is tiled like an
// elementwise op of its result, each core's operand box is its result box
// with the whole reduced axis, and no partials cross the fabric. The
// numbers: examples/batchred.wdl.
// RUN: %wsecc %s --stop-after=infer | FileCheck %s
// CHECK: = mean %a axis 0 keepdims : f32[1, 4, 5]
// CHECK: = rmax %a axis 2 : f32[3, 4]
// CHECK: = sum %a axis 0 : f32[4, 5]
// RUN: %wsecc %s --stop-after=route | FileCheck %s --check-prefix=NETS
// NETS-NOT: partial sums of %1
// NETS-NOT: partial sums of %5
// RUN: %wsecc %s --emit=asm | FileCheck %s --check-prefix=ASM
// one FADD walks the whole tile, the accumulator with stride 0 along axis 0
// ASM: FADD {{.*}}[3, 1, 2] strides [0, 2, 1];{{.*}}[3, 1, 2] strides [2, 2, 1]
