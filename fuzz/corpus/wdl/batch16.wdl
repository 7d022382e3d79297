// examples/batch16.wdl: batched matmul in f16 (f16 operands, f32
// accumulation, f16 result), with a broadcast right operand and ops on the
// batched result, on uneven shapes.
model batch16 {
  input  h  : f16[4, 9, 22];
  input  g  : f16[4, 22, 5];
  input  v  : f16[22, 5];
  output bmm16 = h @ g;
  output gel16 = gelu(h @ g) + slice(h, axis=2, start=0, end=5);
  output bc16  = h @ v * 0.5;
}
