// examples/batch.wdl: batched (3-D and 4-D) matmul with NumPy batch
// broadcasting, and other ops on batched tensors, on uneven shapes, in f32
// (f16: examples/batch16.wdl). Batch axes (all but the last two) are whole on every core; the
// last two are split like a matrix (docs/mapping.md).
model batch {
  input  a  : f32[3, 13, 30];
  input  b  : f32[3, 30, 7];
  input  w  : f32[30, 7];
  input  q  : f32[2, 3, 13, 30];
  output bmm   = a @ b;                               // [3, 13, 7]
  output bcast = a @ w + 1.0;                         // B broadcast over the batch
  output mm4   = q @ b;                               // [2, 3, 13, 7]: b broadcast over axis 0
  output sm    = softmax(a @ b, axis=-1);              // reductions over the last axis, per batch
  output cs    = sum(a, axis=1, keepdims=true);         // over the rows of each batch element
  output cat   = concat([a @ b, slice(a, axis=0, start=1, end=3) @ w], axis=0) * 0.5;
}
