"""Parse an SVG with an XML parser and print what a test checks:
the root, the <title>s of the op rectangles and heat cells, and counts.

    svgcheck.py FILE.svg
"""
import sys
import xml.etree.ElementTree as E

NS = "{http://www.w3.org/2000/svg}"
root = E.parse(sys.argv[1]).getroot()
assert root.tag == NS + "svg", root.tag
print("svg", root.attrib["width"], "x", root.attrib["height"])
print("title:", root.find(NS + "title").text)
for g in root.iter(NS + "g"):
    rects = g.findall(NS + "rect")
    print(f"group {g.attrib.get('class')}: {len(rects)} rects")
    for r in rects[:400]:
        t = r.find(NS + "title")
        if t is not None and g.attrib.get("class") == "ops":
            print("  op:", t.text)
    if g.attrib.get("class") == "heat":
        vals = [r.find(NS + "title").text for r in rects]
        print("  first cell:", vals[0] if vals else "-")
for t in root.iter(NS + "text"):
    if t.text and t.text.startswith("%"):
        print("label:", t.text)
