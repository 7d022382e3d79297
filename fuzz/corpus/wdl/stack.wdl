// examples/stack.wdl: a 12-layer residual MLP written once - a def for one
// layer, param arrays for the layers' own weights, and repeat() to stack it.
model stack {
  input  x      : f32[16, 48];
  param  ln_g[12] : f32[48]      = ones();
  param  ln_b[12] : f32[48]      = zeros();
  param  w_up[12] : f32[48, 96]  = randn(seed=100, std=0.1);
  param  w_dn[12] : f32[96, 48]  = randn(seed=200, std=0.1);

  // one pre-LN residual block; i picks the layer's weights
  def layer(h: f32[S, H], i: index) -> f32[S, H] {
    let a = layernorm(h, ln_g[i], ln_b[i], axis=-1, eps=1e-5);
    return h + gelu(a @ w_up[i]) @ w_dn[i];
  }

  output y = repeat(layer, x, 12);
}
