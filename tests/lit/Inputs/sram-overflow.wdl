// A model that does not compile (found by tests/golden/fuzz.py: its staged
// operand tiles overflowed a matmul core; since route caps staging, its
// routes do not fit). A failing compile for the CLI tests.
model z17 {
  input a : f16[3, 113, 168];
  input x : f16[113, 168];
  param w1 : f16[168, 64] = randn(seed=17, std=0.2);
  param w2 : f16[168, 64] = randn(seed=18, std=0.2);
  param g : f16[64] = randn(seed=19, std=1.0);
  output o0 = max(a @ transpose(reshape(x, [113, 168]), perm=[1, 0]) , 0.0) - 0.5;
}