// The model of the load() cases: the test copies it next to its w.npy.
model load {
  input  x : f32[4];
  param  w : f32[4] = load("w.npy");
  output y = x + w;
}
