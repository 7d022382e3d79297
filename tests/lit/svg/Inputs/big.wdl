// a wide f16 recurrence (as examples/wafer.wdl, fewer steps): a region
// 750 cores wide, for the blocked picture
model big {
  input  x : f16[16, 48000];
  output y = tanh(tanh(x * 0.5) + x) * x;
}
