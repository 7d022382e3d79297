// examples/reshape.wdl: reshape and N-D transpose, on uneven shapes: the
// multi-head attention pattern (split the heads with reshape + transpose,
// batched matmuls, merge them back), in f32 and f16.
model reshape {
  input  q  : f32[13, 24];
  input  k  : f32[13, 24];
  input  v  : f32[13, 24];
  input  h  : f16[6, 35];
  // heads: [13, 24] -> [13, 4, 6] -> [4, 13, 6]
  let qh = transpose(reshape(q, [13, 4, 6]), perm=[1, 0, 2]);
  let kh = transpose(reshape(k, [13, 4, -1]), perm=[1, 2, 0]);   // [4, 6, 13]: k^T per head
  let vh = transpose(reshape(v, [13, 4, 6]), perm=[1, 0, 2]);
  let att = softmax(qh @ kh * 0.4082483, axis=-1) @ vh;           // [4, 13, 6]
  output mha  = reshape(transpose(att, perm=[1, 0, 2]), [13, 24]);
  output flat = reshape(q, [312]) * 2;
  output re   = reshape(q, [6, 52]) + 1;
  output r4   = reshape(k, [2, 13, 3, 4]);
  output t4   = transpose(reshape(v, [13, 2, 3, 4]), perm=[2, 0, 3, 1]);
  output h16  = reshape(h, [10, 21]) * 0.5;
  output ht16 = transpose(reshape(h, [5, 6, 7]), perm=[2, 1, 0]);
}
