"""Random models: batched matmuls, reshape, N-D transpose, softmax,
layernorm, reductions (also over a batch axis), vector operands of '@', concat, fused matmuls (two matmuls of one activation
by params), on random uneven shapes in f32, f16 or bf16, compiled and simulated
and compared with the host reference evaluator (wsecc --reference), which
never sees the mapping. Tolerance relative to the output's scale: 1e-4 for
f32 (the fabric sums K in chunks, the evaluator in order), 2e-2 for f16
(one f16 rounding of each intermediate in a different place moves a
result by a few ulps of 2^-11, compounded over up to 8 ops), 8e-2 for bf16
(the same with ulps of 2^-8).

    fuzz.py WSECC WSESIM WORKDIR FIRST_SEED END_SEED [--wide] [--rank6] [--compile-only] [WSECC OPTION...]

--rank6 gives the batched input `a` 3 or 4 batch axes of sizes 1 to 3
(rank 5 or 6, as ONNX's Unsqueeze writes them), at most 12 batches.

(options after the seeds go to every compile, e.g. --exec=stream: the
matmuls by params are then weight-streamed, their weights read from the
.wmx beside each image).

A model the compiler rejects with a user diagnostic (exit 1, e.g. a core
over its SRAM) is a refusal: not a failure by itself, but counted, listed
(one line per distinct message, numbers and file names folded together)
and bounded: more than MAX_REFUSED of the models refused fails the run, so
a compiler that refuses everything does not pass. A crash, a simulator
failure or a wrong number is always a failure.

MAX_REFUSED = 5 % (at most 2 of ctest's 40 models). Measured on this
generator (ten model kinds, and a quarter of the seeds resident chains,
gen_resident): 0 of 600 refused for seeds 0-599 (1 before infer merged
common subexpressions: a core receiving 16 streams, 14 of them staged,
needed 63 DSRs; 3, over their SRAM, before route capped staging); with --exec=stream 0 of seeds 0-199 (19 of 2000 before
receives of one shape shared a DSR: a core receiving 17 streams next to a
streamed matmul of N = 1 needed 45 DSRs). With --wide (M, K, N up to 300,
batches up to 6) 1 of 300 is refused (z281, a reshape to [2, 26106] f32
over a core's SRAM), and 13 of the 600 seeds 300-899 (2.2 %), all but one
for routing (15 of 300 before inputs of one transpose were written by the
host permuted, inputs tiled for their elementwise users, matmuls took
right operands that are inputs from the host, tall [1, N] reshapes became
a row, matmuls meeting past a reduction were left unfused, an uneven row
concat took its operands' columns, crowded columns were left for another
place and left operands without blocks became one row of cores; 87 before batch-axis reductions became local, route sent runs of boxes
as one, the split pass's concats took their blocks' tiling and batched
elementwise ops their operands'; 46 before a reshape of an input was
written by the host, infer merged common subexpressions, fuse left apart
matmuls that meet in one op, and place put tall ops beside their operand
and split an over-budget 2-D operand tiling; 22 before inputs used only
as a matmul's operands were tiled as its cores take them). With --rank6, 0 of seeds 0-199 are refused (4 before
the changes above, 1 before right operands from the host), 0
failures; with --rank6 --exec=stream 1 (5 before), 0 failures (2 wrong numbers before lower_stream's moving output DSR got
one of its own: tests/lit/stream/batched.test).
"""
import numpy as np, subprocess, sys, os, random, re
MAX_REFUSED = 0.05
W, S = sys.argv[1], sys.argv[2]
# fuzz.py's own options, among the compile options: --wide draws M, K, N up
# to 300 and batches up to 6 (issue 10's sizes), --compile-only stops after
# the compile (a measure of refusals, not of numbers)
OPTS = [o for o in sys.argv[6:] if o not in ("--wide", "--rank6", "--compile-only")]
WIDE = "--wide" in sys.argv[6:]
RANK6 = "--rank6" in sys.argv[6:]
COMPILE_ONLY = "--compile-only" in sys.argv[6:]
os.makedirs(sys.argv[3], exist_ok=True)
os.chdir(sys.argv[3])
def gen_resident(seed, r, dt):
    """A chain that --exec=stream runs in the resident layout (one region,
    every op in turn): matmuls by params (dense or sparse), elementwise ops,
    row reductions (keepdims), softmax and layernorm on [M, F] values, with
    repeated operands, a residual and sometimes a vector input [N]; M up to
    150 (several core rows)."""
    mt, kt = (300, 300) if WIDE else (150, 160)
    M = r.randint(1, mt); K = r.randint(1, kt); N = r.randint(1, kt)
    sp = r.choice([0.0, 0.0, 0.5, 0.9])
    lines = [f"model z{seed} {{", f"  input x : {dt}[{M}, {K}];"]
    lines.append(f"  param w1 : {dt}[{K}, {N}] = randn(seed={seed}, std=0.2, sparsity={sp});")
    lines.append(f"  param w2 : {dt}[{N}, {K}] = randn(seed={seed+1}, std=0.2);")
    lines.append(f"  param g : {dt}[{N}] = randn(seed={seed+2}, std=1.0);")
    act = r.choice(["gelu", "relu", "tanh", "sigmoid"])
    h = r.choice([f"x @ w1 + g", f"{act}(x @ w1)", f"softmax(x @ w1, axis=-1)", f"layernorm(x @ w1, g, g, axis=-1)",
                  f"(x @ w1) * (x @ w1)"])
    lines.append(f"  let h = {h};")
    outs = [r.choice([f"x + {act}(h) @ w2", f"h @ w2 - x * 0.5", f"{act}(h * h) @ w2"])]
    if r.random() < 0.5:
        outs.append(r.choice([f"{r.choice(['sum', 'mean', 'max'])}(h, axis=1, keepdims=true) * h", "h",
                              f"h - max(h, axis=-1, keepdims=true)"]))
    ash = None
    if r.random() < 0.4:  # a vector input, broadcast along the rows
        lines.insert(2, f"  input a : {dt}[{N}];")
        outs.append(r.choice(["h * a + a", "max(h, a) - relu(a)"]))
        ash = (N,)
    for i, o in enumerate(outs):
        lines.append(f"  output o{i} = {o};")
    lines.append("}")
    return "\n".join(lines), dt, ash, (M, K), len(outs)

