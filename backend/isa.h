/* backend/isa.h: the wsecc core instruction set.
 *
 * ONE opcode table (ISA_OPS below, an X-macro) is the single source of truth
 * for the encoder, the disassembler/assembler (backend/isa.c) and the
 * simulator's interpreter (runtime/). docs/isa.md documents the same table.
 *
 * Encoding: every instruction is one 64-bit little-endian word
 *     bits  0..7   opcode
 *     bits  8..15  a    (register r0-r15, DSR d0-d43, or unused)
 *     bits 16..23  b
 *     bits 24..31  c
 *     bits 32..63  imm  (signed 32-bit)
 * Code lives in the core's SRAM from address 0; the pc counts instructions
 * (byte address = 8 * pc).
 *
 * Operand formats (the FMT column):
 *   '-' unused (must encode as 0)
 *   'r' general-purpose register r0..r15 (32-bit)
 *   'd' data structure register d0..d(ndsr-1)
 *   'i' the signed immediate
 *   'l' the immediate is a code address (pc), printed as a label
 *   't' the immediate is a task id, printed as t<N>
 *   'f' the immediate holds an f32 bit pattern, printed as a float
 * FMT has 4 characters: for fields a, b, c, imm.
 *
 * Tensor instructions (CLASS T) walk the tensors described by their DSR
 * operands element by element, in lock step, for as many elements as the
 * destination DSR holds (all operands must hold that many). Bit 0 of imm is
 * the ASYNC flag for tensor instructions whose imm format is 'i' (every one
 * but FFILL, see isa_has_flags): an async instruction runs on a microthread
 * (at most target.microthreads at once) and the issuing task goes on; when it
 * finishes, the task named by imm bits 8..15 is activated if bit 1 (ACTIVATE)
 * is set. FFILL's imm is its f32 value ('f'), so FFILL has no flags: it is
 * always synchronous and activates nothing, whatever bits the value has.
 */
#ifndef WSEC_ISA_H
#define WSEC_ISA_H
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

/*  X(NAME,   FMT,    CLASS, doc)
 *  CLASS: S scalar (1 cycle), B branch/control (1 cycle), T tensor. */
#define ISA_OPS(X) \
  X(NOP,   "----", S, "do nothing") \
  X(TERM,  "----", B, "end the running task; the scheduler picks the next activated task") \
  X(MOVI,  "r--i", S, "ra = imm") \
  X(MOV,   "rr--", S, "ra = rb") \
  X(ADD,   "rrr-", S, "ra = rb + rc (wrapping 32-bit)") \
  X(SUB,   "rrr-", S, "ra = rb - rc") \
  X(MUL,   "rrr-", S, "ra = rb * rc (low 32 bits)") \
  X(AND,   "rrr-", S, "ra = rb & rc") \
  X(OR,    "rrr-", S, "ra = rb | rc") \
  X(XOR,   "rrr-", S, "ra = rb ^ rc") \
  X(SHL,   "rrr-", S, "ra = rb << (rc & 31)") \
  X(SHR,   "rrr-", S, "ra = rb >> (rc & 31) (logical)") \
  X(ADDI,  "rr-i", S, "ra = rb + imm") \
  X(SLT,   "rrr-", S, "ra = (int32)rb < (int32)rc ? 1 : 0") \
  X(SEQ,   "rrr-", S, "ra = rb == rc ? 1 : 0") \
  X(LD,    "rr-i", S, "ra = 32-bit word at SRAM byte address rb + imm (4-aligned)") \
  X(ST,    "rr-i", S, "32-bit word at SRAM byte address rb + imm = ra") \
  X(JMP,   "---l", B, "pc = imm") \
  X(BEQZ,  "r--l", B, "if ra == 0: pc = imm") \
  X(BNEZ,  "r--l", B, "if ra != 0: pc = imm") \
  X(ACT,   "---t", B, "activate task imm (it runs when the core is free)") \
  X(DINC,  "d--i", S, "DSR da: base address += imm elements") \
  X(FMOV,  "dd-i", T, "da[i] = db[i] (converting between the DSRs' dtypes)") \
  X(FADD,  "dddi", T, "da[i] = db[i] + dc[i]") \
  X(FSUB,  "dddi", T, "da[i] = db[i] - dc[i]") \
  X(FMUL,  "dddi", T, "da[i] = db[i] * dc[i]") \
  X(FNEG,  "dd-i", T, "da[i] = -db[i]") \
  X(FRELU, "dd-i", T, "da[i] = db[i] > 0 ? db[i] : +0 (NaN stays NaN)") \
  X(FMAC,  "dddi", T, "da[i] = da[i] + db[i] * dc[i] (da is read and written)") \
  X(FFILL, "d--f", T, "da[i] = f32 immediate") \
  X(FDIV,  "dddi", T, "da[i] = db[i] / dc[i]") \
  X(FMAX,  "dddi", T, "da[i] = max(db[i], dc[i]) (NaN if either is NaN)") \
  X(FMIN,  "dddi", T, "da[i] = min(db[i], dc[i]) (NaN if either is NaN)") \
  X(FABS,  "dd-i", T, "da[i] = |db[i]|") \
  X(FEXP,  "dd-i", T, "da[i] = exp(db[i]) (binary32 expf)") \
  X(FLOG,  "dd-i", T, "da[i] = log(db[i]) (binary32 logf)") \
  X(FSQRT, "dd-i", T, "da[i] = sqrt(db[i]) (correctly rounded)") \
  X(FRSQRT,"dd-i", T, "da[i] = 1 / sqrt(db[i]) (sqrt rounded, then the division rounded)") \
  X(FTANH, "dd-i", T, "da[i] = tanh(db[i]) (binary32 tanhf)") \
  X(FSIGM, "dd-i", T, "da[i] = 1 / (1 + exp(-db[i])) (each step rounded to f32)") \
  X(FGELU, "dd-i", T, "da[i] = GELU, tanh form: 0.5 x (1 + tanh(0.7978845608 (x + 0.044715 x^3)))") \
  X(WAXPY, "dddi", T, "weight stream: for each data wavelet (w, k) popped from fabin db: da[i] += w * dc[k, i]; ends after popping a command wavelet; flag init: da starts at 0") \
  X(WAIT,  "----", B, "wait until no microthread of this core is busy")

