// examples/gpt2_small.wdl: GPT-2 small - 12 pre-LN transformer layers,
// H = 768, 12 heads of 64, S = 128 tokens, f16. One layer is written once
// (def layer) and stacked with repeat(); each layer takes its own weights
// from param arrays (w_q[i] ...). Weights are randn() here (GPT-2's
// std 0.02), so the file needs no 170 MB of .npy to compile.
model gpt2_small {
  input  x     : f16[128, 768];
  param  mask  : f16[128, 128] = load("gpt2_small_mask.npy");  // 0 on/below the diagonal, -10000 above
  param  ln1_g[12] : f16[768]       = ones();
  param  ln1_b[12] : f16[768]       = zeros();
  param  w_q[12]   : f16[768, 768]  = randn(seed=1000, std=0.02);
  param  w_k[12]   : f16[768, 768]  = randn(seed=2000, std=0.02);
  param  w_v[12]   : f16[768, 768]  = randn(seed=3000, std=0.02);
  param  w_o[12]   : f16[768, 768]  = randn(seed=4000, std=0.02);
  param  ln2_g[12] : f16[768]       = ones();
  param  ln2_b[12] : f16[768]       = zeros();
  param  w_fc[12]  : f16[768, 3072] = randn(seed=5000, std=0.02);
  param  b_fc[12]  : f16[3072]      = zeros();
  param  w_pr[12]  : f16[3072, 768] = randn(seed=6000, std=0.02);
  param  b_pr[12]  : f16[768]       = zeros();

  // one causal attention head j: softmax(q_j k_j^T / 8 + mask) v_j
  def head(q: f16[S, H], k: f16[S, H], v: f16[S, H], j: index) -> f16[S, 64] {
    let s = slice(q, axis=1, start=j*64, end=j*64+64) @ transpose(slice(k, axis=1, start=j*64, end=j*64+64));
    return softmax(s * 0.125 + mask, axis=-1) @ slice(v, axis=1, start=j*64, end=j*64+64);
  }

  def layer(x: f16[S, H], i: index) -> f16[S, H] {
    let a = layernorm(x, ln1_g[i], ln1_b[i], axis=-1, eps=1e-5);
    let q = a @ w_q[i];
    let k = a @ w_k[i];
    let v = a @ w_v[i];
    let r = x + concat([head(q, k, v, 0), head(q, k, v, 1), head(q, k, v, 2), head(q, k, v, 3), head(q, k, v, 4), head(q, k, v, 5), head(q, k, v, 6), head(q, k, v, 7), head(q, k, v, 8), head(q, k, v, 9), head(q, k, v, 10), head(q, k, v, 11)], axis=1) @ w_o[i];
    return r + gelu(layernorm(r, ln2_g[i], ln2_b[i], axis=-1, eps=1e-5) @ w_fc[i] + b_fc[i]) @ w_pr[i] + b_pr[i];
  }

  output y = repeat(layer, x, 12);
}
