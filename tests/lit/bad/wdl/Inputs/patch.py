"""patch.py IN OUT OLD NEW [OLD NEW ...]: copy IN to OUT replacing each OLD
by NEW (each must occur), for tests that edit a dump."""
import sys

s = open(sys.argv[1]).read()
pairs = sys.argv[3:]
for old, new in zip(pairs[::2], pairs[1::2]):
    if old not in s:
        sys.exit("patch.py: '" + old + "' not found")
    s = s.replace(old, new)
open(sys.argv[2], "w").write(s)
