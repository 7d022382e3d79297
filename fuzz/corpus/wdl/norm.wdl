// examples/norm.wdl: reductions over the fabric (sum, mean, max along either
// axis, with and without keepdims), softmax and layernorm, in f32 on an
// uneven shape (19 x 45: 4 x 4 cores with tiles of 5/4 rows, 12/11 columns).
model norm {
  input  x     : f32[19, 45];
  param  gamma : f32[45] = randn(seed=5, std=1.0);
  param  beta  : f32[45] = full(0.25);
  output rows  = sum(x, axis=-1);
  output cols  = mean(x, axis=0, keepdims=true);
  output peak  = max(x, axis=0);
  output prob  = softmax(x, axis=-1);
  output norm  = layernorm(x, gamma, beta, axis=-1, eps=1e-5);
}
