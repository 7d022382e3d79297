// examples/wafer.wdl: a model that fills a whole wse2 wafer - 717,000 of its
// 745,500 cores - to show the simulator at wafer scale (bench/wafer_sim.py).
// A 34-step elementwise recurrence on a [16, 48000] f16 tensor: every op is
// tiled over 750 x 4 cores (a 4 x 64 tile each), stacked down the wafer, and
// the input x is multicast down every column to the steps that use it. Each
// step is contractive (|d out / d h| <= 0.125 |x|), so rounding differences
// do not grow along the chain.
model wafer {
  input x : f16[16, 48000];

  def step(h: f16[R, C], i: index) -> f16[R, C] {
    let a = tanh(h * 0.5 + x);
    return sigmoid(a - x) * x + 0.25;
  }

  output y = repeat(step, x, 34);
}
