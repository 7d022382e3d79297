/* backend/isa.c: encoder, decoder, formatter, parser and checker for the
 * instruction set. Everything here is driven by the ISA_OPS table. */
#include "backend/isa.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const OpInfo isa_ops[OP__COUNT] = {
#define X(n, f, c, d) {#n, f, ICLASS_##c, d},
    ISA_OPS(X)
#undef X
};

const char isa_port_names[PORT__COUNT] = {'R', 'N', 'E', 'S', 'W'};

float isa_alu(int op, float a, float b) {
  switch (op) {
  case OP_FMOV: return a;
  case OP_FADD: return isa_nan_first(a, a + b);
  case OP_FSUB: return isa_nan_first(a, a - b);
  case OP_FMUL: return isa_nan_first(a, a * b);
  case OP_FDIV: return isa_nan_first(a, a / b);
  case OP_FNEG: return -a;
  case OP_FRELU: return a > 0.0f ? a : (a != a ? a : 0.0f);
  case OP_FMAX: return (a != a || b != b) ? NAN : (a > b ? a : b);
  case OP_FMIN: return (a != a || b != b) ? NAN : (a < b ? a : b);
  case OP_FABS: return fabsf(a);
  case OP_FEXP: return expf(a);
  case OP_FLOG: return logf(a);
  case OP_FSQRT: return sqrtf(a);
  case OP_FRSQRT: {
    float r = sqrtf(a);
    return 1.0f / r;
  }
  case OP_FTANH: return tanhf(a);
  case OP_FSIGM: {
    float e = expf(-a);
    float d = 1.0f + e;
    return 1.0f / d;
  }
  case OP_FGELU: {
    float x3 = a * a;
    x3 = x3 * a;
    float inner = 0.044715f * x3;
    inner = a + inner;
    inner = 0.7978845608f * inner;
    float t = tanhf(inner);
    float h = 0.5f * a;
    float one = 1.0f + t;
    return h * one;
  }
  }
  return NAN;
}

uint64_t isa_encode(Insn in) {
  return (uint64_t)in.op | (uint64_t)in.a << 8 | (uint64_t)in.b << 16 | (uint64_t)in.c << 24 |
         (uint64_t)(uint32_t)in.imm << 32;
}

Insn isa_decode(uint64_t w) {
  Insn in = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24), (int32_t)(uint32_t)(w >> 32)};
  return in;
}

int isa_format(char *out, size_t n, Insn in) {
  if (in.op >= OP__COUNT) return snprintf(out, n, ".word 0x%016llx", (unsigned long long)isa_encode(in));
  const OpInfo *oi = &isa_ops[in.op];
  char buf[128];
  int o = snprintf(buf, sizeof buf, strlen(oi->name) < 6 ? "%-6s" : "%s ", oi->name);
  int nops = 0;
  uint8_t f[3] = {in.a, in.b, in.c};
  for (int k = 0; k < 4; k++) {
    char kind = oi->fmt[k];
    if (kind == '-') continue;
    if (k == 3 && isa_has_flags(in.op)) continue; /* flags below */
    o += snprintf(buf + o, sizeof buf - (size_t)o, "%s", nops++ ? ", " : "");
    switch (kind) {
    case 'r': o += snprintf(buf + o, sizeof buf - (size_t)o, "r%u", f[k]); break;
    case 'd': o += snprintf(buf + o, sizeof buf - (size_t)o, "d%u", f[k]); break;
    case 'i': o += snprintf(buf + o, sizeof buf - (size_t)o, "%d", in.imm); break;
    case 'l': o += snprintf(buf + o, sizeof buf - (size_t)o, "@%d", in.imm); break;
    case 't': o += snprintf(buf + o, sizeof buf - (size_t)o, "t%d", in.imm); break;
    case 'f': {
      float fl;
      uint32_t u = (uint32_t)in.imm;
      memcpy(&fl, &u, 4);
      o += snprintf(buf + o, sizeof buf - (size_t)o, "%.9g", fl);
      break;
    }
    }
  }
  if (isa_has_flags(in.op)) {
    if (in.imm & ISA_ASYNC) o += snprintf(buf + o, sizeof buf - (size_t)o, ", async");
    if (in.imm & ISA_ACTIVATE) o += snprintf(buf + o, sizeof buf - (size_t)o, ", act t%d", ISA_TASK(in.imm));
    if (in.imm & ISA_INIT) o += snprintf(buf + o, sizeof buf - (size_t)o, ", init");
  }
  while (o > 0 && buf[o - 1] == ' ') buf[--o] = 0;
  return snprintf(out, n, "%s", buf);
}

