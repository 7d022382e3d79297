model s {
  input  x : f32[1, 2];
  param  b : f32[2] = full(0.5);
  output y = relu(x + b);
}
// The model the s-*.wir cases are cut from (tests/lit/bad/wir/make_cases.py).
