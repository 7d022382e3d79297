// a streamed layer whose result is transposed: no resident layout (it has
// no data movement yet), so each op gets cores of its own
model moves {
  input  x : f32[16, 64];
  param  w : f32[64, 32] = randn(seed=1, std=0.1);
  output y = transpose(relu(x @ w), perm=[1, 0]);
}
