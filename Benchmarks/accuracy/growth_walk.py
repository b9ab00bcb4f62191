#!/usr/bin/env python3
"""SYNTHETIC series whose growth rate moves: a local linear trend in logs (a random walk in the
growth rate of variance Q per step, 5% noise), 60 series of 96 steps, the next 18 held out;
TokenPlan binaries side by side on the same series (`forecast --granularity step`): coverage of
the 80% and 95% intervals over the 18 held-out steps and the mean log width of the 95% interval
at the last one. A check of issue 32's goal 2 (bands for series whose growth rate moved), not a
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
    c80, c95, width = [], [], []
    for name, x in truth.items():
        f = out[name][:H]
        col = lambda k: np.array([float(q[k]) for q in f])
        c80.append(np.mean((x >= col("lo_80")) & (x <= col("hi_80"))))
        c95.append(np.mean((x >= col("lo_95")) & (x <= col("hi_95"))))
        width.append(np.log(col("hi_95")[-1] / col("lo_95")[-1]))
    return 100 * np.mean(c80), 100 * np.mean(c95), np.mean(width)

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--q", default="1e-4,1e-5,1e-6")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    print("| growth-rate variance per step | binary | cover 80 % | cover 95 % | 95% log width at step 18 |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for q in map(float, args.q.split(",")):
        text, truth = simulate(q)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "walk.csv")
            open(path, "w").write(text)
            for b in args.binaries:
                c80, c95, w = score(b, path, truth)
                print(f"| {q:g} | `{b}` | {c80:.1f} | {c95:.1f} | {w:.2f} |", flush=True)
