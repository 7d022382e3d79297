// one dense f16 layer with half of its weights zero, for tests/lit/stream
model layer {
  input  x : f16[8, 32];
  param  w : f16[32, 8] = randn(seed=5, std=0.2, sparsity=0.5);
  param  b : f16[8] = randn(seed=6, std=0.1);
  output y = relu(x @ w + b);
}
