// Declarations out of order, a dead let and an unused param and input.
model shapes {
  param w : f32[7, 3] = ones();
  param unused : f32[2] = zeros();
  input s : f32[];
  input b : f32[7];
  input a : f32[6, 1];
  let dead = a + a;
  output z = -b;
  output out = a * b @ w;
}
