// examples/vecmat.wdl: NumPy's vector rules for '@' - a vector on the left
// is a row, one on the right a column, and their unit axes are dropped.
model vecmat {
  input  v : f32[48];
  input  a : f32[3, 20, 48];
  param  w : f32[48, 24] = randn(seed=11, std=0.2);
  param  u : f32[24]     = randn(seed=12, std=0.5);
  output vw  = v @ w;          // [48] @ [48, 24] -> [24]
  output wu  = w @ u;          // [48, 24] @ [24] -> [48]
  output av  = a @ v;          // [3, 20, 48] @ [48] -> [3, 20]
  output vwu = (v @ w) @ u;    // [24] @ [24] -> a scalar
}
