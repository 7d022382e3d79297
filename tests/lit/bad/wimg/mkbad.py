#!/usr/bin/env python3
"""tests/lit/bad/wimg/mkbad.py: make a crafted .wimg from a valid one.

    mkbad.py IN.wimg OUT.wimg EDIT...     patch fields, recompute the checksum
    mkbad.py IN.wimg --dump               list every field: offset, size, path, value

The script parses the layout of docs/wimg.md (version 1) and records where
every field is, so a test names the field it breaks, not a byte offset, and
keeps working when the compiler's output changes. EDIT is PATH=VALUE:

  PATH   a field path as in wsesim's messages: header.version, target.colors,
         prog[0].insn[3], core[2].dsr[1].ndim, io[0].piece[0].lo[1], ...
         An instruction also has the parts .op .a .b .c .imm.
         An index may be a selector instead of a number (resolved on the
         valid input, before any edit):
           core[@prog]   the first core with a program
           core[@router] the first core without one (a router only)
           core[@fabout] / core[@fabin] / core[@data] the first core with a
                         program and a DSR of that kind / a data task
           dsr[@mem] dsr[@fabin] dsr[@fabout]   that core's first DSR of the kind
           task[@main] task[@data]              that core's first task of the kind
           prog[@]       the program of the core selected in the same path, or
                         of core[@prog] (e.g. prog[@].insn[@main])
           insn[@main] insn[@main+1]  the main task's pc (+1) in that program
           insn[@last]   the last instruction; insn[@OPNAME] the first OPNAME
           io[@in] io[@out]  the first input / output
  VALUE  a number (0x.., negative allowed: stored two's complement), or
         insn:OP,a,b,c,imm (OP a mnemonic of backend/isa.h), or
         f32:1.5 (the bit pattern), or =PATH (the current value of a field),
         or PATH+N / PATH-N (relative to a field's value).
  --no-checksum  leave header.checksum as it was (to test the checksum itself)
  --at=PATH      also print where PATH is (for a message about another field)
It prints "edit 0xOFFSET PATH" for every edit and "at 0xOFFSET PATH" for
every --at, so a test can check the offset in wsesim's message against this
independent parse of the layout.
Opcode numbers come from backend/isa.h's ISA_OPS table (its order).
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ISA_H = os.path.join(HERE, "..", "..", "..", "..", "backend", "isa.h")


def opcodes():
    names = re.findall(r"^\s*X\((\w+),", open(ISA_H).read(), re.M)
    return {n: i for i, n in enumerate(names)}


OPS = opcodes()
OPNAMES = {i: n for n, i in OPS.items()}


def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h


class Image:
    """Fields: path -> (offset, size). Also the parsed structure for selectors."""

    def __init__(self, data):
        self.b = data
        self.f = {}
        self.order = []
        self.pos = 0
        self.parse()

    def take(self, path, size, signed=False):
        v = int.from_bytes(self.b[self.pos:self.pos + size], "little", signed=signed)
        self.f[path] = (self.pos, size)
        self.order.append(path)
        self.pos += size
        return v

    def parse(self):
        t = self.take
        self.f["header.magic"] = (0, 8)
        self.pos = 8
        t("header.version", 4)
        t("header.header_size", 4)
        t("header.file_size", 8)
        t("header.checksum", 8)
        for i in range(32):
            t("header.reserved[%d]" % i, 1)
        self.f["target.name"] = (self.pos, 32)
        self.pos += 32
        self.tgt = {}
        for n in ["grid_w", "grid_h", "sram_bytes", "colors", "dsrs", "microthreads", "simd_f32", "simd_f16",
                  "queue_depth", "clock_mhz"]:
            self.tgt[n] = t("target." + n, 4)
        for n in "xywh":
            t("region." + n, 4)
        nprog, ntab, ncore, nio = t("nprog", 4), t("ndsrtab", 4), t("ncore", 4), t("nio", 4)
        t("ndata", 8)
        self.progs = []
        for p in range(nprog):
            n = t("prog[%d].ninsn" % p, 4)
            ins = []
            for i in range(n):
                base = "prog[%d].insn[%d]" % (p, i)
                at = self.pos
                w = t(base, 8)
                self.f[base + ".op"] = (at, 1)
                self.f[base + ".a"] = (at + 1, 1)
                self.f[base + ".b"] = (at + 2, 1)
                self.f[base + ".c"] = (at + 3, 1)
                self.f[base + ".imm"] = (at + 4, 4)
                ins.append(w & 0xff)
            self.progs.append(ins)
        self.tabs = []  # per DSR table: the kinds of its DSRs
        for tb in range(ntab):
            base = "dsrtab[%d]" % tb
            kinds = []
            for i in range(t(base + ".ndsr", 4)):
                d = "%s.dsr[%d]" % (base, i)
                kinds.append(t(d + ".kind", 1))
                t(d + ".dtype", 1)
                t(d + ".color", 1)
                t(d + ".ndim", 1)
                t(d + ".addr", 4)
                for j in range(4):
                    t(d + ".dim[%d]" % j, 4)
                for j in range(4):
                    t(d + ".stride[%d]" % j, 4)
            self.tabs.append(kinds)
        self.cores = []
        for c in range(ncore):
            base = "core[%d]" % c
            k = {"x": t(base + ".x", 2), "y": t(base + ".y", 2), "prog": t(base + ".prog", 4)}
            k["dsrtab"] = t(base + ".dsrtab", 4)
            nt, nr, ni = (t(base + "." + n, 4) for n in ["ntask", "nroute", "ninit"])
            k["dsr"] = self.tabs[k["dsrtab"]] if k["dsrtab"] < ntab else []
            k["task"] = []
            for i in range(nt):
                d = "%s.task[%d]" % (base, i)
                kind = t(d + ".kind", 1)
                t(d + ".color", 1)
                t(d + ".pad", 2)
                pc = t(d + ".pc", 4)
                k["task"].append((kind, pc))
            for i in range(nr):
                d = "%s.route[%d]" % (base, i)
                for n in ["color", "in_port", "out_mask", "pad"]:
                    t(d + "." + n, 1)
            for i in range(ni):
                d = "%s.init[%d]" % (base, i)
                t(d + ".addr", 4)
                t(d + ".len", 4)
                t(d + ".off", 8)
            self.cores.append(k)
        self.io = []
        for i in range(nio):
            base = "io[%d]" % i
            n = t(base + ".name_len", 4)
            self.f[base + ".name"] = (self.pos, n)
            for j in range(n):
                self.f[base + ".name[%d]" % j] = (self.pos + j, 1)
            self.pos += n
            d = t(base + ".dir", 1)
            t(base + ".dtype", 1)
            nd = max(4, t(base + ".rank", 1))  # docs/wimg.md: max(rank, 4) dims
            t(base + ".pad", 1)
            for j in range(nd):
                t(base + ".dim[%d]" % j, 4)
            npc = t(base + ".npiece", 4)
            for p in range(npc):
                pb = "%s.piece[%d]" % (base, p)
                t(pb + ".x", 2)
                t(pb + ".y", 2)
                t(pb + ".addr", 4)
                for j in range(nd):
                    t(pb + ".lo[%d]" % j, 4)
                for j in range(nd):
                    t(pb + ".n[%d]" % j, 4)
            self.io.append((d, npc))
        self.f["data"] = (self.pos, len(self.b) - self.pos)

    def table_path(self, path):
        """A core's DSRs are its table's (docs/wimg.md): core[c].dsr[i].f is
        dsrtab[T].dsr[i].f and core[c].ndsr is dsrtab[T].ndsr."""
        m = re.match(r"core\[(\d+)\]\.(dsr\[.*|ndsr)$", path)
        if not m or int(m.group(1)) >= len(self.cores):
            return path
        tb = self.cores[int(m.group(1))]["dsrtab"]
        return "dsrtab[%d].%s" % (tb, m.group(2)) if tb < len(self.tabs) else path

    def get(self, path):
        path = self.table_path(path)
        if path not in self.f:
            sys.exit("mkbad.py: no field '%s' in the image (try --dump)" % path)
        off, size = self.f[path]
        return int.from_bytes(self.b[off:off + size], "little")

    # ---- selectors ----
    def resolve(self, path):
        out, core, prog = [], None, None
        for part in re.findall(r"[^.\[\]]+(?:\[[^\]]*\])?", path):
            m = re.match(r"(\w+)\[([^\]]*)\]$", part)
            if not m or not m.group(2).startswith("@"):
                out.append(part)
                if m and m.group(1) == "core":
                    core = int(m.group(2))
                if m and m.group(1) == "prog":
                    prog = int(m.group(2))
                continue
            name, sel = m.group(1), m.group(2)[1:]
            idx = self.select(name, sel, core, prog)
            if idx is None:
                sys.exit("mkbad.py: selector %s[@%s] matches nothing in this image" % (name, sel))
            if name == "core":
                core = idx
            if name == "prog":
                prog = idx
            out.append("%s[%d]" % (name, idx))
        return self.table_path(".".join(out))

    def select(self, name, sel, core, prog):
        DK = {"mem": 1, "fabin": 2, "fabout": 3}
        TK = {"main": 0, "data": 1, "local": 2}
        if name == "core":
            for i, k in enumerate(self.cores):
                has = k["prog"] != 0xffffffff
                if sel == "prog" and has or sel == "router" and not has:
                    return i
                if has and sel in DK and DK[sel] in k["dsr"]:
                    return i
                if has and sel in TK and any(t[0] == TK[sel] for t in k["task"]):
                    return i
            return None
        if name == "prog":
            c = core if core is not None else self.select("core", "prog", None, None)
            return self.cores[c]["prog"]
        if name == "dsr":
            return next((i for i, d in enumerate(self.cores[core]["dsr"]) if d == DK[sel]), None)
        if name == "task":
            return next((i for i, t in enumerate(self.cores[core]["task"]) if t[0] == TK[sel]), None)
        if name == "insn":
            ins = self.progs[prog]
            m = re.match(r"(\w+)([+-]\d+)?$", sel)
            base, plus = m.group(1), int(m.group(2) or 0)
            if base == "last":
                return len(ins) - 1 + plus
            if base == "main":
                c = core if core is not None else next(i for i, k in enumerate(self.cores) if k["prog"] == prog)
                return next(t[1] for t in self.cores[c]["task"] if t[0] == 0) + plus
            op = OPS[base.upper()]
            i = next((i for i, o in enumerate(ins) if o == op), None)
            return None if i is None else i + plus
        if name == "io":
            return next((i for i, x in enumerate(self.io) if x[0] == (sel == "out")), None)
        return None


def value(img, v, size):
    if v.startswith("insn:"):
        op, a, b, c, imm = v[5:].split(",")
        return (OPS[op.strip().upper()] | int(a, 0) << 8 | int(b, 0) << 16 | int(c, 0) << 24 |
                (int(imm, 0) & 0xffffffff) << 32)
    if v.startswith("f32:"):
        return struct.unpack("<I", struct.pack("<f", float(v[4:])))[0]
    m = re.match(r"^(=?)([a-z][\w.\[\]@+-]*?)([+-]\d+)?$", v)
    if m and not re.match(r"^-?(0x)?[0-9a-f]+$", v):
        return img.get(img.resolve(m.group(2))) + int(m.group(3) or 0)
    x = int(v, 0)
    return x & ((1 << (8 * size)) - 1)


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[1] == "--dump":
        img = Image(open(a[0], "rb").read())
        for p in img.order:
            off, size = img.f[p]
            print("0x%06x %d %s = %d" % (off, size, p, img.get(p)))
        return
    if len(a) < 3:
        sys.exit(__doc__)
    data = open(a[0], "rb").read()
    img = Image(data)
    out = bytearray(data)
    fix_sum = True
    edits = []
    for e in a[2:]:
        if e == "--no-checksum":
            fix_sum = False
            continue
        if e.startswith("--at="):
            path = img.resolve(e[5:])
            if path not in img.f:
                sys.exit("mkbad.py: no field '%s' in the image (try --dump)" % path)
            print("at 0x%x %s" % (img.f[path][0], path))
            continue
        if "=" not in e:
            sys.exit("mkbad.py: an edit is PATH=VALUE, got '%s'" % e)
        path, v = e.split("=", 1)
        path = img.resolve(path)
        if path not in img.f:
            sys.exit("mkbad.py: no field '%s' in the image (try --dump)" % path)
        off, size = img.f[path]
        edits.append((off, size, value(img, v, size)))
        print("edit 0x%x %s" % (off, path))
    for off, size, x in edits:
        x &= (1 << (8 * size)) - 1
        out[off:off + size] = x.to_bytes(size, "little")
    if fix_sum:
        out[24:32] = fnv1a64(out[32:]).to_bytes(8, "little")
    open(a[1], "wb").write(out)


if __name__ == "__main__":
    main()
