// a batched activation [.., M, K] by weights, weight-streamed: rank 3 with
// a bias and GELU in place, rank 5 (unit axes) into a softmax
model batched {
  input  x : f16[4, 100, 64];
  input  a : f16[1, 1, 3, 12, 49];
  param  w : f16[64, 96] = randn(seed=4, std=0.25, sparsity=0.5);
  param  b : f16[96] = randn(seed=5, std=0.1);
  param  v : f16[49, 15] = randn(seed=44, std=0.2);
  output y = gelu(x @ w + b);
  output s = softmax(a @ v, axis=-1);
}
