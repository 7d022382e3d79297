// examples/bf16.wdl: bfloat16 - the 8-bit exponent of f32 with 8 bits of
// significand - through elementwise ops with broadcasting, a matmul (bf16
// operands, f32 accumulation, bf16 result), softmax, layernorm and casts,
// on uneven shapes. Inputs may be float32 .npy (rounded to bf16 when
// loaded); bf16 outputs are written as float32 .npy (exactly).
model bf16 {
  input  x : bf16[13, 30];
  input  b : bf16[30];
  param  w : bf16[30, 7] = randn(seed=21, std=0.3);
  param  g : bf16[7]     = randn(seed=22, std=1.0);
  output e   = gelu(x * b + 0.5) - max(x, b);
  output mm  = softmax(x @ w, axis=-1);
  output ln  = layernorm(x @ w, g, g, axis=-1, eps=1e-5);
  output big = x * 1000000.0;                          // f16 would overflow; bf16 keeps f32's range
  output c32 = cast(x, f32) / 3.0;
  output c16 = cast(cast(x, f32) / 3.0, bf16);
}
