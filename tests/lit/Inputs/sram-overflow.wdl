// A model that does not compile in pipeline mode on the tiny target: the
// row blocks of its matmul, each preloading all of w, do not fit the 24x16
// grid. A failing compile for the CLI tests (tests/lit/bad/cli/).
model big {
  input x : f32[512, 512];
  param w : f32[512, 1024] = randn(seed=17, std=0.2);
  output y = x @ w;
}
