model f {
  input  a : f32[8, 16];
  input  u : f32[16, 4];
  param  w1 : f32[16, 8] = randn(seed=1, std=0.1);
  param  w2 : f32[16, 8] = randn(seed=2, std=0.1);
  param  w3 : f32[16, 4] = randn(seed=3, std=0.1);
  output q = relu(a @ w1);
  output k = a @ w2 + 1;
  output v = a @ w3;
  output n = a @ u;
}
