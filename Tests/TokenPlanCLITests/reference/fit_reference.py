"""Independent reference for `tokenplan fit --format json` (issue #2).

Fits the shipped China national series with scipy (MINPACK through least_squares, method
'lm', tightened tolerances) in the log space of the multiplicative error model, and writes the
parameters, standard errors (s^2 (J^T J)^-1 via the SVD of J, scipy's curve_fit convention with
absolute_sigma=False) and SSE to fit_reference.json beside this file.

Run: python3 Tests/TokenPlanCLITests/reference/fit_reference.py   (scipy 1.17.1, numpy 2.4.6)
"""
import csv, datetime, json, os
import numpy as np
from scipy.optimize import least_squares

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", ".."))
rows = list(csv.DictReader(open(os.path.join(root, "datasets/public/china-nda-daily-tokens.csv"))))
dates = [datetime.date.fromisoformat(r["date"]) for r in rows]
t = np.array([(d - dates[0]).days for d in dates], float)
y = np.array([float(r["tokens_T"]) for r in rows])

def logistic(p, t):
    K, r, t0 = p
    return K / (1 + np.exp(-r * (t - t0)))

def resid(p):
    return np.log(logistic(p, t)) - np.log(y)

out = {}
# Start far from the answer, as a user would with no guess: K = 2 max(y), r from the data span.
res = least_squares(resid, [2 * y.max(), 0.01, t.mean()], method="lm", xtol=1e-15, ftol=1e-15,
                    gtol=1e-15, max_nfev=100000)
J = res.jac
_, s, vt = np.linalg.svd(J, full_matrices=False)
dof = len(y) - 3
sse = float(np.sum(res.fun ** 2))
cov = (vt.T / s ** 2) @ vt * sse / dof
out["logistic_multiplicative"] = {
    "parameters": dict(zip(["K", "r", "t0"], map(float, res.x))),
    "stderr": dict(zip(["K", "r", "t0"], map(float, np.sqrt(np.diag(cov))))),
    "sse": sse,
}
json.dump(out, open(os.path.join(here, "fit_reference.json"), "w"), indent=2)
print(json.dumps(out, indent=2))
