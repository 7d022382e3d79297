// one elementwise op on a 128 x 128 f32 tensor (alloc-limits.test puts it
// on one core)
model big {
  input x : f32[128, 128];
  output y = x * 2.0;
}
