// examples/gpt2_block.wdl: one GPT-2-style pre-LN transformer block in f16:
// multi-head causal self-attention (4 heads of 32), a GELU MLP, residuals
// and layernorms; S = 32 tokens, H = 128. Weights are loaded from .npy files
// (examples/gpt2_*.npy, written by tests/golden/gen_gpt2_block.py).
model gpt2_block {
  input  x     : f16[32, 128];
  param  mask  : f16[32, 32]  = load("gpt2_mask.npy");   // 0 on and below the diagonal, -10000 above
  param  ln1_g : f16[128]     = load("gpt2_ln1_g.npy");
  param  ln1_b : f16[128]     = load("gpt2_ln1_b.npy");
  param  w_q   : f16[128, 128] = load("gpt2_w_q.npy");
  param  w_k   : f16[128, 128] = load("gpt2_w_k.npy");
  param  w_v   : f16[128, 128] = load("gpt2_w_v.npy");
  param  w_o   : f16[128, 128] = load("gpt2_w_o.npy");
  param  ln2_g : f16[128]     = load("gpt2_ln2_g.npy");
  param  ln2_b : f16[128]     = load("gpt2_ln2_b.npy");
  param  w_fc  : f16[128, 512] = load("gpt2_w_fc.npy");
  param  b_fc  : f16[512]     = load("gpt2_b_fc.npy");
  param  w_pr  : f16[512, 128] = load("gpt2_w_pr.npy");
  param  b_pr  : f16[128]     = load("gpt2_b_pr.npy");

  // attention: scores = q_h k_h^T / sqrt(32) + mask, per head
  let a  = layernorm(x, ln1_g, ln1_b, axis=-1, eps=1e-5);
  let q  = a @ w_q;
  let k  = a @ w_k;
  let v  = a @ w_v;
  let o0 = softmax(slice(q, axis=1, start=0,  end=32)  @ transpose(slice(k, axis=1, start=0,  end=32))  * 0.1767767 + mask, axis=-1)
           @ slice(v, axis=1, start=0,  end=32);
  let o1 = softmax(slice(q, axis=1, start=32, end=64)  @ transpose(slice(k, axis=1, start=32, end=64))  * 0.1767767 + mask, axis=-1)
           @ slice(v, axis=1, start=32, end=64);
  let o2 = softmax(slice(q, axis=1, start=64, end=96)  @ transpose(slice(k, axis=1, start=64, end=96))  * 0.1767767 + mask, axis=-1)
           @ slice(v, axis=1, start=64, end=96);
  let o3 = softmax(slice(q, axis=1, start=96, end=128) @ transpose(slice(k, axis=1, start=96, end=128)) * 0.1767767 + mask, axis=-1)
           @ slice(v, axis=1, start=96, end=128);
  let r  = x + concat([o0, o1, o2, o3], axis=1) @ w_o;

  // MLP
  let m  = gelu(layernorm(r, ln2_g, ln2_b, axis=-1, eps=1e-5) @ w_fc + b_fc) @ w_pr + b_pr;
  output y = r + m;
}
