model lr {
  input a : f32[4, 267, 158];
  input x : f32[267, 158];
  param w1 : f32[158, 9] = randn(seed=385, std=0.2);
  param w2 : f32[158, 9] = randn(seed=386, std=0.2);
  output y = relu(a @ transpose(x));
  output z = (x @ w1 - x @ w2) * 0.5;
}
