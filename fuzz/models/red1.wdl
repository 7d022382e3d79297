model red1 {
  input x : f16[4, 6];
  output s = softmax(x, axis=-1);
  output m = sum(x, axis=0);
}
