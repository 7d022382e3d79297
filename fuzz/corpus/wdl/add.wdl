// examples/add.wdl: f16 elementwise arithmetic with NumPy broadcasting in
// both directions (a row vector b, a column vector c) on uneven shapes.
model add {
  input a : f16[10, 50];
  input b : f16[50];
  input c : f16[10, 1];
  param d : f16[50] = full(0.5);
  output y = (a + b) * c - d;
  output z = -a + relu(b);
}
