#!/usr/bin/env python3
"""The synthetic panel (SYNTHETIC data) held out: TokenPlan binaries side by side on the same
series, cut and horizon. N tokens series per generating family (default 15 → 60; `--per-family`),
training data to 2025-09-30, the next 182 days forecast daily and compared with the panel's
held-out days: mean MASE of the median path (scale: the training data's last 400 days'
seasonal-naive MAE, period 7), sMAPE, the coverage of the 80% and 95% intervals, and the mean
scaled interval score of each (MSIS, same scale: the width plus 2/α times any miss, a proper
score that weighs width against coverage).

    python3 Benchmarks/accuracy/panel.py BINARY [BINARY …] [--per-family N]
"""
import argparse, io, json, os, subprocess, tempfile
import numpy as np
import pandas as pd

root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ap = argparse.ArgumentParser()
ap.add_argument("binaries", nargs="+")
ap.add_argument("--per-family", type=int, default=15)
args = ap.parse_args()
CUT, H = pd.Timestamp("2025-09-30"), 182

panel = pd.read_csv(os.path.join(root, "datasets/synthetic/panel.csv.gz"))
panel["series"] = panel.industry + "/" + panel.scenario + "/" + panel.modality + "/" + panel.region
panel["y"] = (panel.input_tokens_B + panel.output_tokens_B) * 1e9
panel["ds"] = pd.to_datetime(panel.date)
truth = json.load(open(os.path.join(root, "datasets/synthetic/truth.json")))["segments"]
family = {"/".join([s["industry"], s["scenario"], s["modality"], s["region"]]): s["family"] for s in truth}
chosen, count = [], {}
for name in sorted(panel.series.unique()):
    f = family[name]
    if count.get(f, 0) < args.per_family:
        chosen.append(name)
        count[f] = count.get(f, 0) + 1
data = panel[panel.series.isin(chosen)][["series", "ds", "y"]]
train = data[data.ds <= CUT]
test = data[(data.ds > CUT) & (data.ds <= CUT + pd.Timedelta(days=H))]
scale = {s: np.mean(np.abs(np.diff(g.y.values[-400:], 7))) for s, g in train.groupby("series")}

print(f"Synthetic panel: {len(chosen)} tokens series ({args.per_family} per family), train to {CUT.date()}, {H} days ahead\n")
print("| binary | MASE (median) | sMAPE % | cover 80 % | cover 95 % | MSIS 80 | MSIS 95 | missing rows |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "train.csv")
    # One segment column: the loader refuses '/' inside a segment value, so it travels as '+'.
    train.assign(date=train.ds.dt.strftime("%Y-%m-%d"), tokens=train.y, series=train.series.str.replace("/", "+"))[
        ["date", "series", "tokens"]].to_csv(path, index=False)
    for b in args.binaries:
        r = subprocess.run([b, "forecast", path, "--horizon", f"{H}d", "--granularity", "day", "--format", "csv",
                            "--quiet"], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{b}: {r.stderr[-1500:]}")
        fc = pd.read_csv(io.StringIO(r.stdout))
        fc = fc.assign(ds=pd.to_datetime(fc.period), series=fc.series.str.replace(":tokens$", "", regex=True).str.replace("+", "/", regex=False))
        m = test.merge(fc, on=["series", "ds"], how="left")
        ok = m.p50.notna()
        err = np.abs(m.y - m.p50)
        mase = np.mean([np.mean(err[(m.series == s) & ok]) / scale[s] for s in chosen])
        smape = 100 * np.mean(2 * err[ok] / (np.abs(m.y[ok]) + np.abs(m.p50[ok])))
        c80 = np.mean((m.y >= m.lo_80) & (m.y <= m.hi_80))
        c95 = np.mean((m.y >= m.lo_95) & (m.y <= m.hi_95))
        def msis(lo, hi, alpha):
            score = (m[hi] - m[lo]) + 2 / alpha * ((m[lo] - m.y).clip(lower=0) + (m.y - m[hi]).clip(lower=0))
            return np.mean([np.mean(score[(m.series == s) & ok]) / scale[s] for s in chosen])
        print(f"| {b} | {mase:.3f} | {smape:.2f} | {100*c80:.1f} | {100*c95:.1f} | {msis('lo_80', 'hi_80', 0.2):.2f} "
              f"| {msis('lo_95', 'hi_95', 0.05):.2f} | {int((~ok).sum())} |", flush=True)
