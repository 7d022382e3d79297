model load1 {
  input x : f32[2, 4];
  param w : f32[4, 3] = load("w43.npy");
  param v : f32[3] = load("v3.npy");
  output y = exp(x @ w) * v;
}
