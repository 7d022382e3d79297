model mv1 {
  input x : bf16[2, 3, 4];
  param g : bf16[4] = ones();
  param b : bf16[4] = zeros();
  let t = transpose(x, perm=[2, 0, 1]);
  output y = concat([reshape(t, [4, 6]), reshape(x, [4, 6])], axis=0);
  output z = layernorm(x, g, b, axis=-1);
  output w = slice(x, axis=1, start=1, end=3) * 2;
}