static const char *skip(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

static int read_num(const char **p, long long *v) {
  char *end;
  *v = strtoll(*p, &end, 10);
  if (end == *p) return -1;
  *p = end;
  return 0;
}

int isa_parse(const char *text, Insn *out, char *err, size_t errlen) {
  const char *p = skip(text);
  char name[16];
  int n = 0;
  while (isalnum((unsigned char)*p) && n < 15) name[n++] = *p++;
  name[n] = 0;
  int op;
  for (op = 0; op < OP__COUNT; op++)
    if (!strcmp(isa_ops[op].name, name)) break;
  if (op == OP__COUNT) {
    snprintf(err, errlen, "unknown mnemonic '%s'", name);
    return -1;
  }
  const OpInfo *oi = &isa_ops[op];
  Insn in = {(uint8_t)op, 0, 0, 0, 0};
  uint8_t *f[3] = {&in.a, &in.b, &in.c};
  int argno = 0;
  for (int k = 0; k < 4; k++) {
    char kind = oi->fmt[k];
    if (kind == '-' || (k == 3 && isa_has_flags(op))) continue;
    p = skip(p);
    if (argno++ && *p++ != ',') {
      snprintf(err, errlen, "%s: expected ',' before operand %d", name, argno);
      return -1;
    }
    p = skip(p);
    long long v;
    const char *want = kind == 'r' ? "a register (rN)" : kind == 'd' ? "a DSR (dN)" : kind == 'l' ? "a code address (@N)"
                       : kind == 't' ? "a task (tN)" : "a number";
    if (kind == 'r' || kind == 'd' || kind == 'l' || kind == 't') {
      char pre = kind == 'l' ? '@' : kind;
      if (*p != pre) {
        snprintf(err, errlen, "%s expects %s as operand %d", name, want, argno);
        return -1;
      }
      p++;
    }
    if (kind == 'f') {
      char *end;
      float fl = strtof(p, &end);
      if (end == p) {
        snprintf(err, errlen, "%s expects a number as operand %d", name, argno);
        return -1;
      }
      p = end;
      uint32_t u;
      memcpy(&u, &fl, 4);
      in.imm = (int32_t)u;
      continue;
    }
    if (read_num(&p, &v) != 0) {
      snprintf(err, errlen, "%s expects %s as operand %d", name, want, argno);
      return -1;
    }
    if (k < 3) {
      if (v < 0 || v > 255) {
        snprintf(err, errlen, "%s: operand %d out of range", name, argno);
        return -1;
      }
      *f[k] = (uint8_t)v;
    } else {
      in.imm = (int32_t)v;
    }
  }
  if (isa_has_flags(op)) {
    for (;;) {
      p = skip(p);
      if (*p != ',') break;
      p = skip(p + 1);
      if (!strncmp(p, "async", 5)) {
        in.imm |= ISA_ASYNC;
        p += 5;
      } else if (!strncmp(p, "init", 4) && in.op == OP_WAXPY) {
        in.imm |= ISA_INIT;
        p += 4;
      } else if (!strncmp(p, "act", 3)) {
        p = skip(p + 3);
        long long t;
        if (*p != 't' || (p++, read_num(&p, &t)) != 0 || t < 0 || t > 255) {
          snprintf(err, errlen, "%s: expected 'act tN'", name);
          return -1;
        }
        in.imm |= ISA_ACTIVATE | (int32_t)(t << 8);
      } else {
        snprintf(err, errlen, "%s: unknown flag '%s' (expected async or act tN)", name, p);
        return -1;
      }
    }
  }
  p = skip(p);
  if (*p && *p != '\n' && *p != ';') {
    snprintf(err, errlen, "%s: unexpected '%s' after the operands", name, p);
    return -1;
  }
  *out = in;
  return 0;
}

const char *isa_check(Insn in, int ndsr, int ninsn, int ntask) {
  if (in.op >= OP__COUNT) return "opcode: not an instruction";
  const OpInfo *oi = &isa_ops[in.op];
  uint8_t f[3] = {in.a, in.b, in.c};
  static const char *const unused[3] = {"operand a: must be 0 (unused)", "operand b: must be 0 (unused)",
                                        "operand c: must be 0 (unused)"};
  static const char *const reg[3] = {"operand a: register out of range", "operand b: register out of range",
                                     "operand c: register out of range"};
  static const char *const dsr[3] = {"operand a: DSR out of range", "operand b: DSR out of range",
                                     "operand c: DSR out of range"};
  for (int k = 0; k < 3; k++) {
    char kind = oi->fmt[k];
    if (kind == '-' && f[k]) return unused[k];
    if (kind == 'r' && f[k] >= 16) return reg[k];
    if (kind == 'd' && f[k] >= ndsr) return dsr[k];
  }
  switch (oi->fmt[3]) {
  case '-':
    if (in.imm) return "imm: must be 0 (unused)";
    break;
  case 'l':
    if (in.imm < 0 || in.imm >= ninsn) return "imm: branch target outside the program";
    break;
  case 't':
    if (in.imm < 0 || in.imm >= ntask) return "imm: task out of range";
    break;
  case 'i':
    if (isa_has_flags(in.op)) {
      if (in.imm & ~(ISA_ASYNC | ISA_ACTIVATE | (in.op == OP_WAXPY ? ISA_INIT : 0) | 0xff00)) return "imm: unknown tensor flag bits";
      if ((in.imm & ISA_ACTIVATE) && ISA_TASK(in.imm) >= ntask) return "imm: activated task out of range";
      if (!(in.imm & ISA_ACTIVATE) && (in.imm & 0xff00)) return "imm: task id without the ACTIVATE flag";
    }
    break;
  }
  return NULL;
}

uint64_t dsr_count(const Dsr *d) {
  if (d->kind == DSR_FABIN || d->kind == DSR_FABOUT) return d->dim[0];
  uint64_t n = 1; /* saturating: four dims of 2^32 do not fit in 64 bits */
  for (int k = 0; k < d->ndim && k < 4; k++)
    if (__builtin_mul_overflow(n, (uint64_t)d->dim[k], &n)) return UINT64_MAX;
  return n;
}

/* Every step is checked: dims are < 2^32 and strides >= -2^31, so one span
 * (dim-1)*stride fits in int64 but the sum of four, or its product with the
 * element size, may not; a DSR whose range overflows is outside any SRAM. */
int dsr_extent(const Dsr *d, int64_t *lo, int64_t *hi) {
  int64_t mn = 0, mx = 0, es = wdt_size(d->dtype);
  for (int k = 0; k < d->ndim && k < 4; k++) {
    if (d->dim[k] == 0) return -1;
    int64_t span = (int64_t)(d->dim[k] - 1) * d->stride[k];
    if (__builtin_add_overflow(span < 0 ? mn : mx, span, span < 0 ? &mn : &mx)) return -2;
  }
  int64_t a, b;
  if (__builtin_mul_overflow(mn, es, &a) || __builtin_add_overflow(a, (int64_t)d->addr, &a)) return -2;
  if (__builtin_add_overflow(mx, 1, &b) || __builtin_mul_overflow(b, es, &b) || __builtin_add_overflow(b, (int64_t)d->addr, &b))
    return -2;
  *lo = a;
  *hi = b;
  return 0;
}

int dsr_format(char *out, size_t n, const Dsr *d) {
  const char *dt = d->dtype == WDT_F16 ? "f16" : d->dtype == WDT_BF16 ? "bf16" : "f32";
  if (d->kind == DSR_FABIN || d->kind == DSR_FABOUT)
    return snprintf(out, n, "%s %s color %u len %u", d->kind == DSR_FABIN ? "fabin" : "fabout", dt, d->color, d->dim[0]);
  if (d->kind != DSR_MEM) return snprintf(out, n, "none");
  char dims[64] = "", st[64] = "";
  int a = 0, b = 0;
  for (int k = 0; k < d->ndim && k < 4; k++) {
    a += snprintf(dims + a, sizeof dims - (size_t)a, "%s%u", k ? ", " : "", d->dim[k]);
    b += snprintf(st + b, sizeof st - (size_t)b, "%s%d", k ? ", " : "", d->stride[k]);
  }
  return snprintf(out, n, "mem %s @0x%04x [%s] strides [%s]", dt, d->addr, dims, st);
}
