// examples/ops16.wdl: the same functions in f16 (each op computes in f32 and
// rounds its result to f16), on another uneven shape.
model ops16 {
  input a : f16[9, 22];
  input b : f16[22];
  input c : f16[9, 1];
  output arith = (a + b) * c - a / (abs(b) + 0.5);
  output minmax = max(a, b) - min(a, c * 0.25);
  output expo = exp(a * 0.5) + log(abs(c) + 1) + sqrt(abs(b));
  output act = rsqrt(abs(a) + 1) * tanh(a) + sigmoid(b) + gelu(a) - relu(-c);
  output wide = cast(a, f32) * cast(c, f32);
}
