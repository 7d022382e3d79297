// ranks 5 and 6: I/O entries with more than 4 dims, folded and looped walks
model rank6 {
  input  x : f32[2, 1, 3, 1, 2, 4];
  input  g : f16[2, 3, 2, 2, 3];
  param  c : f16[3, 1, 2, 1] = randn(seed=2, std=0.5);
  output a = sum(x, axis=2) + 1.0;
  output b = g * c - g;
  output d = transpose(g, perm=[0, 1, 2, 4, 3]) @ g;
}
