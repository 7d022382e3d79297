#!/usr/bin/env python3
"""Writes the malformed-.wir cases of tests/lit/bad/wir/ (one .wir file per
case, its own lit test).

Each case is a real dump (Inputs/s.wdl, t.wdl or u.wdl compiled with
--dump-dir, the stage named by the case) with one hand edit; the RUN lines
check the exact first error line, the source line and the caret, exit 1
(`not`), and that no image is left. The CHECK lines are taken from what
WSECC prints: review the diff of the generated files before committing.

    make_cases.py BUILD/wsecc          (run from the source root)
"""
import os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# name, model, dump file, [(old, new, occurrence)]  (occurrence: 1 = first, 0 = all)
CASES = [
    # -- numbers and tokens, checked as they are read
    ("dim-zero", "s", "04-place", [('"x" : f32[1, 2]', '"x" : f32[0, 2]', 1)]),
    ("dim-overflow", "s", "04-place", [('"x" : f32[1, 2]', '"x" : f32[1, 99999999999999999999]', 1)]),
    ("too-many-elements", "s", "01-infer", [('"x" : f32[1, 2]', '"x" : f32[1000000000, 1000000000, 2]', 1)]),
    ("rank-7", "s", "01-infer", [('"x" : f32[1, 2]', '"x" : f32[1, 1, 1, 1, 1, 1, 2]', 1)]),
    ("string-hex-at-end", "s", "04-place", [('input "x"', 'input "x\\x"', 1)]),
    ("string-bad-escape", "s", "04-place", [('input "x"', 'input "x\\q"', 1)]),
    ("string-nul", "s", "04-place", [('input "x"', 'input "x\\x00"', 1)]),
    ("string-unterminated", "s", "04-place", [('loc("s.wdl":4:10-11)', 'loc("s.wdl:4:10-11)', 1)]),
    ("unknown-value", "s", "04-place", [("add %x, %b", "add %x, %bb", 1)]),
    ("redefinition", "s", "01-infer", [("%3 = relu", "%2 = relu", 1)]),
    ("unknown-stage", "s", "01-infer", [("stage infer {", "stage lowered {", 1)]),
    ("grid-half-zero", "s", "01-infer", [("grid 0x0", "grid 0x4", 1)]),
    ("place-too-early", "s", "01-infer", [("%3 = relu %2 : f32[1, 2]", "%3 = relu %2 : f32[1, 2] place [0,2 2x1] tile [1, 1]", 1)]),
    ("net-too-early", "s", "05-route", [("stage route {", "stage place {", 1)]),
    ("core-too-early", "s", "06-lower", [("stage lower {", "stage route {", 1)]),
    ("axis-range", "t", "04-place", [("sum %h axis 1", "sum %h axis 9", 1)]),
    ("box-overflow", "s", "05-route", [("box [0:1, 0:1]", "box [0:1, 0:99999999999999999999]", 1)]),
    ("box-empty", "s", "05-route", [("box [0:1, 0:1]", "box [1:1, 0:1]", 1)]),
    ("coord-huge", "s", "05-route", [("from (0,0)", "from (0,99999999)", 1)]),
    ("color-huge", "s", "05-route", [("color 0", "color 300", 1)]),
    ("address-before-alloc", "s", "06-lower", [("f32 1 @?", "f32 1 @0x0010", 1)]),
    ("no-address-at-alloc", "s", "07-alloc", [("f32 1 @0x0010", "f32 1 @?", 1)]),
    ("loc-column", "s", "04-place", [('"s.wdl":4:14-25', '"s.wdl":4:9999999-3', 1)]),
    ("param-no-init", "s", "01-infer", [(" = full(0.5)", "", 1)]),
    ("input-no-type", "s", "01-infer", [('"x" : f32[1, 2]', '"x"', 1)]),
    ("bad-port", "s", "05-route", [("(0,1) N>R", "(0,1) N>Q", 1)]),
    ("dsr-kind-none", "s", "06-lower", [("dsr 1 fabout", "dsr 1 none", 1)]),
    ("bad-instruction", "s", "06-lower", [("FRELU d2, d3", "FRELU d2 d3", 1)]),
    ("buffer-numbering", "s", "06-lower", [("buf 1 param", "buf 2 param", 1)]),
    ("output-as-op", "s", "01-infer", [('output "y" = %3', '%y = output %3', 1)]),
    ("operand-number", "s", "05-route", [("to {(0,1) %2.0}", "to {(0,1) %2.1}", 1)]),
    ("net-numbering", "s", "05-route", [("net 1 operand", "net 2 operand", 1)]),
    ("output-name-empty", "s", "01-infer", [('output "y"', 'output ""', 1)]),
    ("output-named-like-input", "s", "04-place", [('output "y"', 'output "x"', 1)]),
    ("output-name-space", "s", "01-infer", [('output "y"', 'output "y z"', 1)]),
    ("cast-type", "s", "01-infer", [("relu %2 : f32[1, 2]", "cast %2 to f16 : f32[1, 2]", 1)]),
    # -- types: each op typed again by the infer rules
    ("value-too-large", "s", "01-infer", [("stage infer", "stage parsed", 1), ('"x" : f32[1, 2]', '"x" : f32[1000000000, 1]', 1),
                                           ('"b" : f32[2]', '"b" : f32[1000000000]', 1), ("add %x, %b : f32[1, 2]", "add %x, %b", 1),
                                           ("relu %2 : f32[1, 2]", "relu %2", 1), ('output "y" = %3 : f32[1, 2]', 'output "y" = %3', 1)]),
    ("perm-short", "u", "04-place", [("perm [1, 0, 2]", "perm [1, 0]", 1)]),
    ("perm-not-permutation", "u", "04-place", [("perm [1, 0, 2]", "perm [1, 1, 2]", 1)]),
    ("reshape-count", "u", "04-place", [("reshape %x : f32[2, 3, 4]", "reshape %x : f32[2, 3, 5]", 1)]),
    ("view-placed", "u", "04-place", [("perm [1, 0, 2] : f32[3, 2, 4]", "perm [1, 0, 2] : f32[3, 2, 4] place [9,0 1x1] tile [3, 2, 4]", 1)]),
    ("reshape-wide", "u", "04-place", [("place [4,0 1x2] tile [1, 3, 4]", "place [4,0 2x2] tile [1, 3, 4]", 1)]),
    ("type-shape", "s", "04-place", [("add %x, %b : f32[1, 2]", "add %x, %b : f32[1, 3]", 1)]),
    ("type-dtype", "s", "01-infer", [("relu %2 : f32[1, 2]", "relu %2 : f16[1, 2]", 1)]),
    ("operand-dtypes", "s", "01-infer", [('"b" : f32[2]', '"b" : f16[2]', 1)]),
    ("matmul-inner", "t", "01-infer", [('"w" : f32[8, 4]', '"w" : f32[6, 4]', 1)]),
    ("output-twice", "s", "01-infer", [('output "y" = %3 : f32[1, 2] loc("s.wdl":4:10-11)',
                                        'output "y" = %3 : f32[1, 2] loc("s.wdl":4:10-11)\n  output "y" = %2 : f32[1, 2]', 1)]),
    ("output-param", "s", "01-infer", [('output "y" = %3 : f32[1, 2]', 'output "y" = %b : f32[2]', 1)]),
    ("order", "s", "01-infer", [('  %x = input "x" : f32[1, 2] loc("s.wdl":2:10-11)\n  %b = param "b" : f32[2] = full(0.5) loc("s.wdl":3:10-11)\n',
                                 '  %b = param "b" : f32[2] = full(0.5) loc("s.wdl":3:10-11)\n  %x = input "x" : f32[1, 2] loc("s.wdl":2:10-11)\n', 1)]),
    ("dead-op", "s", "01-infer", [('  output "y"', '  %9 = neg %x : f32[1, 2]\n  output "y"', 1)]),
    ("untyped-at-infer", "s", "01-infer", [("relu %2 : f32[1, 2]", "relu %2", 1)]),
    # -- placement
    ("place-overlap", "s", "04-place", [("place [0,1 2x1]", "place [1,0 2x1]", 1)]),
    ("place-off-grid", "s", "04-place", [("place [0,1 2x1]", "place [23,1 2x1]", 1)]),
    ("place-too-large", "s", "04-place", [("place [0,1 2x1]", "place [0,1 3x1]", 1)]),
    ("tile-mismatch", "s", "04-place", [("place [0,1 2x1] tile [1, 1]", "place [0,1 2x1] tile [1, 2]", 1)]),
    ("tile-rank", "s", "04-place", [("place [0,1 2x1] tile [1, 1]", "place [0,1 2x1] tile [1]", 1)]),
    ("param-placed", "s", "04-place", [("full(0.5)", "full(0.5) place [5,5 1x1] tile [1]", 1)]),
    ("not-placed", "s", "04-place", [(" place [0,2 2x1] tile [1, 1]", "", 1)]),
    ("k-not-matmul", "s", "04-place", [("place [0,2 2x1] tile [1, 1]", "place [0,2 2x1] tile [1, 1] k 2", 1)]),
    ("k-mismatch", "t", "04-place", [("tile [4, 1] k 2", "tile [4, 1] k 3", 1)]),
    ("grid-flag", "s", "04-place", [("grid 0x0", "grid 2x2", 1)]),
    # -- nets
    ("color-clash", "s", "05-route", [("to {(0,2) %3.0} color 1", "to {(0,2) %3.0} color 0", 1)]),
    ("color-range", "s", "05-route", [("color 0", "color 24", 1)]),
    ("no-color", "s", "05-route", [("color 0", "color -", 1)]),
    ("route-not-on-tree", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>E, (0,1) N>R", 1)]),
    ("route-wrong-side", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>S, (0,1) W>R", 1)]),
    ("route-unreached", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>S, (0,1) N>R, (5,5) N>R", 1)]),
    ("route-no-source", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) N>S, (0,1) N>R", 1)]),
    ("route-second-ramp", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>S, (0,1) R>R", 1)]),
    ("route-extra-delivery", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>RS, (0,1) N>R", 1)]),
    ("route-dest-unreached", "s", "05-route", [("to {(0,1) %2.0}", "to {(0,1) %2.0, (1,1) %2.0}", 1)]),
    ("route-off-grid", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,0) R>S, (0,1) N>R, (30,1) N>R", 1)]),
    ("route-unsorted", "s", "05-route", [("(0,0) R>S, (0,1) N>R", "(0,1) N>R, (0,0) R>S", 1)]),
    ("net-source-outside", "s", "05-route", [("from (0,0)", "from (0,2)", 1)]),
    ("net-dest-outside", "s", "05-route", [("to {(0,1) %2.0}", "to {(0,2) %2.0}", 1)]),
    ("net-box-outside", "s", "05-route", [("box [0:1, 0:1]", "box [0:1, 0:3]", 1)]),
    ("net-box-rank", "s", "05-route", [("box [0:1, 0:1]", "box [0:1]", 1)]),
    ("net-differs", "s", "05-route", [("box [0:1, 0:1]", "box [0:1, 0:2]", 1)]),
    ("net-extra", "s", "05-route", [("    route {(1,1) R>S, (1,2) N>R}\n", "    route {(1,1) R>S, (1,2) N>R}\n  net 4 operand %2 f32 box [0:1, 1:2] from (1,1) to {(1,2) %3.0} color 2\n    route {(1,1) R>S, (1,2) N>R}\n", 1)]),
    ("net-missing", "s", "05-route", [("  net 3 operand %2 f32 box [0:1, 1:2] from (1,1) to {(1,2) %3.0} color 1\n    route {(1,1) R>S, (1,2) N>R}\n", "", 1)]),
    # -- programs
    ("dsr-count", "s", "06-lower", [("    dsr 1 fabout f32 color 0 len 1\n",
                                     "    dsr 1 fabout f32 color 0 len 1\n" + "".join("    dsr %d fabout f32 color 0 len 1\n" % i for i in range(2, 46)), 1)]),
    ("dsr-buffer", "s", "06-lower", [("dsr 0 mem f32 buf 0+0", "dsr 0 mem f32 buf 7+0", 1)]),
    ("dsr-outside-buffer", "s", "06-lower", [("dsr 0 mem f32 buf 0+0 dims [1, 1]", "dsr 0 mem f32 buf 0+0 dims [1, 2]", 1)]),
    ("dsr-color", "s", "06-lower", [("fabout f32 color 0", "fabout f32 color 30", 1)]),
    ("task-pc", "s", "06-lower", [("task 0 main @0", "task 0 main @40", 1)]),
    ("task-color", "s", "06-lower", [("task 1 local", "task 1 data color 30", 1)]),
    ("insn-operand", "s", "06-lower", [("FADD  d2, d3, d4", "FADD  d2, d3, d9", 1)]),
    ("buffer-address", "s", "07-alloc", [("buf 0 operand %2 [0:1, 0:1] f32 1 @0x0050", "buf 0 operand %2 [0:1, 0:1] f32 1 @0xfff0", 1)]),
    ("buffer-box", "s", "06-lower", [("buf 0 tile %x [0:1, 0:1]", "buf 0 tile %x [0:1, 0:3]", 1)]),
    ("buffer-elems", "s", "06-lower", [("buf 0 tile %x [0:1, 0:1] f32 1", "buf 0 tile %x [0:1, 0:1] f32 2", 1)]),
    ("sram-line", "s", "07-alloc", [("sram code 16 end 32", "sram code 32 end 32", 1)]),
    ("program-differs", "s", "06-lower", [("FRELU d2, d3", "FNEG  d2, d3", 1)]),
    ("address-differs", "s", "07-alloc", [("buf 0 operand %2 [0:1, 0:1] f32 1 @0x0050", "buf 0 operand %2 [0:1, 0:1] f32 1 @0x0060", 1)]),
    ("core-outside", "s", "06-lower", [("core (1,2) %3", "core (2,2) %3", 1)]),
    ("core-duplicate", "s", "06-lower", [("core (1,0) %x", "core (0,0) %x", 1)]),
    ("core-missing", "s", "06-lower", [("REMOVE-LAST-CORE", "", 1)]),
]

HEADER = """\
// A malformed .wir: {desc}. Made by tests/lit/bad/wir/make_cases.py from a
// --dump-dir file of Inputs/{model}.wdl. The error names the line and column.
// RUN: rm -f %t.wimg
// RUN: not %wsecc %s -o %t.wimg 2>&1 | FileCheck %s --strict-whitespace --match-full-lines
// RUN: not test -e %t.wimg
// CHECK:{{{{.*}}}}{name}.wir:{l1}
// CHECK-NEXT:{l2}
// CHECK-NEXT:{l3}
"""


def dump(wsecc, model, tmp):
    d = os.path.join(tmp, model)
    if not os.path.isdir(d):
        # compile from the Inputs directory so loc() paths are just "s.wdl"
        subprocess.run([os.path.abspath(wsecc), model + ".wdl", "--target", "tiny", "-o", os.path.join(tmp, model + ".wimg"), "--dump-dir=" + d],
                       cwd=os.path.join(HERE, "Inputs"), check=True)
    return d


def main():
    wsecc = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, stage, edits in CASES:
            text = open(os.path.join(dump(wsecc, model, tmp), stage + ".wir")).read()
            text = re.sub(r"^// wsecc IR, stage \w+\n", "", text)
            for old, new, occ in edits:
                if old == "REMOVE-LAST-CORE":
                    i = text.rindex("\n  core ")
                    j = text.rindex("\n}")
                    text = text[:i] + text[j:]
                    continue
                if old not in text:
                    sys.exit("%s: '%s' is not in %s/%s" % (name, old, model, stage))
                text = text.replace(old, new) if occ == 0 else text.replace(old, new, 1)
            desc = name.replace("-", " ")
            path = os.path.join(HERE, name + ".wir")
            fill = dict(desc=desc, model=model, name=name, l1="X", l2="X", l3="X")
            open(path, "w").write(HEADER.format(**fill) + text)
            p = subprocess.run([wsecc, path, "-o", os.path.join(tmp, "out.wimg")], capture_output=True, text=True)
            lines = p.stderr.splitlines()
            if p.returncode != 1 or len(lines) < 3 or ": error: " not in lines[0] or os.path.exists(os.path.join(tmp, "out.wimg")):
                sys.exit("%s: unexpected result (exit %d):\n%s" % (name, p.returncode, p.stderr))
            l1 = lines[0].split(name + ".wir:", 1)[1]
            fill.update(l1=l1, l2=lines[1], l3=lines[2])
            open(path, "w").write(HEADER.format(**fill) + text)
            print("%-24s %s" % (name, l1))


main()
