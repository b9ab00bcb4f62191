"""Golden reconciliation results from hierarchicalforecast (pip package, version printed in the
output) for tests/ForecastingTests: a grouped hierarchy (total; 2 regions; 3 industries; 6
bottom series = region × industry), base forecasts for 4 horizons and 60 in-sample residuals per
node (seed 3, synthetic), reconciled by BottomUp and MinTrace(ols, wls_struct, wls_var,
mint_shrink). Writes reconciliation_reference.json beside this file.

Covariance convention (theirs, matched by TokenPlan): residuals = y_insample − y_hat_insample;
wls_var uses the mean of squared residuals (not centred) + 2e-8; mint_shrink centres the
residuals and divides by T − 1, shrinks off-diagonals toward zero by Schäfer–Strimmer's λ and
floors the diagonal at 2e-8.

Run: python3 Tests/ForecastingTests/reference/reconciliation_reference.py
"""
import json, os
import numpy as np
import hierarchicalforecast
from hierarchicalforecast.methods import BottomUp, MinTrace

rng = np.random.default_rng(3)
regions, industries = 2, 3
nb = regions * industries
S_rows = [np.ones(nb)]
for r in range(regions):
    S_rows.append(np.array([1.0 if b // industries == r else 0.0 for b in range(nb)]))
for i in range(industries):
    S_rows.append(np.array([1.0 if b % industries == i else 0.0 for b in range(nb)]))
S = np.vstack(S_rows + list(np.eye(nb)))
n = S.shape[0]
h, T = 4, 60
bottom_level = rng.uniform(50, 150, size=nb)
y_hat = S @ np.outer(bottom_level, np.linspace(1, 1.3, h)) + rng.normal(0, 8, size=(n, h))
common = rng.normal(0, 1, size=T)
res = np.vstack([rng.normal(0, 1 + 0.2 * k, size=T) + 0.5 * common for k in range(n)])
y_insample = S @ np.outer(bottom_level, np.ones(T)) + res
y_hat_insample = y_insample - res
out = {"package": f"hierarchicalforecast {hierarchicalforecast.__version__}", "S": S.tolist(),
       "y_hat": y_hat.tolist(), "residuals": res.tolist(), "results": {}}
out["results"]["bottom_up"] = BottomUp().fit_predict(S=S, y_hat=y_hat)["mean"].tolist()
for method in ["ols", "wls_struct", "wls_var", "mint_shrink"]:
    r = MinTrace(method=method).fit_predict(S=S, y_hat=y_hat, y_insample=y_insample, y_hat_insample=y_hat_insample)
    out["results"][method] = r["mean"].tolist()
json.dump(out, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reconciliation_reference.json"), "w"))
print(out["package"], {k: np.round(np.array(v)[0, :2], 6).tolist() for k, v in out["results"].items()})
