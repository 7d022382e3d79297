"""Print the Markdown table that follows MARKER in DOC (the lines starting
with '|' right after the marker line), for diffing with a --list-* output.

    table.py DOC MARKER
"""
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if sys.argv[2] in l:
        j = i + 1
        while j < len(lines) and lines[j].startswith("|"):
            print(lines[j])
            j += 1
        sys.exit(0)
sys.exit(f"{sys.argv[1]}: no line with '{sys.argv[2]}'")
