// A matmul too large for any rectangle of the tiny target.
model big {
  input x : f32[512, 64];
  param w : f32[64, 512] = zeros();
  output y = x @ w;
}
