model t {
  input  x : f32[4, 8];
  param  w : f32[8, 4] = ones();
  let h = relu(x @ w);
  output y = sum(h, axis=1);
}
// The model the t-*.wir cases are cut from (tests/lit/bad/wir/make_cases.py).
