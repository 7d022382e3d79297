model s {
  input  x : f32[300, 40];
  param  w : f32[40, 24] = randn(seed=5, std=0.2);
  output y = relu(x @ w);
}
