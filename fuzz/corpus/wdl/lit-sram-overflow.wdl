// A model whose staged operand tiles overflow a matmul core (found by tests/golden/fuzz.py).
model z17 {
  input a : f16[3, 113, 168];
  input x : f16[113, 168];
  param w1 : f16[168, 64] = randn(seed=17, std=0.2);
  param w2 : f16[168, 64] = randn(seed=18, std=0.2);
  param g : f16[64] = randn(seed=19, std=1.0);
  output o0 = max(a @ transpose(reshape(x, [113, 168]), perm=[1, 0]) , 0.0) - 0.5;
}