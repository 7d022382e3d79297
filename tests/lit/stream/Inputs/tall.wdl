// a resident model whose tiles would crowd one core row: place makes the
// region taller (K = 1 keeps it one column wide)
model tall {
  input  x  : f32[118, 1];
  param  w1 : f32[1, 71] = randn(seed=397, std=0.2);
  param  w2 : f32[71, 1] = randn(seed=398, std=0.2);
  param  g  : f32[71] = randn(seed=399, std=1.0);
  let h = layernorm(x @ w1, g, g, axis=-1);
  output o0 = h @ w2 - x * 0.5;
  output o1 = h - max(h, axis=-1, keepdims=true);
}