def gen(seed):
    r = random.Random(seed)
    dt = r.choice(["f32", "f16", "bf16"])
    if r.random() < 0.25:
        return gen_resident(seed, r, dt)
    if WIDE:
        B = r.randint(1, 6); M = r.randint(1, 300); K = r.randint(1, 300); N = r.randint(1, 300)
    else:
        B = r.randint(1, 4); M = r.randint(1, 40); K = r.randint(1, 70); N = r.randint(1, 50)
    ash = [B, M, K]
    if RANK6:
        pre = [r.randint(1, 3) for _ in range(r.choice([3, 4]))]
        while np.prod(pre) > 12:
            pre[r.randrange(len(pre))] = 1
        ash = pre + [M, K]
    ra = len(ash)
    lines = [f"model z{seed} {{", f"  input a : {dt}[{', '.join(map(str, ash))}];", f"  input x : {dt}[{M}, {K}];"]
    lines.append(f"  param w1 : {dt}[{K}, {N}] = randn(seed={seed}, std=0.2);")
    lines.append(f"  param w2 : {dt}[{K}, {N}] = randn(seed={seed+1}, std=0.2);")
    lines.append(f"  param g : {dt}[{N}] = randn(seed={seed+2}, std=1.0);")
    outs = []
    k = r.randint(0, 9)
    if k == 0:
        outs.append(f"softmax(a @ w1, axis=-1)")
    elif k == 1:
        outs.append(f"layernorm(x @ w1, g, g, axis=-1) + x @ w2")
    elif k == 2:
        outs.append(f"transpose(a, perm=[{','.join(map(str, r.sample(range(ra), ra)))}]) * 2")
    elif k == 3:
        n = int(np.prod(ash))
        d = [q for q in range(1, n + 1) if n % q == 0]
        p = r.choice(d)
        outs.append(f"reshape(a, [{p}, -1]) + 1")
    elif k == 4:
        outs.append(f"sum(gelu(x @ w1) * (x @ w2), axis={r.choice([0,1,-1])}, keepdims=true)")
    elif k == 5:
        outs.append(f"concat([a @ w1, a @ w2], axis={r.randrange(ra)})")
    elif k == 6:
        outs.append(f"max(a @ transpose(reshape(x, [{M}, {K}]), perm=[1, 0]) , 0.0) - 0.5")
    elif k == 7:  # over a batch axis
        outs.append(f"softmax(a, axis=0) + {r.choice(['sum', 'mean', 'max'])}(a, axis=-{ra}, keepdims=true)")
    elif k == 8:  # a vector on the left: [K] @ [K, N]
        outs.append("sum(x, axis=0) @ w1 + g")
    else:  # a vector on the right: [B, M, K] @ [K]
        outs.append("a @ sum(w2, axis=1)")
    if r.random() < 0.5:
        outs.append(f"(x @ w1 - x @ w2) * 0.5")
    for i, o in enumerate(outs):
        lines.append(f"  output o{i} = {o};")
    lines.append("}")
    return "\n".join(lines), dt, tuple(ash), (M, K), len(outs)

