// An input reshaped across its rows and batches (tests/lit/passes/reshape-input.test)
model m {
  input a : f32[3, 7, 10];
  input x : f32[5, 6];
  param w : f32[6, 4] = randn(seed=4, std=0.3);
  output y = reshape(a, [21, -1]) + 1.0;
  output z = reshape(x, [5, 6]) @ w;
}
