"""Reconciliation benchmark: TokenPlan's MinT-shrink vs hierarchicalforecast's on the same
hierarchy, base forecasts and residuals, in one run, at 1,000 and 10,000 bottom series.

Hierarchy (synthetic): R regions × I industries bottom series, grouped: total, each region, each
industry, bottom (1,000 = 10 × 100; 10,000 = 20 × 500). Residuals: T = 100 per node, a common
factor plus noise (seed 1); base forecasts: 8 horizons. Writes the inputs to reconcile/data/,
times `MinTrace(method="mint_shrink", num_threads=1).fit_predict` (S, W built inside), runs
`reconcile-bench` on the same files, and compares the outputs (max relative difference).
"""
import json, os, subprocess, sys, time
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "data"), exist_ok=True)
root = os.path.abspath(os.path.join(here, ".."))
from hierarchicalforecast.methods import MinTrace
import hierarchicalforecast

for regions, industries in [(10, 100), (20, 500)]:
    rng = np.random.default_rng(1)
    nb = regions * industries
    S = np.zeros((1 + regions + industries + nb, nb))
    S[0] = 1
    for b in range(nb):
        S[1 + b // industries, b] = 1
        S[1 + regions + b % industries, b] = 1
    S[1 + regions + industries:] = np.eye(nb)
    n, na, T, H = S.shape[0], S.shape[0] - nb, 100, 8
    level = rng.uniform(10, 100, nb)
    y_hat = S @ np.outer(level, np.linspace(1, 1.2, H)) + rng.normal(0, 1, (n, H))
    res = rng.normal(0, 1, (n, T)) + 0.3 * rng.normal(0, 1, T)
    y_ins = S @ np.outer(level, np.ones(T)) + res
    base = os.path.join(here, "data", f"h{nb}")
    S.astype("<f8").tofile(base + ".S.bin"); y_hat.astype("<f8").tofile(base + ".yhat.bin"); res.astype("<f8").tofile(base + ".res.bin")
    json.dump({"n": n, "nb": nb, "T": T, "H": H}, open(base + ".json", "w"))
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        theirs = MinTrace(method="mint_shrink", num_threads=1).fit_predict(S=S, y_hat=y_hat, y_insample=y_ins, y_hat_insample=y_ins - res)["mean"]
        times.append(time.perf_counter() - t0)
    ours_out = subprocess.run([os.path.join(root, ".build/release/reconcile-bench"), base], capture_output=True, text=True, check=True)
    info = json.loads(ours_out.stdout)
    ours = np.fromfile(base + ".out.bin", dtype="<f8").reshape(H, n).T
    diff = float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-12)))
    row = {"bottom_series": nb, "nodes": n, "hierarchicalforecast": hierarchicalforecast.__version__,
           "theirs_s_median": float(np.median(times)), "ours_s_median": info["seconds_median"],
           "ratio": float(np.median(times)) / info["seconds_median"], "max_relative_difference": diff,
           "ours_peak_rss_mb": info["peak_rss_mb"]}
    print(json.dumps(row), flush=True)
