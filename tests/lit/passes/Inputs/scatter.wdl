// fuzz.py --wide seed 177: a batched matmul by the transpose of an input,
// whose cores each meet many of the matmul's K-row boxes
model scatter {
  input a : f32[5, 99, 207];
  input x : f32[99, 207];
  output o0 = max(a @ transpose(reshape(x, [99, 207]), perm=[1, 0]), 0.0) - 0.5;
}
