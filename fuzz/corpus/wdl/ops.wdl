// examples/ops.wdl: every elementwise function of WDL in f32, with
// broadcasting (a row vector b, a column vector c, scalar literals) on an
// uneven shape (13 x 30 over a 4 x 4 core rectangle).
model ops {
  input a : f32[13, 30];
  input b : f32[30];
  input c : f32[13, 1];
  output arith = (a + b) * c - a / (abs(b) + 0.5);
  output minmax = max(a, b) - min(a, c * 0.25);
  output expo = exp(a * 0.5) + log(abs(c) + 1) + sqrt(abs(b));
  output act = rsqrt(abs(a) + 1) * tanh(a) + sigmoid(b) + gelu(a) - relu(-c);
  output half = cast(cast(a, f16) * cast(b, f16), f32);
}
