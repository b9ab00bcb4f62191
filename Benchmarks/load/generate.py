"""10-million-row tidy demand CSV for the load benchmark (synthetic, seed 7).

2,720 series (40 industries × 68 regions) × 3,677 days (2016-01-01 …) = 10,001,440 rows:
`date,industry,region,tokens`, values with 7 significant digits, rows sorted by series then date
(a warehouse export's order). Written to load/data/tidy-10m.csv.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "data"), exist_ok=True)
path = os.path.join(here, "data", "tidy-10m.csv")
rng = np.random.default_rng(7)
days = np.arange(np.datetime64("2016-01-01"), np.datetime64("2016-01-01") + 3677)
dates = np.datetime_as_string(days, unit="D")
with open(path, "w") as f:
    f.write("date,industry,region,tokens\n")
    for i in range(40):
        for r in range(68):
            level = 1e9 * np.exp(rng.normal(0, 1)) * np.exp(np.cumsum(rng.normal(0.001, 0.02, len(days))))
            prefix = f",industry-{i:02d},region-{r:02d},"
            f.writelines(d + prefix + f"{v:.7g}\n" for d, v in zip(dates, level))
print(path, os.path.getsize(path))
