model rhs {
  input a : f16[222, 254];
  input b : f16[100, 254];
  input c : f16[100, 254];
  input u : f16[254, 222];
  input x : f16[300, 254];
  input v : f16[254, 40];
  output y = a @ u;
  output z = relu(b @ transpose(x));
  output n = c @ v + sum(v, axis=0);
}
