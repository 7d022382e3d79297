// A matmul too large for any rectangle of the tiny target (even with its
// 128 rows whole: K = 8192 over at most 16 core rows is 512 per core).
model big {
  input x : f32[128, 8192];
  param w : f32[8192, 64] = zeros();
  output y = x @ w;
}
