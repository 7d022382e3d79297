#!/usr/bin/env python3
"""Mutation fuzzer for the .wir reader (not a lit test: excluded by name).

Takes real dumps, changes one number or token at a time, and runs
WSECC on the result. Flags any exit status other than 0 and 1, any
"internal error", and any sanitizer report. Usage:

    mutate.py WSECC DUMP.wir... [--n N] [--seed S] [--out DIR]
"""
import os, random, re, subprocess, sys

FOCUS = None  # --focus REGEX: mutate only lines matching it (e.g. "place|color")

def mutations(text, rng):
    toks = list(re.finditer(r"-?\d+|[A-Za-z_]+|[\[\]{}(),:>%@.=\"\\-]", text))
    if FOCUS:
        spans = [m.span() for m in re.finditer(r"^.*(" + FOCUS + r").*$", text, re.M)]
        toks = [t for t in toks if any(a <= t.start() < b for a, b in spans)] or toks
    if rng.random() < 0.15:  # line edits: delete, duplicate or swap lines
        lines = text.split("\n")
        i = rng.randrange(2, len(lines) - 1)
        op = rng.randrange(3)
        if op == 0: del lines[i]
        elif op == 1: lines.insert(i, lines[i])
        elif i + 1 < len(lines): lines[i], lines[i + 1] = lines[i + 1], lines[i]
        return "\n".join(lines)
    t = rng.choice(toks)
    s = t.group(0)
    r = rng.random()
    if re.fullmatch(r"-?\d+", s):
        v = int(s)
        choices = [v + 1, v - 1, v + 1, v - 1, v + 2, v + 4, 0, -1, v * 2, v + 7, 2**31, 2**31 - 1, 2**63, -2**63, 10**30, 65535, 65536, 255, 256, 24, 44, 48 * 1024]
        new = str(rng.choice(choices))
    elif r < 0.3:
        new = ""
    elif r < 0.6:
        other = rng.choice(toks).group(0)
        new = other
    else:
        new = s + rng.choice([" ", ",", "]", "x", "\\x", "\\", "%x", "R", "E"])
    return text[: t.start()] + new + text[t.end():]

def main():
    args = sys.argv[1:]
    n, seed, out, wsesim = 200, 1, "/tmp/wir-mut", None
    files = []
    i = 0
    while i < len(args):
        if args[i] == "--n": n = int(args[i + 1]); i += 2
        elif args[i] == "--seed": seed = int(args[i + 1]); i += 2
        elif args[i] == "--out": out = args[i + 1]; i += 2
        elif args[i] == "--focus":
            global FOCUS
            FOCUS = args[i + 1]; i += 2
        elif args[i] == "--wsesim": wsesim = args[i + 1]; i += 2
        else: files.append(args[i]); i += 1
    wsecc, files = files[0], files[1:]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    bad = accepted = 0
    for k in range(n):
        f = rng.choice(files)
        text = open(f).read()
        m = mutations(text, rng)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            m = mutations(m, rng)
        path = os.path.join(out, "m%05d.wir" % k)
        open(path, "w").write(m)
        try:
            p = subprocess.run([wsecc, path, "-o", path + ".wimg"], capture_output=True, text=True, timeout=60)
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            rc, err = "timeout", ""
        flag = rc not in (0, 1) or "internal error" in err or "Sanitizer" in err or "runtime error" in err
        if rc == 1 and os.path.exists(path + ".wimg"):
            flag = True
            err += "\n(output file left behind)"
        if rc == 0 and wsesim and os.path.exists(path + ".wimg"):
            # an accepted .wir must give an image the simulator loads
            q = subprocess.run([wsesim, path + ".wimg"], capture_output=True, text=True, timeout=60)
            if "offset 0x" in q.stderr or q.returncode not in (0, 1) or "Sanitizer" in q.stderr:
                flag = True
                err += "\n(wsesim: %s)" % q.stderr[-800:]
        ok0 = rc == 0
        if os.path.exists(path + ".wimg"): os.unlink(path + ".wimg")
        accepted += rc == 0
        if flag:
            bad += 1
            print("== %s (from %s): rc %s\n%s" % (path, f, rc, err[-1500:]), flush=True)
        else:
            os.unlink(path)
        if (k + 1) % 100 == 0:
            print("%d run, %d flagged, %d accepted" % (k + 1, bad, accepted), flush=True)
    print("%d of %d flagged (%d accepted)" % (bad, n, accepted))

main()
