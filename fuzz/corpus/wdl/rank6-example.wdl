// examples/rank6.wdl: tensors of rank 5 and 6, as ONNX exports write them
// (Unsqueeze, masks [B, 1, 1, S, S], packed heads). A tile walks its axes in
// at most 4 DSR dims: unit axes drop out and runs merge, and an op whose
// walk still has more loops over its leading axes (docs/mapping.md).
model rank6 {
  input  x : f32[2, 3, 4, 6];
  input  m : f32[2, 1, 1, 4, 6];        // a mask, unsqueezed twice
  input  v : f32[1, 2, 1, 3, 4, 6];     // rank 6 with unit axes
  input  g : f32[2, 3, 2, 5, 7];        // rank 5, no unit axis
  input  c : f32[3, 1, 5, 1];           // broadcast into g's axes 1 .. 4
  input  h : f16[2, 1, 3, 8, 16];
  input  w : f16[16, 8];
  let u = reshape(x, [2, 1, 3, 4, 6]);  // Unsqueeze(axis=1)
  output a  = relu(u + m);               // [2, 1, 3, 4, 6]
  output b  = sum(v, axis=3);            // over a batch axis of rank 6
  output sm = softmax(v * 2.0, axis=-1); // in place, rank 6
  output d  = h @ w;                     // batched matmul, rank 5
  output e  = transpose(u, perm=[0, 2, 1, 4, 3]);
  output q  = reshape(h @ w, [6, 8, 8]) + 1.0;  // squeezed back to rank 3
  output k  = mean(v, axis=1, keepdims=true);
  output gc = g * c - g;                 // broadcasting that does not fold: loops
  output gt = transpose(g, perm=[4, 3, 2, 1, 0]) * 0.5;
  output gs = max(g, axis=2);
}
