"""Differential tests: models and shapes beyond the examples (uneven tiles,
broadcasting both ways, rank 0 and 1, f16 matmul, activation @ activation,
values used several times, a larger matmul, a matmul split into row
blocks, and one value in two operand slots of one op: concat([a, a]),
a @ a, a @ transpose(a), views of views, common subexpressions), compiled and simulated, and
compared with the host reference evaluator (wsecc --reference), which never
sees the mapping, and, where a case gives one, with NumPy. Tolerance: 1e-3 relative to the output scale (f16 inputs;
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
# One value in two (or more) operand slots of one op. Each slot of a concat
# or a matmul needs a different part of the value, so each needs its own
# stream; only elementwise ops may share one.
"concat_aa": ("model m { input a : f32[5, 4]; output y = concat([a, a], axis=0); }", {"a": (5,4)},
              lambda i: {"y": np.concatenate([i["a"], i["a"]], 0)}),
"concat_aa1": ("model m { input a : f16[5, 7]; output y = concat([a, a], axis=1); output z = concat([a, a, a], axis=0); }", {"a": (5,7)},
               lambda i: {"y": np.concatenate([i["a"]] * 2, 1), "z": np.concatenate([i["a"]] * 3, 0)}),
"concat_view": ("model m { input a : f32[9, 6]; let s = slice(transpose(slice(a, axis=0, start=1, end=8)), axis=1, start=2, end=6);\n"
                " output y = concat([s, s], axis=1); output z = concat([s, transpose(transpose(s))], axis=0); }", {"a": (9,6)},
                lambda i: {"y": np.concatenate([i["a"][1:8].T[:, 2:6]] * 2, 1), "z": np.concatenate([i["a"][1:8].T[:, 2:6]] * 2, 0)}),
"mm_aa": ("model m { input a : f32[9, 9]; output y = a @ a; output z = a @ transpose(a); }", {"a": (9,9)},
          lambda i: {"y": i["a"] @ i["a"], "z": i["a"] @ i["a"].T}),
"mm_ata": ("model m { input a : f32[11, 6]; output y = transpose(a) @ a; }", {"a": (11,6)},
           lambda i: {"y": i["a"].T @ i["a"]}),
"ew_aa": ("model m { input a : f32[6, 6]; output y = a * a - a / a + max(a, a); output z = a + transpose(a); }", {"a": (6,6)},
          lambda i: {"y": i["a"] * i["a"] - i["a"] / i["a"] + i["a"], "z": i["a"] + i["a"].T}),
"bmm_aa": ("model m { input a : f32[3, 5, 5]; output y = a @ a; output z = concat([a, a], axis=0); }", {"a": (3,5,5)},
           lambda i: {"y": i["a"] @ i["a"], "z": np.concatenate([i["a"]] * 2, 0)}),
# Rank 5 and 6 (IR_MAXRANK): walks of more than 4 dims fold, loop over
# their leading axes (emit_walk), or are received into a stage and copied.
"r5_perm": ("model m { input g : f32[3, 4, 5, 6, 7]; output y = transpose(g, perm=[1, 0, 3, 2, 4]) + 1.0;\n"
            " output z = sum(transpose(g, perm=[0, 2, 4, 1, 3]), axis=1); }", {"g": (3,4,5,6,7)},
            lambda i: {"y": i["g"].transpose(1, 0, 3, 2, 4) + 1, "z": i["g"].transpose(0, 2, 4, 1, 3).sum(axis=1)}),
"r6_bcast": ("model m { input a : f32[2, 3, 2, 3, 5, 6]; input b : f32[3, 1, 3, 1, 6]; output y = a * b + a;\n"
             " output z = max(transpose(a, perm=[5, 4, 3, 2, 1, 0]), axis=3); }", {"a": (2,3,2,3,5,6), "b": (3,1,3,1,6)},
             lambda i: {"y": i["a"] * i["b"] + i["a"], "z": i["a"].transpose(5, 4, 3, 2, 1, 0).max(axis=3)}),
"r6_mm": ("model m { input a : f32[2, 1, 3, 1, 9, 20]; input b : f32[3, 1, 20, 11]; output y = a @ b;\n"
          " output z = reshape(a, [54, 20]) @ reshape(b, [3, 20, 11]); }", {"a": (2,1,3,1,9,20), "b": (3,1,20,11)},
          lambda i: {"y": i["a"] @ i["b"], "z": i["a"].reshape(54, 20) @ i["b"].reshape(3, 20, 11)}),
"r5_slice_cat": ("model m { input a : f32[2, 3, 4, 5, 6]; let s = slice(a, axis=2, start=1, end=3);\n"
                 " output y = concat([s, slice(a, axis=2, start=0, end=1)], axis=2); output z = softmax(a, axis=1); }", {"a": (2,3,4,5,6)},
                 lambda i: {"y": np.concatenate([i["a"][:, :, 1:3], i["a"][:, :, 0:1]], 2),
                            "z": np.exp(i["a"]) / np.exp(i["a"]).sum(axis=1, keepdims=True)}),
# An input whose only use is a reshape is written by the host straight into
# the reshape's cores (passes/place.c): each core's run of C order crosses
# rows and batches of the input, so it is several pieces of it (in f16 and
# f32); an identity reshape is its operand (passes/infer.c).
"reshape_in": ("model m { input a : f32[3, 7, 10]; input b : f32[2, 9, 5];\n"
               " output y = reshape(a, [21, -1]) + 1.0; output z = reshape(b, [6, 15]) * 2.0; }", {"a": (3,7,10), "b": (2,9,5)},
               lambda i: {"y": i["a"].reshape(21, 10) + 1, "z": i["b"].reshape(6, 15) * 2}),
"reshape_in16": ("model m { input a : f16[2, 9, 5]; input b : f16[4, 3]; output y = reshape(a, [6, 15]) * 2.0; output z = reshape(b, [3, 4]); }",
                 {"a": (2,9,5), "b": (4,3)}, lambda i: {"y": i["a"].reshape(6, 15) * 2, "z": i["b"].reshape(3, 4)}),
"reshape_id": ("model m { input x : f32[5, 6]; param w : f32[6, 4] = randn(seed=4, std=0.3);\n"
               " output y = reshape(x, [5, 6]) @ w; output z = reshape(reshape(x, [5, 6]), [5, 6]); }", {"x": (5,6)}),
# Heads split by reshape (passes/heads.c): k^T as a transpose that keeps
# the head axis first, a head value used twice, f16; and a batched value
# with another user (a sum over the heads), which keeps the batch.
"heads_f16": ("model m { input a : f16[6, 12]; input b : f16[6, 12]; let h = transpose(reshape(a, [6, 2, 6]), perm=[1, 0, 2]);\n"
              " let g = transpose(reshape(b, [6, 2, 6]), perm=[1, 0, 2]); let s = h @ transpose(g, perm=[0, 2, 1]);\n"
              " output y = reshape(transpose(softmax(s, axis=-1) @ (h * 0.5 + g), perm=[1, 0, 2]), [6, 12]); }", {"a": (6,12), "b": (6,12)}),
"heads_kept": ("model m { input a : f32[4, 6]; let h = transpose(reshape(a, [4, 3, 2]), perm=[1, 0, 2]); let o = h @ transpose(h, perm=[0, 2, 1]);\n"
               " output y = reshape(transpose(o @ h, perm=[1, 0, 2]), [4, 6]); output z = sum(o, axis=0); }", {"a": (4,6)},
               lambda i: (lambda h: (lambda o: {"y": (o @ h).transpose(1, 0, 2).reshape(4, 6), "z": o.sum(0)})(h @ h.transpose(0, 2, 1)))(i["a"].reshape(4, 3, 2).transpose(1, 0, 2))),
# Common subexpressions (passes/infer.c): a matmul, a reduction and a
# constant written twice are one op; x @ v - x @ w is not fused (fuse.c)
"cse": ("model m { input x : f32[6, 7]; param w : f32[7, 5] = randn(seed=2, std=0.3); param v : f32[7, 5] = randn(seed=3, std=0.3);\n"
        " output y = relu(x @ w) + relu(x @ w) - (x @ v - x @ w); output z = sum(x * 2, axis=1) + sum(x * 2, axis=1) * 2; }", {"x": (6,7)}),
"cse_out": ("model m { input x : f32[5, 6]; input u : f32[6, 4]; output y = x @ u; output z = x @ u; }", {"x": (5,6), "u": (6,4)},
            lambda i: {"y": i["x"] @ i["u"], "z": i["x"] @ i["u"]}),
# An input that is only a matmul's right operand (itself or transposed) is
# tiled as the matmul's cores hold it (passes/place.c); with M = 222 the
# two row blocks share its boxes (these did not route before)
"mm_rhs_in": ("model m { input a : f32[222, 254]; input u : f32[254, 222]; output y = a @ u; }", {"a": (222,254), "u": (254,222)},
              lambda i: {"y": i["a"] @ i["u"]}),
"mm_rhs_t16": ("model m { input a : f16[222, 300]; input x : f16[300, 300]; output y = relu(a @ transpose(x)); }", {"a": (222,300), "x": (300,300)},
               lambda i: {"y": np.maximum(i["a"] @ i["x"].T, 0)}),
# An input only ever a matmul's left operand, in row blocks, is tiled as
# the blocks take it (rows as the blocks, columns as their K rows); two
# matmuls cut alike share the tiling
"mm_lhs_blocks": ("model m { input a : f32[5, 276, 156]; param w : f32[156, 60] = randn(seed=6, std=0.2); output y = softmax(a @ w, axis=-1); }", {"a": (5,276,156)}),
"mm_lhs_two16": ("model m { input a : f16[4, 144, 286]; param u : f16[286, 40] = randn(seed=1, std=0.1); param v : f16[286, 40] = randn(seed=2, std=0.1);\n"
                 " output y = a @ u - a @ v; }", {"a": (4,144,286)}),
"cse_in16": ("model m { input a : f16[5, 9]; input u : f16[9, 4]; output y = (a @ u) * (a @ u) - max(a @ u, axis=1, keepdims=true);\n"
             " output z = max(a @ u, axis=0) + max(a @ u, axis=0); }", {"a": (5,9), "u": (9,4)},
             lambda i: (lambda p: {"y": p * p - p.max(1, keepdims=True), "z": 2 * p.max(0)})(i["a"] @ i["u"])),
# An input over its elementwise users' SRAM budget at its own tiling: it is
# tiled as they need, so each takes its tiles one for one (issue 10's z90).
"in_users_budget": ("model m { input a : f32[4, 295, 159];\n output y = softmax(a, axis=0) + max(a, axis=-3, keepdims=true); }",
                    {"a": (4,295,159)},
                    lambda i: (lambda e: {"y": e / e.sum(0, keepdims=True) + i["a"].max(0, keepdims=True)})(np.exp(i["a"] - i["a"].max(0, keepdims=True)))),
# ... and one tiled rows first, as the split of exp(x)'s tiling that the mul
# takes: y then feeds it one for one (tiled 10x5, this did not route).
"in_users_split": ("model m { input x : f32[300, 300]; input yb : f32[300, 300];\n output y = exp(x) * yb - yb; }",
                   {"x": (300,300), "yb": (300,300)}, lambda i: {"y": np.exp(i["x"]) * i["yb"] - i["yb"]}),
# A row concat of two results whose row splits do not line up with its own
# balanced split (216 rows in 7 core rows, 432 in 14) still takes their
# columns, each core joining parts of at most two producer tiles (z334).
"concat_uneven": ("model m { input a : f32[4, 216, 69]; param w1 : f32[69, 185] = randn(seed=1, std=0.2);\n"
                  " param w2 : f32[69, 185] = randn(seed=2, std=0.2); output y = concat([a @ w1, a @ w2], axis=1); }",
                  {"a": (4,216,69)}),
# A batch-axis softmax plus a batch sum: 8 rectangles of one tiling, which
# stacked in one strip sent the input's tiles and the maxima down past 5 of
# them (more nets than colors); place puts an op whose columns are that
# crowded elsewhere (fuzz.py --wide seeds 81, 523).
"bsoftmax_crowd": ("model m { input a : f16[3, 269, 194];\n output y = softmax(a, axis=0) + sum(a, axis=-3, keepdims=true); }",
                   {"a": (3,269,194)},
                   lambda i: (lambda e: {"y": e / e.sum(0, keepdims=True) + i["a"].sum(0, keepdims=True)})(np.exp(i["a"] - i["a"].max(0, keepdims=True)))),
# An input of over 64 rows that is only a matmul's left operand, without
# row blocks, on one row of cores: each K chunk is one net (fuzz seed 636).
"mm_lhs_row": ("model m { input a : f32[1, 90, 266]; input x : f32[90, 266]; param w1 : f32[266, 269] = randn(seed=1, std=0.2);\n"
               " param w2 : f32[266, 269] = randn(seed=2, std=0.2); output y = relu(a @ transpose(x)); output z = (x @ w1 - x @ w2) * 0.5; }",
               {"a": (1,90,266), "x": (90,266)}),
# An input whose only use is a transpose: the host writes it permuted into
# the transpose's tiles, one run per index of the leading axes (z107).
"tr_in": ("model m { input a : f32[6, 218, 248];\n output y = transpose(a, perm=[1,0,2]) * 2; }", {"a": (6,218,248)},
          lambda i: {"y": i["a"].transpose(1, 0, 2) * 2}),
"tr_in16": ("model m { input a : f16[3, 5, 7, 9]; input b : f16[9, 7];\n"
            " output y = relu(transpose(a, perm=[2,0,3,1])); output z = transpose(b, perm=[1,0]) - 1; }",
            {"a": (3,5,7,9), "b": (9,7)},
            lambda i: {"y": np.maximum(i["a"].transpose(2, 0, 3, 1), 0), "z": i["b"].T - 1}),
"tr_in_last": ("model m { input c : f32[40, 30, 6];\n output y = exp(transpose(c, perm=[0,2,1])); }", {"c": (40,30,6)},
               lambda i: {"y": np.exp(i["c"].transpose(0, 2, 1))}),
}
ok = True
for name, (src, ins, *npref) in cases.items():
    open(f"{name}.wdl","w").write(src)
    dt = np.float16 if "f16" in src.split("input")[1].split(";")[0] else np.float32
    args=[]
    for k, shp in ins.items():
        np.save(f"{name}_{k}.npy", np.random.default_rng(len(k)).standard_normal(shp).astype(dt))
        args += ["--input", f"{k}={name}_{k}.npy"]
    want = npref[0]({k: np.load(f"{name}_{k}.npy").astype(np.float64) for k in ins}) if npref else {}
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
        tol = 1e-3*max(1,np.abs(b).max())
        en = np.abs(a-want[o]).max() if o in want and a.size else 0
        if o in want and a.shape != want[o].shape: en = float("inf")
        print(f"{name}.{o}: shape {a.shape} max|sim-ref| {e:.3g}" + (f" max|sim-numpy| {en:.3g}" if o in want else "") + f" cycles {cyc}")
        ok &= e <= tol and en <= tol
print("ALL OK" if ok else "FAILURES")
sys.exit(0 if ok else 1)
