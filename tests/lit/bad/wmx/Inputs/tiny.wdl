// tests/lit/bad/wmx/Inputs/tiny.wdl: a model with one streamed matmul, not
// examples/mlp.wdl (its .wmx belongs to another image)
model tiny {
  input x : f32[3, 5];
  param w : f32[5, 4] = randn(seed=3, std=0.5);
  output y = relu(x @ w);
}
