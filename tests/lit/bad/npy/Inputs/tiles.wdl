// A missing load() file for a param that many tiles use.
model tiles {
  input  x : f32[64, 256];
  param  w : f32[256, 256] = load("missing.npy");
  output y = x @ w;
}
