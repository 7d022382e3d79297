model m {
  input  x : f32[8, 16];
  param  w1 : f32[16, 8] = randn(seed=1, std=0.1);
  param  w2 : f32[16, 8] = randn(seed=2, std=0.1);
  param  w3 : f32[16, 4] = randn(seed=3, std=0.1);
  param  w4 : f32[16, 4] = randn(seed=4, std=0.1);
  output d = x @ w1 - x @ w2;
  output e = relu(x @ w3);
  output f = x @ w4 * 2;
}
