"""Synthetic benchmark data for fit-bench (labelled synthetic; not real demand).

For each family, 1,000 series of 1,096 daily points (t = 0..1095): parameters drawn per series
around a base, values f(t)·(1 + 0.05·ε) with ε ~ N(0, 1), seed 20261129. Written as float64
little-endian, series-major (1000 × 1096) to data/<family>.bin, with the true parameters in
data/<family>.truth.json.
"""
import json, os, sys
import numpy as np

N_SERIES, N_POINTS, SEED = 1000, 1096, 20261129
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data")
os.makedirs(out, exist_ok=True)
t = np.arange(N_POINTS, dtype=float)

def logistic(t, K, r, t0): return K / (1 + np.exp(-r * (t - t0)))
def richards(t, K, r, t0, nu): return K / (1 + np.exp(-r * (t - t0))) ** (1 / nu)
def gompertz(t, K, r, t0): return K * np.exp(-np.exp(-r * (t - t0)))
def monomolecular(t, K, r, t0): return K * (1 - np.exp(-r * (t - t0)))
def exponential(t, a, r): return a * np.exp(r * t)
def power(t, a, b, t0): return a * (t - t0) ** b
def linear(t, a, b): return a + b * t
def bass(t, m, p, q, t0):
    e = np.exp(-(p + q) * (t - t0))
    return m * (1 - e) / (1 + (q / p) * e)

FAMILIES = {
    # name: (function, base parameters, relative spread per parameter)
    "linear": (linear, [2e12, 5e10], [0.3, 0.3]),
    "exponential": (exponential, [1e11, 0.004], [0.3, 0.2]),
    "logistic": (logistic, [1.5e14, 0.01, 700], [0.3, 0.2, 0.1]),
    "richards": (richards, [1.5e14, 0.012, 700, 2.0], [0.3, 0.2, 0.1, 0.3]),
    "gompertz": (gompertz, [1.5e14, 0.006, 600], [0.3, 0.2, 0.1]),
    "monomolecular": (monomolecular, [1.5e14, 0.002, -50], [0.3, 0.2, 0.5]),
    "power": (power, [1e9, 1.6, -30], [0.3, 0.1, 0.5]),
    "bass": (bass, [1.5e14, 0.0005, 0.009, -20], [0.3, 0.2, 0.2, 0.5]),
}

def main():
    rng = np.random.default_rng(SEED)
    for name, (f, base, spread) in FAMILIES.items():
        truths = []
        data = np.empty((N_SERIES, N_POINTS))
        for i in range(N_SERIES):
            p = [b * (1 + s * rng.uniform(-1, 1)) for b, s in zip(base, spread)]
            truths.append(p)
            data[i] = f(t, *p) * (1 + 0.05 * rng.standard_normal(N_POINTS))
        data.astype("<f8").tofile(os.path.join(out, f"{name}.bin"))
        json.dump({"family": name, "truth": truths}, open(os.path.join(out, f"{name}.truth.json"), "w"))
    print("wrote", out, file=sys.stderr)


if __name__ == "__main__":
    main()
