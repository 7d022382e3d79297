// The model of the --reference --input cases.
model inp {
  input  x : f32[4];
  output y = x * 2;
}
