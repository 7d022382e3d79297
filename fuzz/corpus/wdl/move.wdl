// examples/move.wdl: transpose, slice and concat (views and real copies) on
// uneven shapes, in f32 and f16.
model move {
  input  x : f32[13, 30];
  input  y : f32[13, 7];
  input  h : f16[9, 22];
  output t   = transpose(x);
  output s   = slice(x, axis=1, start=5, end=23);
  output c   = concat([x, y, x], axis=1);
  output c0  = concat([x, slice(x, axis=0, start=2, end=11)], axis=0);
  output mm  = transpose(y) @ x;
  output t16 = transpose(h) * 2;
  output s16 = concat([slice(h, axis=1, start=0, end=11), slice(h, axis=0, start=0, end=9)], axis=1);
}
