"""examples/norm16.wdl shares its generator with examples/norm.wdl: see gen_norm.py."""
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_norm.py"))
