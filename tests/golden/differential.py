"""Differential tests: models and shapes beyond the examples (uneven tiles,
broadcasting both ways, rank 0 and 1, f16 matmul, activation @ activation,
values used several times, a larger matmul, a matmul split into row
blocks), compiled and simulated, and
compared with the host reference evaluator (wsecc --reference), which never
sees the mapping. Tolerance: 1e-3 relative to the output scale (f16 inputs;
the f32 cases agree to ~1e-6).

    differential.py WSECC WSESIM WORKDIR
"""
import numpy as np, subprocess, sys, os, random
W, S = sys.argv[1], sys.argv[2]
os.makedirs(sys.argv[3], exist_ok=True)
os.chdir(sys.argv[3])
cases = {
"mm_f16": ("model m { input a : f16[7, 33]; param w : f16[33, 13] = randn(seed=3, std=0.2); param b : f16[13] = full(0.25);\n output y = relu(a @ w + b); }", {"a": (7,33)}),
"chain": ("model m { input x : f32[5, 9]; param w1 : f32[9, 17] = randn(seed=1, std=0.3); param w2 : f32[17, 3] = randn(seed=2, std=0.3);\n let h = x @ w1; let g = h * h - h; output y = g @ w2; output z = -h; }", {"x": (5,9)}),
"bcast": ("model m { input a : f32[6, 1]; input b : f32[1, 7]; input c : f32[7]; output y = a * b + c; output z = a - c; }", {"a": (6,1), "b": (1,7), "c": (7,)}),
"vec": ("model m { input a : f32[37]; input s : f32[]; output y = relu(a * s); output z = s + s; }", {"a": (37,), "s": ()}),
"passthru": ("model m { input x : f16[3, 4]; output y = x; output z = x + x; }", {"x": (3,4)}),
"mm_actact": ("model m { input a : f32[6, 10]; input b : f32[10, 9]; output y = a @ b; }", {"a": (6,10), "b": (10,9)}),
"tall": ("model m { input x : f32[300, 40]; param w : f32[40, 24] = randn(seed=5, std=0.2); output y = relu(x @ w); }", {"x": (300,40)}),
"big": ("model m { input x : f32[64, 256]; param w : f32[256, 96] = randn(seed=9, std=0.05); output y = relu(x @ w); }", {"x": (64,256)}),
}
ok = True
for name, (src, ins) in cases.items():
    open(f"{name}.wdl","w").write(src)
    dt = np.float16 if "f16" in src.split("input")[1].split(";")[0] else np.float32
    args=[]
    for k, shp in ins.items():
        np.save(f"{name}_{k}.npy", np.random.default_rng(len(k)).standard_normal(shp).astype(dt))
        args += ["--input", f"{k}={name}_{k}.npy"]
    r = subprocess.run([W, f"{name}.wdl", "-o", f"{name}.wimg"], capture_output=True, text=True)
    if r.returncode: print(name, "COMPILE FAIL", r.stderr[:2000]); ok=False; continue
    outs = ["y","z"] if "output z" in src else ["y"]
    oargs=[]; rargs=[]
    for o in outs: oargs += ["--output", f"{o}={name}_{o}.sim.npy"]; rargs += ["--output", f"{o}={name}_{o}.ref.npy"]
    r = subprocess.run([S, f"{name}.wimg"] + args + oargs + ["--stats"], capture_output=True, text=True)
    if r.returncode: print(name, "SIM FAIL", r.stderr[:3000]); ok=False; continue
    cyc = r.stdout.split()[1]
    subprocess.run([W, f"{name}.wdl", "--reference"] + args + rargs, check=True)
    for o in outs:
        a=np.load(f"{name}_{o}.sim.npy").astype(np.float64); b=np.load(f"{name}_{o}.ref.npy").astype(np.float64)
        e=np.abs(a-b).max() if a.size else 0
        print(f"{name}.{o}: shape {a.shape} max|sim-ref| {e:.3g} cycles {cyc}")
        ok &= e <= 1e-3*max(1,np.abs(b).max())
print("ALL OK" if ok else "FAILURES")
sys.exit(0 if ok else 1)
