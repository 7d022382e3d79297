model m {
  input  x : f32[8, 16];
  param  w1 : f32[16, 8] = randn(seed=1, std=0.1);
  param  w2 : f32[16, 8] = randn(seed=2, std=0.1);
  param  w3 : f32[16, 8] = randn(seed=3, std=0.1);
  param  w4 : f32[16, 8] = randn(seed=4, std=0.1);
  param  g : f32[8] = full(1.0);
  output d = layernorm(x @ w1, g, g, axis=-1) + x @ w2;
  let h = x @ w3;
  output e = (h * sigmoid(h)) * (x @ w4);
}
