"""Accuracy of reconciled vs base forecasts per hierarchy level on the synthetic panel (SYNTHETIC
data): training data to 2025-09-30, forecasts of 2025Q4 and 2026Q1 (tokens per day per quarter)
for every node (total, industry, scenario, modality, region, bottom), base (`--reconcile none`)
and each method; mean absolute percentage error of the quarterly means per level, against the
actual quarterly means. Run from the repository root after `swift build -c release`.
"""
import io, os, subprocess, sys
import numpy as np
import pandas as pd

root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
panel = pd.read_csv(os.path.join(root, "datasets/synthetic/panel.csv.gz"))
train_path = "/tmp/tokenplan-train.csv.gz"
panel[panel.date <= "2025-09-30"].to_csv(train_path, index=False)
panel["tokens"] = (panel.input_tokens_B + panel.output_tokens_B) * 1e9
test = panel[(panel.date > "2025-09-30")].copy()
test["quarter"] = pd.PeriodIndex(test.date, freq="Q").astype(str).str.replace("Q", "Q")
dims = ["industry", "scenario", "modality", "region"]
actual = {}
for q, g in test.groupby("quarter"):
    days = g.date.nunique()
    actual[("total", "total", q)] = g.tokens.sum() / days
    for d in dims:
        for v, gg in g.groupby(d):
            actual[(d, f"{d}={v}", q)] = gg.tokens.sum() / days
    for _, r in g.groupby(dims).tokens.sum().reset_index().iterrows():
        actual[("bottom", "/".join(r[d] for d in dims) + ":tokens", q)] = r.tokens / days
results = {}
for method in ["none", "bottom_up", "ols", "wls_struct", "wls_var", "mint_shrink"]:
    out = subprocess.run([os.path.join(root, ".build/release/tokenplan"), "forecast", train_path, "--horizon", "182d",
                          "--granularity", "quarter", "--reconcile", method, "--format", "csv", "--quiet", "--paths", "300"],
                         capture_output=True, text=True, check=True).stdout
    f = pd.read_csv(io.StringIO(out))
    errs = {}
    for _, r in f.iterrows():
        key = (r.level, r.series, r.period)
        if key in actual:
            errs.setdefault(r.level, []).append(abs(r["mean"] - actual[key]) / actual[key])
    results[method] = {lvl: 100 * np.mean(v) for lvl, v in errs.items()}
    print(method, {k: round(v, 1) for k, v in results[method].items()}, flush=True)
