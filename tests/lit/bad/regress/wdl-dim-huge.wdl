// Found by fuzz/fuzz_wdl.c (fuzz/README.md).
// BUG: a dimension too large for int64 (1e30) is converted to int64_t before
// the range check in the grammar (frontend/wdl.y, rule dims: (int64_t)$1.v):
// undefined behaviour (UBSan: "1e+30 is outside the range of representable
// values of type 'long'"). The release build happens to report the error.
// Also: the message does not state the limit (1e9 in wdl.y).
// At fault: frontend/wdl.y.
// XFAIL: sanitize
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s
// RUN: not test -e %t.wimg
// CHECK-NOT: runtime error
// CHECK: wdl-dim-huge.wdl:[[@LINE+2]]:17: error:
model m {
  input x : f32[1e30];
  output y = x;
}
