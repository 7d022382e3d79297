model many {
  input x : f32[4];
  let a0 = x + nope0;
  let a1 = x + nope1;
  let a2 = x + nope2;
  let a3 = x + nope3;
  let a4 = x + nope4;
  let a5 = x + nope5;
  let a6 = x + nope6;
  let a7 = x + nope7;
  let a8 = x + nope8;
  let a9 = x + nope9;
  let a10 = x + nope10;
  let a11 = x + nope11;
  let a12 = x + nope12;
  let a13 = x + nope13;
  let a14 = x + nope14;
  let a15 = x + nope15;
  let a16 = x + nope16;
  let a17 = x + nope17;
  let a18 = x + nope18;
  let a19 = x + nope19;
  let a20 = x + nope20;
  let a21 = x + nope21;
  let a22 = x + nope22;
  let a23 = x + nope23;
  let a24 = x + nope24;
  output y = x;
}
