model f16mm {
  input a : f16[2, 3, 4];
  param w : f16[4, 3] = full(0.5);
  output y = gelu(a @ w) - 1;
  output m = mean(max(a, 0.0), axis=-1, keepdims=true);
}
