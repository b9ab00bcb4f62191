"""scipy side of the fit benchmark, and the side-by-side report.

For each family, fits the same 1,000 series that fit-bench fitted, with
scipy.optimize.curve_fit (MINPACK lmder through least_squares' 'lm' path: no bounds, default
tolerances ftol = xtol = 1.49e-8, forward-difference Jacobian — curve_fit as users call it),
started from the *same* starting values TokenPlan's self-start produced (read from
results/<family>.swift.json), single-threaded. Reports fits per second for both, their ratio, and
the share of series where TokenPlan's SSE ≤ scipy's × (1 + 1e-9).
"""
import json, os, sys, time, warnings
import numpy as np
from scipy.optimize import curve_fit
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import FAMILIES, N_POINTS  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
t = np.arange(N_POINTS, dtype=float)
families = sys.argv[1:] or list(FAMILIES)
summary = []
for name in families:
    f = FAMILIES[name][0]
    ours = json.load(open(os.path.join(here, "results", f"{name}.swift.json")))
    data = np.fromfile(os.path.join(here, "data", f"{name}.bin"), dtype="<f8").reshape(-1, N_POINTS)
    sse_scipy, failures, per_fit = [], 0, []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start_all = time.perf_counter()
        for i, row in enumerate(ours["rows"]):
            y = data[i]
            t0 = time.perf_counter()
            try:
                p, _ = curve_fit(f, t, y, p0=row["start"], maxfev=20000)
                r = f(t, *p) - y
                sse = float(r @ r) if np.all(np.isfinite(r)) else float("inf")
            except Exception:
                failures += 1
                sse = float("inf")
            per_fit.append(time.perf_counter() - t0)
            sse_scipy.append(sse)
        total = time.perf_counter() - start_all
    sse_ours = np.array([r["sse"] for r in ours["rows"]])
    sse_scipy = np.array(sse_scipy)
    not_worse = float(np.mean(sse_ours <= sse_scipy * (1 + 1e-9)))
    better = float(np.mean(sse_ours < sse_scipy * (1 - 1e-6)))
    ours_rate = len(ours["rows"]) / ours["fit_seconds_total"]
    scipy_rate = len(sse_scipy) / total
    ours_median_us = ours["fit_ns_median"] / 1e3
    scipy_median_us = 1e6 * float(np.median(per_fit))
    floor_us = (ours["eval_plus_jacobian_ns_median"] + ours["qr_ns_median"]) / 1e3
    row = {
        "family": name, "series": len(sse_scipy),
        "tokenplan_fits_per_s": ours_rate, "scipy_fits_per_s": scipy_rate,
        "speed_ratio": ours_rate / scipy_rate,
        "tokenplan_us_per_fit_median": ours_median_us, "scipy_us_per_fit_median": scipy_median_us,
        "median_ratio": scipy_median_us / ours_median_us,
        "tokenplan_ms_per_fit": 1e3 / ours_rate, "scipy_ms_per_fit_median": 1e3 * float(np.median(per_fit)),
        "tokenplan_iterations_per_fit": ours["iterations_total"] / len(ours["rows"]),
        "tokenplan_per_iteration_us": ours["per_iteration_ns"] / 1e3,
        "floor_us": floor_us, "per_iteration_over_floor": ours["per_iteration_ns"] / 1e3 / floor_us,
        "sse_not_worse_share": not_worse, "sse_better_share": better,
        "scipy_failures": failures, "tokenplan_converged": ours["converged"],
    }
    summary.append(row)
    print(f"{name:14s} ours {ours_rate:8.0f}/s  scipy {scipy_rate:7.0f}/s  ratio {row['speed_ratio']:5.1f}x  "
          f"median fit {ours_median_us:6.1f} vs {scipy_median_us:7.1f} µs ({row['median_ratio']:4.1f}x)  "
          f"iter/fit {row['tokenplan_iterations_per_fit']:5.1f}  per-iter {row['tokenplan_per_iteration_us']:5.1f} µs "
          f"= {row['per_iteration_over_floor']:.2f}x floor  SSE≤scipy {100*not_worse:5.1f}%  "
          f"better {100*better:4.1f}%  scipy failed {failures}", flush=True)
json.dump(summary, open(os.path.join(here, "results", "summary.json"), "w"), indent=2)
