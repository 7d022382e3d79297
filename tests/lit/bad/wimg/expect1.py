#!/usr/bin/env python3
"""tests/lit/bad/wimg/expect1.py CMD ARGS...: run CMD, copy its stdout and
stderr to stdout, and exit 0 only if CMD exited with status 1 (an error
reported, not a crash: a signal or another status fails the test)."""
import subprocess
import sys

p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
sys.stdout.write(p.stdout.decode("utf-8", "replace"))
if p.returncode != 1:
    sys.stdout.write("expect1.py: expected exit status 1, got %d\n" % p.returncode)
    sys.exit(1)