typedef enum {
#define X(n, f, c, d) OP_##n,
  ISA_OPS(X)
#undef X
  OP__COUNT
} Opcode;

typedef enum { ICLASS_S, ICLASS_B, ICLASS_T } InsnClass;

typedef struct OpInfo {
  const char *name;
  const char *fmt;   /* 4 chars, see above */
  InsnClass cls;
  const char *doc;
} OpInfo;
extern const OpInfo isa_ops[OP__COUNT];

#define ISA_ASYNC     0x1   /* imm flag bits for tensor instructions */
#define ISA_ACTIVATE  0x2
#define ISA_INIT      0x4   /* WAXPY only: the first weight's products replace da (0 + w*x) */
#define ISA_TASK(imm) (((imm) >> 8) & 0xff)
/* True if imm of this opcode holds the ASYNC/ACTIVATE flags: a tensor
 * instruction whose imm format is 'i'. The encoder, the checker, the
 * formatter and the simulator all decide it here, from the table. */
static inline int isa_has_flags(int op) {
  return op >= 0 && op < OP__COUNT && isa_ops[op].cls == ICLASS_T && isa_ops[op].fmt[3] == 'i';
}

typedef struct Insn {
  uint8_t op, a, b, c;
  int32_t imm;
} Insn;

/* The arithmetic of the elementwise tensor instructions (FADD ... FGELU,
 * FNEG, FRELU, FMOV): computed in binary32, one rounding per step as
 * documented in the table. The simulator and the reference evaluator both
 * call this, so the host reference and the machine agree bit for bit. */
float isa_alu(int op, float a, float b);
/* r = a OP b (or d + p, FMAC's sum) as the machine gives it: when both
 * operands are NaN the result is a's NaN, quieted, whichever order the C
 * compiler put the operands in (x86 returns the first operand's NaN; with
 * one NaN operand every order gives that one, quieted). isa_alu, the
 * simulator's loops and its JIT (runtime/jit.c) all follow this rule. */
static inline float isa_nan_first(float a, float r) {
  if (r != r && a != a) {
    union { float f; uint32_t u; } x = {a};
    x.u |= 0x400000u;
    return x.f;
  }
  return r;
}

uint64_t isa_encode(Insn in);
Insn isa_decode(uint64_t w);
/* "FMAC  d0, d1, d2, async>t3"-style text; returns chars written (snprintf-like). */
int isa_format(char *out, size_t n, Insn in);
/* Parse one instruction in the isa_format syntax. Returns 0 on success or -1
 * with a message in err. Labels: 'l' operands are plain pc numbers or "@N". */
int isa_parse(const char *text, Insn *out, char *err, size_t errlen);
/* Check the fields of an instruction against its format: unused fields zero,
 * registers < 16, DSRs < ndsr, branch targets < ninsn, tasks < ntask.
 * Returns NULL if valid, else a static string naming the bad field. */
const char *isa_check(Insn in, int ndsr, int ninsn, int ntask);

/* ---- Data Structure Registers ---- */
typedef enum { DSR_NONE = 0, DSR_MEM = 1, DSR_FABIN = 2, DSR_FABOUT = 3 } DsrKind;
typedef enum { WDT_F32 = 0, WDT_F16 = 1, WDT_BF16 = 2 } WDtype;
/* Bytes of one element of a WDtype. */
static inline int wdt_size(int dt) { return dt == WDT_F32 ? 4 : 2; }
/* A DSR descriptor, as held in the image and in the core. Memory DSRs walk
 * dims[0..ndim) in C order (last dim fastest); element address =
 * addr + esize * (sum_k idx_k * stride_k); strides are in elements and may be
 * 0 (broadcast) or negative. Fabric DSRs (FABIN/FABOUT) carry dims[0] =
 * length in wavelets and the color; one element per wavelet. */
typedef struct Dsr {
  uint8_t kind, dtype, color, ndim;
  uint32_t addr;          /* byte address in SRAM */
  uint32_t dim[4];
  int32_t stride[4];
} Dsr;
uint64_t dsr_count(const Dsr *d);           /* elements walked */
/* Byte range [lo, hi) a memory DSR touches (from addr, dims, strides and the
 * element size), computed without overflow. Returns 0, or -1 if a dimension
 * is 0, or -2 if the range does not fit in int64 (it cannot be in SRAM). */
int dsr_extent(const Dsr *d, int64_t *lo, int64_t *hi);
int dsr_format(char *out, size_t n, const Dsr *d);

/* Router ports. Coordinates: x grows east, y grows south. */
enum { PORT_R = 0, PORT_N = 1, PORT_E = 2, PORT_S = 3, PORT_W = 4, PORT__COUNT = 5 };
extern const char isa_port_names[PORT__COUNT]; /* "RNESW" */

#endif
