#!/usr/bin/env python3
"""fuzz/reduce.py HARNESS IN OUT: shrink a text finding (WDL, .wir, target
XML) line by line while the harness still fails the SAME way (the same
sanitizer message and source location, or the same "internal error" /
"fuzz check failed" text up to numbers). libFuzzer's -minimize_crash keeps
any crash, so two bugs in one input often shrink to the other bug; this
keeps the one you started with. Slow but simple: chunks of lines, then
single lines, then the same for characters of the remaining lines."""
import os, re, subprocess, sys, tempfile
harness, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = os.path.join(root, "build-fuzz", "fuzz", "fuzz_" + harness)
work = os.path.join(root, "build-fuzz", "work")
PAT = re.compile(r"(runtime error:.*|internal error:.*|fuzz check failed:.*|SUMMARY: \w+Sanitizer: [\w-]+ \S+|ERROR: libFuzzer: \w[\w-]*)")
def key(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=work) as f:
        f.write(data)
    try:
        r = subprocess.run([exe, "-timeout=10", "-rss_limit_mb=2048", f.name], cwd=work, capture_output=True, timeout=60,
                           env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
        out = r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        os.unlink(f.name)
    m = PAT.search(out)
    if not m:
        return None
    k = re.sub(r"0x[0-9a-f]+", "A", m.group(1))
    # for sanitizer runtime errors the location is the identity; numbers vary
    loc = re.search(r"(\S+\.[chly]:\d+):\d+: runtime error", out)
    k = re.sub(r"(error:|failed:)(.*)", lambda x: x.group(1) + re.sub(r"[-+]?\d[\d.e+]*|inf|nan", "N", x.group(2)), k)
    if "leaked" in k:
        fr = re.search(r"in (\w+) /\S+/(ir|passes|frontend|backend|runtime|targets|common)/(\S+?):\d+", out)
        k += " @" + (fr.group(1) if fr else "")
    return (loc.group(1) + " " if loc else "") + k
data = open(src, "rb").read()
want = key(data)
if not want:
    sys.exit(f"reduce.py: {src} does not fail in {exe}")
print("reduce.py: keeping:", want, file=sys.stderr)
def shrink(units, join):
    n = max(1, len(units) // 2)
    while n >= 1:
        i = 0
        while i < len(units):
            cand = units[:i] + units[i + n:]
            if cand and key(join(cand)) == want:
                units = cand
            else:
                i += n
        n //= 2
    return units
lines = data.split(b"\n")
lines = shrink(lines, lambda u: b"\n".join(u))
out = b"\n".join(lines)
# then characters, for short results only (it is one run per try)
if len(out) < 600:
    chars = [bytes([c]) for c in out]
    out = b"".join(shrink(chars, lambda u: b"".join(u)))
open(dst, "wb").write(out)
print(f"reduce.py: {len(data)} -> {len(out)} bytes: {dst}", file=sys.stderr)
