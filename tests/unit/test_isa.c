/* Unit tests of the ISA table: encode/decode, format/parse round trips for
 * every opcode, and isa_check's field validation. */
#include "backend/isa.h"
#include "common/f16.h"
#include "tests/unit/check.h"

int main(void) {
  /* every opcode, with operands valid for its format */
  for (int op = 0; op < OP__COUNT; op++) {
    const OpInfo *oi = &isa_ops[op];
    Insn in = {(uint8_t)op, 0, 0, 0, 0};
    uint8_t *f[3] = {&in.a, &in.b, &in.c};
    for (int k = 0; k < 3; k++)
      if (oi->fmt[k] == 'r') *f[k] = (uint8_t)(3 + k);
      else if (oi->fmt[k] == 'd') *f[k] = (uint8_t)(7 + k);
    switch (oi->fmt[3]) {
    case 'i': in.imm = oi->cls == ICLASS_T ? (ISA_ASYNC | ISA_ACTIVATE | (2 << 8)) : -42; break;
    case 'l': in.imm = 5; break;
    case 't': in.imm = 1; break;
    case 'f': { float x = 0.375f; memcpy(&in.imm, &x, 4); break; }
    }
    Insn back = isa_decode(isa_encode(in));
    CHECK(memcmp(&back, &in, sizeof in) == 0);
    char text[128], err[128];
    isa_format(text, sizeof text, in);
    Insn parsed;
    int rc = isa_parse(text, &parsed, err, sizeof err);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "  %s: %s\n", text, err);
    CHECK(rc || memcmp(&parsed, &in, sizeof in) == 0);
    CHECK(isa_check(in, 16, 10, 4) == NULL);
  }
  char text[128], err[128];
  Insn in = {OP_FMAC, 0, 1, 2, ISA_ASYNC | ISA_ACTIVATE | (3 << 8)};
  isa_format(text, sizeof text, in);
  CHECK_STR(text, "FMAC  d0, d1, d2, async, act t3");
  in = (Insn){OP_ADDI, 1, 1, 0, 1};
  isa_format(text, sizeof text, in);
  CHECK_STR(text, "ADDI  r1, r1, 1");
  in = (Insn){OP_TERM, 0, 0, 0, 0};
  isa_format(text, sizeof text, in);
  CHECK_STR(text, "TERM");
  /* parse errors */
  Insn p;
  CHECK(isa_parse("FOO r1", &p, err, sizeof err) == -1);
  CHECK_STR(err, "unknown mnemonic 'FOO'");
  CHECK(isa_parse("FMAC d0, r1, d2", &p, err, sizeof err) == -1);
  CHECK_STR(err, "FMAC expects a DSR (dN) as operand 2");
  CHECK(isa_parse("ADDI r1, r1, 1 junk", &p, err, sizeof err) == -1);
  /* field checks */
  CHECK_STR(isa_check((Insn){OP_MOVI, 16, 0, 0, 0}, 4, 4, 1), "operand a: register out of range");
  CHECK_STR(isa_check((Insn){OP_FADD, 0, 1, 9, 0}, 4, 4, 1), "operand c: DSR out of range");
  CHECK_STR(isa_check((Insn){OP_JMP, 0, 0, 0, 4}, 4, 4, 1), "imm: branch target outside the program");
  CHECK_STR(isa_check((Insn){OP_TERM, 1, 0, 0, 0}, 4, 4, 1), "operand a: must be 0 (unused)");
  CHECK_STR(isa_check((Insn){OP_FMOV, 0, 1, 0, ISA_ACTIVATE | (5 << 8)}, 4, 4, 2), "imm: activated task out of range");
  CHECK(isa_check((Insn){OP__COUNT, 0, 0, 0, 0}, 4, 4, 1) != NULL);
  /* DSR description */
  Dsr d = {DSR_MEM, WDT_F16, 0, 2, 0x400, {16, 32, 0, 0}, {32, 1, 0, 0}};
  dsr_format(text, sizeof text, &d);
  CHECK_STR(text, "mem f16 @0x0400 [16, 32] strides [32, 1]");
  CHECK(dsr_count(&d) == 512);
  /* four dims of 2^32 - 1 saturate instead of wrapping */
  Dsr big = {DSR_MEM, WDT_F32, 0, 4, 0, {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0, 0, 0, 0}};
  CHECK(dsr_count(&big) == UINT64_MAX);
  big.ndim = 2;
  CHECK(dsr_count(&big) == 0xfffffffe00000001ull);
  d.dtype = WDT_BF16;
  dsr_format(text, sizeof text, &d);
  CHECK_STR(text, "mem bf16 @0x0400 [16, 32] strides [32, 1]");
  /* bf16: nearest, ties to even; exact below 8 significant bits; overflow
   * to infinity; NaN stays NaN */
  CHECK(bf16_to_f32(f32_to_bf16(1.0f)) == 1.0f);
  CHECK(bf16_to_f32(f32_to_bf16(1.0f + 0x1p-8f)) == 1.0f);          /* tie: to even (down) */
  CHECK(bf16_to_f32(f32_to_bf16(1.0f + 3 * 0x1p-8f)) == 1.0f + 0x1p-6f); /* tie: to even (up) */
  CHECK(bf16_to_f32(f32_to_bf16(1.0f + 0x1p-8f + 0x1p-12f)) == 1.0f + 0x1p-7f);
  CHECK(bf16_to_f32(f32_to_bf16(3.4e38f)) == __builtin_inff());
  float nan = __builtin_nanf("");
  CHECK(bf16_to_f32(f32_to_bf16(nan)) != bf16_to_f32(f32_to_bf16(nan)));
  CHECK_DONE();
}
