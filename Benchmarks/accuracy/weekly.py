#!/usr/bin/env python3
"""Weekly real series by rolling origin: TokenPlan against statsforecast's seasonal AutoETS,
AutoTheta and SeasonalNaive (season 52) and Naive, in one run.

Two real weekly series with a yearly season, the only long ones offline:
- US finished motor gasoline product supplied (EIA, 1991–2017, 1,355 weeks; committed in
  `data/us-gasoline-weekly.csv` with its source);
- Mauna Loa CO2 (Scripps, 1958–2001, 2,284 Saturday weeks; `statsmodels.datasets.co2`, a
  dependency of statsforecast), its 59 missing weeks filled by linear interpolation for every
  method (TokenPlan finds a season only in consecutive weeks, and the peers take no gaps).

Each is cut at 12 origins, 13 weeks apart, the last 13 weeks before its end; every method
forecasts the next 13 weeks (a quarter) from the history before each origin. Scores as
m_seasonal.py's: MASE and MSIS (95%) on the in-sample seasonal-naive scale (lag 52), 80% and
95% coverage. TokenPlan reads each history two ways: dated weeks (`period` week, `basis`
per_day, the form a weekly export takes; `--horizon 13w --granularity period`) and plain
steps with `--season-length 52`.

    python3 Benchmarks/accuracy/weekly.py [--history WEEKS] BINARY [BINARY …]

`--history WEEKS` keeps only the last WEEKS weeks before each origin (a short export: too
short for the season, which needs three years and a passing test).

Two series and 24 windows: a check that the weekly season works on real data, not a
competition's verdict.
"""
import csv, datetime, io, os, shlex, subprocess, sys, tempfile
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m_subyearly import model_results
from m_seasonal import score

H, ORIGINS, M = 13, 12, 52

def load():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = [l.strip().split(",") for l in open(os.path.join(here, "data", "us-gasoline-weekly.csv")) if not l.startswith("#")][1:]
    gas = ([datetime.date.fromisoformat(d) for d, _ in rows], np.array([float(v) for _, v in rows]))
    import statsmodels.api as sm
    co2 = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    co2 = ([d.date() for d in co2.index], co2.values.astype(float))
    return {"gasoline": gas, "co2": co2}

def windows(series, history=0):
    """(name, dates, train, test, h): the 12 rolling origins of each series (the last
    `history` weeks before each, when given)."""
    out = []
    for name, (dates, x) in series.items():
        n = len(x)
        for k in range(ORIGINS):
            cut = n - H - (ORIGINS - 1 - k) * H
            first = max(cut - history, 0) if history else 0
            out.append((f"{name}@{dates[cut]}", dates[first:cut], x[first:cut], x[cut:cut + H], H))
    return out

def tokenplan(command, wins, dated):
    argv = shlex.split(command)
    data = [(n, x, xx, h) for n, _, x, xx, h in wins]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.csv")
        with open(path, "w") as f:
            if dated:
                f.write("date,series,tokens,period,basis\n")
                for n, dates, x, _, _ in wins:
                    for day, v in zip(dates, x):
                        f.write(f"{day.isoformat()},{n},{float(v)!r},week,per_day\n")
                shape = ["--horizon", f"{H}w", "--granularity", "period"]
            else:
                f.write("series,t,y\n")
                for n, _, x, _, _ in wins:
                    for t, v in enumerate(x, 1):
                        f.write(f"{n},{t},{float(v)!r}\n")
                shape = ["--series-column", "series", "--time-column", "t", "--value-column", "y", "--horizon", str(H),
                         "--granularity", "step", "--season-length", str(M)]
        r = subprocess.run([argv[0], "forecast", path] + shape + ["--format", "csv", "--interval", "80,95", "--paths", "1000",
                           "--quiet"] + argv[1:], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
    rows = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        rows.setdefault(row["series"].removesuffix(":tokens"), []).append(row)
    cols = ["p50", "lo_80", "hi_80", "lo_95", "hi_95"]
    return {n: {c: np.array([float(q[c]) for q in rows[n][:h]]) for c in cols} for n, _, _, h in data if n in rows}

def peers(wins):
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, Naive, SeasonalNaive
    data = [(n, x, xx, h) for n, _, x, xx, h in wins]
    df = pd.concat([pd.DataFrame({"unique_id": n, "ds": np.arange(1, len(x) + 1), "y": x}) for n, x, _, _ in data])
    models = [AutoETS(season_length=M), AutoTheta(season_length=M), SeasonalNaive(season_length=M), Naive()]
    fc = StatsForecast(models=models, freq=1, n_jobs=1).forecast(df=df, h=H, level=[80, 95])
    names = {"AutoETS": f"AutoETS (season {M})", "AutoTheta": f"AutoTheta (season {M})",
             "SeasonalNaive": f"SeasonalNaive (season {M})", "Naive": "Naive"}
    return {label: model_results(fc, data, model) for model, label in names.items()}

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=0)
    ap.add_argument("binaries", nargs="*", default=[".build/release/tokenplan"])
    args = ap.parse_args()
    binaries = args.binaries
    series = load()
    wins = windows(series, args.history)
    results = {}
    for b in binaries:
        results[f"TokenPlan (`{b}`, dated weeks)"] = tokenplan(b, wins, dated=True)
        results[f"TokenPlan (`{b}`, steps)"] = tokenplan(b, wins, dated=False)
    results.update(peers(wins))
    for title, keep in [("Both series", lambda n: True), ("US gasoline", lambda n: n.startswith("gasoline@")),
                        ("Mauna Loa CO2", lambda n: n.startswith("co2@"))]:
        data = [(n, x, xx, h) for n, _, x, xx, h in wins if keep(n)]
        print(f"\n{title}: {len(data)} windows, h = {H} weeks, season {M}\n")
        print("| method | windows | MASE (seasonal scale) | MASE (one-step scale) | cover 80 % | cover 95 % | MSIS mean | MSIS median |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, res in results.items():
            k, mase, mase1, c80, c95, msis, msis_med = score(data, res, M)
            print(f"| {label} | {k} | {mase:.3f} | {mase1:.3f} | {c80:.1f} | {c95:.1f} | {msis:.2f} | {msis_med:.2f} |")
