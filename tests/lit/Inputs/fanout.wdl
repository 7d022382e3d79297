model fan {
  input x : f32[4, 4];
  output y00 = -x;
  output y01 = -x;
  output y02 = -x;
  output y03 = -x;
  output y04 = -x;
  output y05 = -x;
  output y06 = -x;
  output y07 = -x;
  output y08 = -x;
  output y09 = -x;
  output y10 = -x;
  output y11 = -x;
  output y12 = -x;
  output y13 = -x;
  output y14 = -x;
  output y15 = -x;
  output y16 = -x;
  output y17 = -x;
  output y18 = -x;
  output y19 = -x;
  output y20 = -x;
  output y21 = -x;
  output y22 = -x;
  output y23 = -x;
  output y24 = -x;
  output y25 = -x;
}
