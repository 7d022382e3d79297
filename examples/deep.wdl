// examples/deep.wdl: 8 dense layers of f16[1024, 1024] weights - 16 MB of
// weights, more than the 12 MB of SRAM of a 16x16-core grid. Pipeline mode
// (weights preloaded) refuses it under --grid 16x16; weight streaming runs it:
//   wsecc examples/deep.wdl --exec=stream --grid 16x16 -o deep.wimg
// (docs/mapping.md, "Weight streaming").
model deep {
  input  x       : f16[16, 1024];
  param  w[8]    : f16[1024, 1024] = randn(seed=300, std=0.03125);
  param  b[8]    : f16[1024]       = randn(seed=400, std=0.1);

  def layer(h: f16[S, H], i: index) -> f16[S, H] {
    return relu(h @ w[i] + b[i]);
  }

  output y = repeat(layer, x, 8);
}
