model u {
  input  x : f32[2, 12];
  output y = exp(transpose(reshape(x, [2, 3, 4]), perm=[1, 0, 2]));
}
// The model the u-based .wir cases are cut from (tests/lit/bad/wir/make_cases.py).
