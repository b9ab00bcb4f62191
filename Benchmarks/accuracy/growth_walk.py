#!/usr/bin/env python3
"""SYNTHETIC series whose growth rate moves: a local linear trend in logs (a random walk in the
growth rate of variance Q per step, 5% noise), 60 series of 96 steps, the next 18 held out;
TokenPlan binaries side by side on the same series (`forecast --granularity step`), with
statsforecast's AutoETS fitted to the log series as the peer: coverage of the 80% and 95%
intervals over the 18 held-out steps, the mean log width of the 95% interval at the last one,
and the median's mean absolute log error over the 18 steps and at the last. A check of issue 32's goal 2 (bands for series whose growth rate moved), not a
competition: the data are simulated here with a fixed seed per Q.

    python3 Benchmarks/accuracy/growth_walk.py [--q 1e-4,1e-5,1e-6] BINARY [BINARY …]
"""
import argparse, csv, io, os, subprocess, tempfile
import numpy as np

SERIES, N, H = 60, 96, 18

def simulate(q):
    rng = np.random.default_rng(5)
    rows, truth = ["series,t,y"], {}
    for s in range(SERIES):
        beta = 0.01 + np.cumsum(rng.normal(0, np.sqrt(q), N + H))
        z = 3 + np.cumsum(beta) + rng.normal(0, 0.05, N + H)
        rows += [f"s{s},{k + 1},{float(np.exp(z[k]))!r}" for k in range(N)]
        truth[f"s{s}"] = np.exp(z[N:])
    return "\n".join(rows) + "\n", truth

def score(binary, path, truth):
    r = subprocess.run([binary, "forecast", path, "--series-column", "series", "--time-column", "t", "--value-column", "y",
                        "--horizon", str(H), "--granularity", "step", "--format", "csv", "--interval", "80,95", "--quiet"],
                       capture_output=True, text=True, check=True)
    out = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        out.setdefault(row["series"], []).append(row)
    return measures({name: {k: np.array([float(q[k]) for q in out[name][:H]]) for k in COLUMNS} for name in truth}, truth)

COLUMNS = ["p50", "lo_80", "hi_80", "lo_95", "hi_95"]

def measures(res, truth):
    c80, c95, width, err, err_last = [], [], [], [], []
    for name, x in truth.items():
        f = res[name]
        c80.append(np.mean((x >= f["lo_80"]) & (x <= f["hi_80"])))
        c95.append(np.mean((x >= f["lo_95"]) & (x <= f["hi_95"])))
        width.append(np.log(f["hi_95"][-1] / f["lo_95"][-1]))
        e = np.abs(np.log(f["p50"] / x))
        err.append(e.mean())
        err_last.append(e[-1])
    return 100 * np.mean(c80), 100 * np.mean(c95), np.mean(width), np.mean(err), np.mean(err_last)

def peer(text, truth):
    """statsforecast's AutoETS on the log series (its bands and median back through exp)."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS
    df = pd.read_csv(io.StringIO(text)).rename(columns={"series": "unique_id", "t": "ds"})
    df["y"] = np.log(df["y"])
    fc = StatsForecast(models=[AutoETS(season_length=1)], freq=1, n_jobs=1).forecast(df=df, h=H, level=[80, 95])
    res = {}
    for name in truth:
        f = fc[fc["unique_id"] == name]
        res[name] = {"p50": np.exp(f["AutoETS"].values)} | {
            f"{side}_{lv}": np.exp(f[f"AutoETS-{side}-{lv}"].values) for side in ("lo", "hi") for lv in (80, 95)}
    return measures(res, truth)

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--q", default="1e-4,1e-5,1e-6")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    print("| growth-rate variance per step | method | cover 80 % | cover 95 % | 95% log width at step 18 | median's mean abs log error | at step 18 |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for q in map(float, args.q.split(",")):
        text, truth = simulate(q)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "walk.csv")
            open(path, "w").write(text)
            for b in args.binaries:
                c80, c95, w, e, e18 = score(b, path, truth)
                print(f"| {q:g} | `{b}` | {c80:.1f} | {c95:.1f} | {w:.2f} | {e:.3f} | {e18:.3f} |", flush=True)
            c80, c95, w, e, e18 = peer(text, truth)
            print(f"| {q:g} | AutoETS (logs) | {c80:.1f} | {c95:.1f} | {w:.2f} | {e:.3f} | {e18:.3f} |", flush=True)
