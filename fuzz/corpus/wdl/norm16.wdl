// examples/norm16.wdl: the same reductions in f16 (accumulation in f32, one
// rounding of each op's result to f16).
model norm16 {
  input  x     : f16[11, 26];
  param  gamma : f16[26] = randn(seed=6, std=1.0);
  param  beta  : f16[26] = full(-0.5);
  output rows  = sum(x, axis=-1, keepdims=true);
  output peak  = max(x, axis=-1);
  output prob  = softmax(x, axis=0);
  output norm  = layernorm(x, gamma, beta, axis=-1, eps=1e-3);
}
