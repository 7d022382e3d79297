// A model with no files to load, for the command-line tests.
model small {
  input  x : f32[4, 8];
  param  w : f32[8, 4] = randn(seed=1, std=0.5);
  output y = relu(x @ w);
}
