"""Big WDL inputs for the limit tests, made at test time (not committed):
    gen.py KIND N  > OUT.wdl
KIND: chain (x + x + ... N terms), chain-bad (the same, then + a tensor of
another shape), calls (relu nested N deep), parens, unary, right
(x + (x + (...)) N deep), defs (N defs, each calling the last inside 900
nested relu), lets (N lets aliasing the previous), lets-typo (the same, the
output names a misspelt one), def-lets (a def whose body has N lets),
concat (concat of N parts), long-line (a line of N bytes, mostly spaces,
ending in an unknown name), params (N param arrays of 4096), nul (a NUL byte), big (a source of N bytes, all comment).
"""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
out = sys.stdout
head = "model m {\n  input x : f32[4, 4];\n"
if kind in ("chain", "chain-bad"):
    e = " + ".join(["x"] * n) + (" + z" if kind == "chain-bad" else "")
    out.write(head + "  input z : f32[3];\n  let y = " + e + ";\n  output o = y;\n}\n")
elif kind == "calls":
    out.write(head + "  output o = " + "relu(" * n + "x" + ")" * n + ";\n}\n")
elif kind == "parens":
    out.write(head + "  output o = " + "(" * n + "x" + ")" * n + ";\n}\n")
elif kind == "unary":
    out.write(head + "  output o = " + "-" * n + "x;\n}\n")
elif kind == "right":
    out.write(head + "  output o = " + "x + (" * n + "x" + ")" * n + ";\n}\n")
elif kind == "defs":
    out.write("model m {\n")
    for i in range(n):
        inner = "h" if i == 0 else "f" + str(i - 1) + "(h)"
        out.write("  def f" + str(i) + "(h: f32[4, 4]) -> f32[4, 4] { return " + "relu(" * 900 + inner + ")" * 900 + "; }\n")
    out.write("  input x : f32[4, 4];\n  output o = f" + str(n - 1) + "(x);\n}\n")
elif kind in ("lets", "lets-typo"):
    out.write(head + "  let a0 = x;\n")
    for i in range(1, n):
        out.write("  let a" + str(i) + " = a" + str(i - 1) + ";\n")
    last = "a" + str(n - 1)
    out.write("  output o = " + (last.replace("a", "b", 1) if kind == "lets-typo" else last) + ";\n}\n")
elif kind == "def-lets":
    out.write("model m {\n  def f(h: f32[4, 4]) -> f32[4, 4] {\n    let a0 = h;\n")
    for i in range(1, n):
        out.write("    let a" + str(i) + " = a" + str(i - 1) + ";\n")
    out.write("    return relu(a" + str(n - 1) + ");\n  }\n  input x : f32[4, 4];\n  output o = f(x);\n}\n")
elif kind == "concat":
    out.write("model m {\n  input x : f32[1];\n  output o = concat([" + ", ".join(["x"] * n) + "], axis=0);\n}\n")
elif kind == "long-line":
    out.write(head + "  let y = x" + " " * (n - 20) + "+ nope;\n  output o = y;\n}\n")
elif kind == "params":
    out.write("model m {\n")
    for i in range(n):
        out.write("  param w" + str(i) + "[4096] : f32[1] = zeros();\n")
    out.write("  input x : f32[1];\n  output o = x + w0[0];\n}\n")
elif kind == "nul":
    out.write(head + "  output o = x;\x00\n}\n")
elif kind == "big":
    line = "// " + "c" * 1020 + "\n"
    out.write(line * (n // len(line) + 1))
else:
    sys.exit("gen.py: unknown kind " + kind)
