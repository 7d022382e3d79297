model iu {
  input x : f32[300, 300];
  input y : f32[300, 300];
  output z = x * y - x;
}
