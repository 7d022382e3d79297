model m {
  input  x : f32[4];
  let    a = x + later;
  let    later = -x;
  output y = a;
}
// RUN: not %wsecc %s --emit=wir 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// CHECK:{{.*}}use-before-def.wdl:3:18: error: 'later' is used before its definition
// CHECK-NEXT: 3 |   let    a = x + later;
// CHECK-NEXT:   |                  ^~~~~
// CHECK-NEXT:{{.*}}use-before-def.wdl:4:10: note: 'later' is defined here
// CHECK-NEXT: 4 |   let    later = -x;
// CHECK-NEXT:   |          ^~~~~
// CHECK-EMPTY:
