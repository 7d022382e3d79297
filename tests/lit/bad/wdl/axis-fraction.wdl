model m {
  input x : f32[4, 4];
  output y = mean(x, axis=0.5);
}
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s --target tiny -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{.*}}axis-fraction.wdl:3:27: error: axis= must be a whole number, like axis=-1
// CHECK-NEXT: 3 |   output y = mean(x, axis=0.5);
// CHECK-NEXT:   |                           ^~~
// CHECK-EMPTY:
