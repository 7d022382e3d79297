// examples/batchred.wdl: reductions and softmax over batch axes (the axes
// before the last two, whole on every core): each core reduces its own tile,
// and no partials cross the fabric (docs/mapping.md).
model batchred {
  input  x : f32[4, 6, 10];
  input  q : f32[2, 3, 5, 7];
  input  h : f16[5, 8, 12];
  output s0 = sum(x, axis=0);                   // [6, 10]
  output m0 = mean(x, axis=-3, keepdims=true);  // [1, 6, 10]
  output x0 = max(x, axis=0);                   // [6, 10]
  output p0 = softmax(x, axis=0);               // [4, 6, 10]
  output q1 = sum(q, axis=1) * 0.5 + mean(q, axis=1);  // [2, 5, 7], rank 4
  output h0 = softmax(h, axis=0) * h;           // f16
}
