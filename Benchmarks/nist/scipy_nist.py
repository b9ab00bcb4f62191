"""scipy's MINPACK on the 26 single-predictor NIST StRD nonlinear problems, for comparison with
TokenPlan's table in docs/nist-accuracy.md. curve_fit as users call it (method 'lm',
forward-difference Jacobian, default tolerances, maxfev 10000), from NIST's start 1 and start 2.
A problem is solved when every parameter has LRE >= 4 (Ceres' criterion)."""
import math, os, re, sys, warnings
import numpy as np
from scipy.optimize import curve_fit

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "datasets", "reference", "nist-strd", "nonlinear")
pi = math.pi
E = np.exp
MODELS = {
    "Misra1a": (lambda x, b1, b2: b1 * (1 - E(-b2 * x))),
    "Chwirut2": (lambda x, b1, b2, b3: E(-b1 * x) / (b2 + b3 * x)),
    "Chwirut1": (lambda x, b1, b2, b3: E(-b1 * x) / (b2 + b3 * x)),
    "Lanczos3": (lambda x, b1, b2, b3, b4, b5, b6: b1 * E(-b2 * x) + b3 * E(-b4 * x) + b5 * E(-b6 * x)),
    "Gauss1": (lambda x, b1, b2, b3, b4, b5, b6, b7, b8: b1 * E(-b2 * x) + b3 * E(-(x - b4) ** 2 / b5 ** 2) + b6 * E(-(x - b7) ** 2 / b8 ** 2)),
    "Gauss2": None, "DanWood": (lambda x, b1, b2: b1 * x ** b2),
    "Misra1b": (lambda x, b1, b2: b1 * (1 - (1 + b2 * x / 2) ** (-2))),
    "Kirby2": (lambda x, b1, b2, b3, b4, b5: (b1 + b2 * x + b3 * x ** 2) / (1 + b4 * x + b5 * x ** 2)),
    "Hahn1": (lambda x, b1, b2, b3, b4, b5, b6, b7: (b1 + b2 * x + b3 * x ** 2 + b4 * x ** 3) / (1 + b5 * x + b6 * x ** 2 + b7 * x ** 3)),
    "MGH17": (lambda x, b1, b2, b3, b4, b5: b1 + b2 * E(-x * b4) + b3 * E(-x * b5)),
    "Lanczos1": None, "Lanczos2": None, "Gauss3": None,
    "Misra1c": (lambda x, b1, b2: b1 * (1 - (1 + 2 * b2 * x) ** (-.5))),
    "Misra1d": (lambda x, b1, b2: b1 * b2 * x * ((1 + b2 * x) ** (-1))),
    "Roszman1": (lambda x, b1, b2, b3, b4: b1 - b2 * x - np.arctan(b3 / (x - b4)) / pi),
    "ENSO": (lambda x, b1, b2, b3, b4, b5, b6, b7, b8, b9: b1 + b2 * np.cos(2 * pi * x / 12) + b3 * np.sin(2 * pi * x / 12) + b5 * np.cos(2 * pi * x / b4) + b6 * np.sin(2 * pi * x / b4) + b8 * np.cos(2 * pi * x / b7) + b9 * np.sin(2 * pi * x / b7)),
    "MGH09": (lambda x, b1, b2, b3, b4: b1 * (x ** 2 + x * b2) / (x ** 2 + x * b3 + b4)),
    "Thurber": None, "BoxBOD": None,
    "Rat42": (lambda x, b1, b2, b3: b1 / (1 + E(b2 - b3 * x))),
    "MGH10": (lambda x, b1, b2, b3: b1 * E(b2 / (x + b3))),
    "Eckerle4": (lambda x, b1, b2, b3: (b1 / b2) * E(-0.5 * ((x - b3) / b2) ** 2)),
    "Rat43": (lambda x, b1, b2, b3, b4: b1 / ((1 + E(b2 - b3 * x)) ** (1 / b4))),
    "Bennett5": (lambda x, b1, b2, b3: b1 * (b2 + x) ** (-1 / b3)),
}
for alias, same in [("Gauss2", "Gauss1"), ("Gauss3", "Gauss1"), ("Lanczos1", "Lanczos3"), ("Lanczos2", "Lanczos3"), ("Thurber", "Hahn1"), ("BoxBOD", "Misra1a")]:
    MODELS[alias] = MODELS[same]

def parse(name):
    lines = open(os.path.join(root, name + ".dat")).read().split("\n")
    lo, hi = [int(v) for v in re.findall(r"\d+", [l for l in lines[:12] if "Data" in l and "lines" in l][0])][-2:]
    params = []
    for l in lines:
        m = re.match(r"\s*b\d+\s*=\s*(.*)", l)
        if m:
            nums = [float(v) for v in m.group(1).split()]
            if len(nums) == 4:
                params.append(nums)
    data = np.array([[float(v) for v in lines[i - 1].split()] for i in range(lo, hi + 1)])
    return np.array(params), data[:, 1], data[:, 0]

def lre(c, q):
    if c == q: return 15.0
    if not np.isfinite(q): return 0.0
    e = abs(q - c) / abs(c) if c != 0 else abs(q)
    return min(15.0, max(0.0, -math.log10(e)))

solved = {1: 0, 2: 0}
print("| set | start 1 | start 2 |")
print("| --- | ---: | ---: |")
for name, f in MODELS.items():
    params, x, y = parse(name)
    cells = []
    for s in (1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                p, _ = curve_fit(f, x, y, p0=params[:, s - 1], maxfev=10000)
                v = min(lre(c, q) for c, q in zip(params[:, 2], p))
            except Exception:
                v = 0.0
        solved[s] += v >= 4
        cells.append(f"{v:.1f}")
    print(f"| {name} | {cells[0]} | {cells[1]} |")
print(f"\nsolved (all parameters LRE >= 4): start 1 {solved[1]}/26, start 2 {solved[2]}/26")
