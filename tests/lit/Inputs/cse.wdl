model cse {
  input  x : f32[4, 6];
  param  w : f32[6, 5] = randn(seed=1, std=0.5);
  param  v : f32[6, 5] = randn(seed=2, std=0.5);
  let h = relu(x @ w);
  output a = h + relu(x @ w);
  output b = sum(x @ w, axis=1) + sum(x @ w, axis=1);
  output c = max(x @ w, axis=0) - max(x @ w, axis=1, keepdims=true);
  output d = x @ v - x @ w;
  output e = x * 2 + x * 2;
  output f = reshape(x, [4, 6]) + x;
}
