model mm1 {
  input x : f32[3, 5];
  param w : f32[5, 4] = randn(seed=3, std=0.5);
  output y = relu(x @ w);
}
