// examples/mlp.wdl with its declarations in another order: same image.
model mlp {
  param  w2 : f32[128, 10] = randn(seed=7, std=0.1);
  param  b1 : f32[128]     = zeros();
  input  x  : f32[16, 64];
  param  w1 : f32[64, 128] = load("mlp_w1.npy");
  let h = relu(x @ w1 + b1);
  output y = h @ w2;
}
