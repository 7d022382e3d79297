"""Writing golden data: inputs under examples/data/NAME/, expected outputs
under tests/golden/expected/NAME/ (shared by the gen_*.py scripts)."""
import os
import numpy as np

# examples with golden data that are benchmarks, not ctests (too big to run
# in the suite): figures.py skips them; bench/ has their scripts
BENCH_ONLY = {"wafer"}  # bench/wafer_sim.py
# examples whose golden ctest is weight-streamed only (tests/CMakeLists.txt:
# golden_stream_deep, --grid 16x16): figures.py skips them
STREAM_ONLY = {"deep"}

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def save(name, inputs, outputs, dtype=None):
    """inputs/outputs: dicts name -> array; outputs are cast to dtype if given."""
    data = os.path.join(ROOT, "examples", "data", name)
    exp = os.path.join(ROOT, "tests", "golden", "expected", name)
    os.makedirs(data, exist_ok=True)
    os.makedirs(exp, exist_ok=True)
    for k, v in inputs.items():
        np.save(os.path.join(data, k + ".npy"), v)
    for k, v in outputs.items():
        a = np.asarray(v if dtype is None else v.astype(dtype))
        np.save(os.path.join(exp, k + ".npy"), np.ascontiguousarray(a) if a.ndim else a)  # a scalar stays rank 0
