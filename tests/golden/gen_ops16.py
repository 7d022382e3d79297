"""examples/ops16.wdl shares its generator with examples/ops.wdl: see gen_ops.py."""
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_ops.py"))
