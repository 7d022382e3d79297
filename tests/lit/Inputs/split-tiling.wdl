model sp {
  input x : f32[300, 300];
  output z = exp(x) * 3 - 1;
}
