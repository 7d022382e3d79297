// A reshape whose operand arrives in 12 staged pieces: more DSRs than a core has (found by tests/golden/fuzz.py).
model z0 {
  input a : f16[4, 3, 34];
  input x : f16[3, 34];
  param w1 : f16[34, 33] = randn(seed=0, std=0.2);
  param w2 : f16[34, 33] = randn(seed=1, std=0.2);
  param g : f16[33] = randn(seed=2, std=1.0);
  output o0 = reshape(a, [102, -1]) + 1;
}