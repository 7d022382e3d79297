// a matmul taller than the split pass's 128 rows: two row blocks and a concat
model blocks {
  input x : f32[200, 40];
  param w : f32[40, 64] = randn(seed=3, std=0.3);
  output y = x @ w;
}
