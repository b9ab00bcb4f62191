#!/usr/bin/env python3
"""Reference values for GrowthMovementTests, by an independent numpy implementation of the
estimator documented on `GrowthMovement` (Sources/Forecasting/GrowthMovement.swift).

SYNTHETIC series, simulated here with a fixed seed from a local linear trend (noise, level and
growth-rate random walks with the variances in `truth`), in logs. Writes `series.csv` (one
column per series, t = 0, 1, …) and `reference.json` (each series' truth and the estimator's
three variances, to 17 digits).

    python3 Tests/ForecastingTests/reference/growth-movement/reference.py
"""
import json, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

def lags(max_lag):
    out, lag = [], 1
    while lag <= max_lag:
        out.append(lag)
        lag = lag + 1 if lag < 8 else max(lag + 1, int(np.floor(lag * 1.2 + 0.5)))
    if out[-1] != max_lag:
        out.append(max_lag)
    return out

def measure(z, horizon):
    n = len(z)
    t = np.arange(n, dtype=float)
    s = (t - (t[0] + t[-1]) / 2) / ((t[-1] - t[0]) / 2)
    X = np.vstack([np.ones(n), s, s * s, s ** 3]).T
    e = z - X @ np.linalg.lstsq(X, z, rcond=None)[0]
    max_lag = max(3, min(n // 4, int(np.floor(horizon + 0.5))))
    rows, m, w = [], [], []
    for lag in lags(max_lag):
        d = e[2 * lag:] - 2 * e[lag:n - lag] + e[:n - 2 * lag]
        med = np.quantile(d * d, 0.5) / 0.45493642311957283  # χ²₁'s median
        if med <= 0:
            continue
        rows.append([6, 2 * lag, (2 * lag ** 3 + lag) / 3]); m.append(med); w.append(np.sqrt(len(d)) / med)
    rows, m, w = np.array(rows), np.array(m), np.array(w)
    best = None
    for subset in range(1, 8):
        cols = [c for c in range(3) if subset >> c & 1]
        if len(rows) <= len(cols):
            continue
        A, b = rows[:, cols] * w[:, None], m * w
        v = np.linalg.lstsq(A, b, rcond=None)[0]
        if (v < 0).any():
            continue
        sse = float(np.sum((A @ v - b) ** 2))
        if best is None or sse < best[0]:
            full = np.zeros(3); full[cols] = v; best = (sse, full)
    return best[1]

if __name__ == "__main__":
    rng = np.random.default_rng(20261206)
    cases = [  # name, n, horizon (steps), noise, level, growth variances
        ("noise-only", 120, 18, 0.01, 0.0, 0.0),
        ("level-walk", 120, 18, 0.0025, 0.0004, 0.0),
        ("growth-walk", 120, 18, 0.0025, 0.0, 1e-4),
        ("all-three", 200, 30, 0.0025, 0.0001, 2e-5),
    ]
    columns, out = {}, {}
    for name, n, h, se, sl, sg in cases:
        beta = 0.01 + np.cumsum(rng.normal(0, np.sqrt(sg), n))
        mu = np.cumsum(beta + rng.normal(0, np.sqrt(sl), n))
        z = 3 + mu + rng.normal(0, np.sqrt(se), n)
        columns[name] = z
        v = measure(z, h)
        out[name] = {"n": n, "horizon": h, "truth": [se, sl, sg], "estimate": [float(x) for x in v]}
    longest = max(len(c) for c in columns.values())
    with open(os.path.join(HERE, "series.csv"), "w") as f:
        f.write(",".join(columns) + "\n")
        for i in range(longest):
            f.write(",".join(repr(float(c[i])) if i < len(c) else "" for c in columns.values()) + "\n")
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))
