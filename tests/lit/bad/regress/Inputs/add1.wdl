model add1 {
  input a : f32[2, 3];
  input b : f32[3];
  output y = a + b;
}
