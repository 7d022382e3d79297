model load_shape {
  input x : f32[2, 3];
  param v : f32[3] = load("v.npy");
  output y = x * v;
}
