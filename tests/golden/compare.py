#!/usr/bin/env python3
"""compare.py GOT.npy WANT.npy: exit 0 if GOT matches WANT within the golden
tolerances of run_golden.py (tests/golden/README.md)."""
import sys
import numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from run_golden import compare

sys.exit(0 if compare("output", np.load(sys.argv[1]), np.load(sys.argv[2])) else 1)
