// An input whose only use is a transpose (tests/lit/passes/transpose-input.test).
model transpose_in {
  input a : f32[6, 40, 30];
  output y = transpose(a, perm=[1,0,2]) * 2;
}
