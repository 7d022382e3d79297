// 3 heads of 4 over [5, 12], split by reshape and transpose, with a mask
// (no head axis) and a cast; `kept` uses the batched scores, so its model
// keeps the batch as written
model kept {
  input  q : f32[5, 12];
  input  k : f32[5, 12];
  input  v : f32[5, 12];
  input  mask : f32[5, 5];
  let qh = transpose(reshape(q, [5, 3, 4]), perm=[1, 0, 2]);
  let kt = transpose(reshape(k, [5, 3, 4]), perm=[1, 2, 0]);
  let vh = transpose(reshape(v, [5, 3, 4]), perm=[1, 0, 2]);
  let o = softmax(qh @ kt * 0.5 + mask, axis=-1) @ vh;
  output y = reshape(transpose(o, perm=[1, 0, 2]), [5, 12]);
  output s = sum(o, axis=0);
}
