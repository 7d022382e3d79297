model tall {
  input x : f32[1000, 8];
  output y = relu(x) * 2.0;
}
