// A legal model whose FFILL immediate looks like tensor flags: the mean over
// an axis of 8454915 = 2^23 + 0xff03 elements divides by that length, filled
// as the f32 0x4b00ff03 - whose low bits read as "async, act t255". wsesim
// used to run that FFILL on a microthread and then activate task 255 of a
// 3-task table (a write past the table). FFILL has no flags: it fills
// synchronously and the mean is exact.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %wsecc %s --target %S/Inputs/bigsram.xml --emit=wir | FileCheck %s --check-prefix=WIR
// WIR: FFILL d{{[0-9]+}}, 8454915
// RUN: %wsecc %s --target %S/Inputs/bigsram.xml -o %t/m.wimg
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.full((1, 8454915), 0.5, np.float32))"
// RUN: %wsesim %t/m.wimg --input x=%t/x.npy --output m=%t/m.npy
// RUN: %python -c "import numpy as np, sys; m = np.load('%t/m.npy'); print(m); sys.exit(int(m.shape != (1,) or m[0] != 0.5))"
model longmean {
  input x : f32[1, 8454915];
  output m = mean(x, axis=-1);
}
