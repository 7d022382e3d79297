model def1 {
  input x : f32[2, 4];
  param w[2] : f32[4, 4] = randn(seed=5, std=0.1);
  def blk(h: f32[S, H], i: index) -> f32[S, H] {
    return tanh(h @ w[i]) + h;
  }
  output y = repeat(blk, x, 2);
}