bad = 0
refused = []  # (seed, first line of the diagnostic)
for seed in range(int(sys.argv[4]), int(sys.argv[5])):
    src, dt, ash, xsh, no = gen(seed)
    name = f"z{seed}"
    open(f"{name}.wdl", "w").write(src)
    npdt = np.float16 if dt == "f16" else np.float32  # bf16 inputs: float32 .npy, rounded when loaded
    rng = np.random.default_rng(seed)
    args = ["--input", f"x={name}_x.npy"]
    if ash:  # the resident chains have no input a
        np.save(f"{name}_a.npy", rng.standard_normal(ash).astype(npdt))
        args += ["--input", f"a={name}_a.npy"]
    np.save(f"{name}_x.npy", rng.standard_normal(xsh).astype(npdt))
    r = subprocess.run([W, f"{name}.wdl", "-o", f"{name}.wimg"] + OPTS, capture_output=True, text=True)
    if r.returncode:
        sanitizer = "runtime error:" in r.stderr or "Sanitizer" in r.stderr
        if "error:" in r.stderr and "internal" not in r.stderr and r.returncode == 1 and not sanitizer:
            refused.append((seed, r.stderr.splitlines()[0]))
            print(seed, "REFUSED:", r.stderr.splitlines()[0][:200])
        else:
            print(seed, "COMPILE CRASH rc", r.returncode, r.stderr[-400:]); bad += 1
        continue
    if COMPILE_ONLY:
        continue
    oa = []; ra = []
    for i in range(no):
        oa += ["--output", f"o{i}={name}_o{i}.s.npy"]; ra += ["--output", f"o{i}={name}_o{i}.r.npy"]
    r = subprocess.run([S, f"{name}.wimg"] + args + oa, capture_output=True, text=True)
    if r.returncode:
        print(seed, "SIM FAIL", r.stderr[:300]); bad += 1; continue
    r = subprocess.run([W, f"{name}.wdl", "--reference"] + args + ra, capture_output=True, text=True)
    if r.returncode:
        print(seed, "REF FAIL", r.stderr[:300]); bad += 1; continue
    for i in range(no):
        s = np.load(f"{name}_o{i}.s.npy").astype(np.float64); f = np.load(f"{name}_o{i}.r.npy").astype(np.float64)
        scale = max(1e-6, np.abs(f).max())
        tol = {"f32": 1e-4, "f16": 2e-2, "bf16": 8e-2}[dt]
        e = np.abs(s - f).max() / scale
        if not (e <= tol):
            print(seed, f"MISMATCH o{i} err {e:.3g}", src.replace("\n", " ")[:300]); bad += 1

# Refusals: how many, and each distinct message once (digits and the
# model's file name folded, so "core (4,0) ... 52336 bytes" of two seeds
# is one message).
nmodels = int(sys.argv[5]) - int(sys.argv[4])
groups = {}
for seed, line in refused:
    key = re.sub(r"\d+", "N", re.sub(r"^z\d+\.wdl:\d+:\d+: ", "", line))
    groups.setdefault(key, []).append((seed, line))
pct = 100.0 * len(refused) / max(1, nmodels)
print(f"{len(refused)} of {nmodels} model(s) refused by the compiler ({pct:.1f} %; at most {MAX_REFUSED:.0%} allowed), "
      f"{len(groups)} distinct message(s)")
for key, items in groups.items():
    seeds = ", ".join(str(sd) for sd, _ in items[:10]) + (" ..." if len(items) > 10 else "")
    print(f"  {len(items)} x {items[0][1][:200]}  (seed {seeds})")
if len(refused) > MAX_REFUSED * nmodels:
    print(f"FAIL: {len(refused)} refused models is more than {MAX_REFUSED:.0%} of {nmodels}")
    bad += 1
print(f"{bad} failure(s)")
sys.exit(1 if bad else 0)
