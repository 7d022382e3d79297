"""Write a target file: wse2's values with edits, for the bad-target cases.

    mkxml.py OUT.xml [ELEM.ATTR=VALUE | -ELEM.ATTR | +RAW-LINE]...

ELEM.ATTR=VALUE sets an attribute, -ELEM.ATTR removes it, +TEXT adds TEXT
as a line before </target>. Everything else is wse2's.
"""
import sys
t = {"grid": {"width": "750", "height": "994"},
     "core": {"sram-bytes": "49152", "dsrs": "44", "microthreads": "8", "registers": "16"},
     "fabric": {"colors": "24", "queue-depth": "2", "hop-latency": "1"},
     "simd": {"f16": "4", "f32": "2"},
     "clock": {"mhz": "1100"}}
extra = []
for a in [x for x in sys.argv[2:] if x != "--"]:
    if a.startswith("+"):
        extra.append(a[1:])
    elif a.startswith("-"):
        e, k = a[1:].split(".", 1)
        del t[e][k]
    else:
        ek, v = a.split("=", 1)
        e, k = ek.split(".", 1)
        t[e][k] = v
body = "".join("  <%s %s/>\n" % (e, " ".join('%s="%s"' % kv for kv in a.items())) for e, a in t.items())
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<target name="bad">\n' + body + "".join(x + "\n" for x in extra) + "</target>\n")
