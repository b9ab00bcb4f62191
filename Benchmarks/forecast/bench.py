"""Forecast benchmark: TokenPlan vs Prophet and statsforecast's AutoETS on the same series,
horizon and hold-out, in one run, every tool on the same single core.

Series: the shipped synthetic panel's tokens series (SYNTHETIC data), N per generating family
(default 15 → 60 series; `--per-family`). Training data end on 2025-09-30; every tool forecasts
the next 182 days, compared with the held-out actuals:
- MASE (scaled by the training data's seasonal-naive MAE, period 7), sMAPE (%),
- empirical coverage of the 80% and 95% intervals, and the count of negative forecasts,
- wall time and CPU seconds of the whole forecast step, and CPU seconds per series.
Cores: this process pins itself (and so every tool it starts) to one core (`--cores 1`, the
default; os.sched_setaffinity), so the tools compare on equal hardware; `--cores 0` leaves the
affinity alone. TokenPlan: `tokenplan forecast --horizon 182d --granularity day` on a CSV of the
training data (its default model selection, 1,000 paths), one row per `--binary` (before and
after a change, side by side). Prophet 1.x: defaults (linear growth, automatic weekly/yearly
seasonality), intervals from `predictive_samples` (1,000). AutoETS: season_length=7,
level=[80, 95], n_jobs=1.

    python3 Benchmarks/forecast/bench.py [--binary OLD --binary NEW] [--per-family N] [--skip-prophet]
"""
import argparse, gzip, io, json, os, subprocess, sys, time, warnings, logging
import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--per-family", type=int, default=15)
ap.add_argument("--skip-prophet", action="store_true")
ap.add_argument("--binary", action="append", help="tokenplan binary (repeatable; default: this checkout's release build)")
ap.add_argument("--cores", type=int, default=1, help="pin every tool to this many cores (0: leave as is)")
args = ap.parse_args()
if args.cores > 0:
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
import resource

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
CUT, H = pd.Timestamp("2025-09-30"), 182

panel = pd.read_csv(os.path.join(root, "datasets/synthetic/panel.csv.gz"))
panel["series"] = panel.industry + "/" + panel.scenario + "/" + panel.modality + "/" + panel.region + ":tokens"
panel["y"] = (panel.input_tokens_B + panel.output_tokens_B) * 1e9
panel["ds"] = pd.to_datetime(panel.date)
truth = json.load(open(os.path.join(root, "datasets/synthetic/truth.json")))["segments"]
family = {"/".join([s["industry"], s["scenario"], s["modality"], s["region"]]) + ":tokens": s["family"] for s in truth}
chosen, count = [], {}
for name in sorted(panel.series.unique()):
    f = family[name]
    if count.get(f, 0) < args.per_family:
        chosen.append(name); count[f] = count.get(f, 0) + 1
data = panel[panel.series.isin(chosen)][["series", "ds", "y"]]
train = data[data.ds <= CUT]
test = data[(data.ds > CUT) & (data.ds <= CUT + pd.Timedelta(days=H))]
scale = {s: np.mean(np.abs(np.diff(g.y.values[-400:], 7))) for s, g in train.groupby("series")}

def score(name, fc, seconds, cpu):
    """fc: DataFrame series, ds, mean, lo80, hi80, lo95, hi95."""
    m = test.merge(fc, on=["series", "ds"], how="left")
    ok = m["mean"].notna()
    err = np.abs(m.y - m["mean"])
    mase = np.mean([np.mean(err[(m.series == s) & ok]) / scale[s] for s in chosen])
    smape = 100 * np.mean(2 * err[ok] / (np.abs(m.y[ok]) + np.abs(m["mean"][ok])))
    c80 = np.mean((m.y >= m.lo80) & (m.y <= m.hi80))
    c95 = np.mean((m.y >= m.lo95) & (m.y <= m.hi95))
    neg = int((fc[["mean", "lo80", "lo95"]] < 0).any(axis=1).sum())
    row = {"tool": name, "series": len(chosen), "horizon_days": H, "cores": args.cores or len(os.sched_getaffinity(0)),
           "seconds": seconds, "cpu_seconds": cpu, "cpu_ms_per_series": 1000 * cpu / len(chosen), "mase": mase,
           "smape": smape, "coverage_80": c80, "coverage_95": c95, "negative_forecast_rows": neg,
           "missing_rows": int((~ok).sum())}
    print(json.dumps(row), flush=True)
    return row

results = []
# TokenPlan.
csv_path = os.path.join(here, "train.csv")
out = train.assign(date=train.ds.dt.strftime("%Y-%m-%d"), tokens=train.y,
                   series=train.series.str.replace(":tokens$", "", regex=True))[["date", "series", "tokens"]]
out.to_csv(csv_path, index=False)
for binary in args.binary or [os.path.join(root, ".build/release/tokenplan")]:
    t0, c0 = time.perf_counter(), children_cpu()
    res = subprocess.run([binary, "forecast", csv_path, "--horizon", f"{H}d", "--granularity", "day",
                          "--format", "csv", "--quiet"], capture_output=True, text=True, check=True)
    seconds, cpu = time.perf_counter() - t0, children_cpu() - c0
    tp = pd.read_csv(io.StringIO(res.stdout))
    tp = tp.assign(ds=pd.to_datetime(tp.period)).rename(columns={"p50": "median"})
    tp = tp.rename(columns={"lo_80": "lo80", "hi_80": "hi80", "lo_95": "lo95", "hi_95": "hi95"})
    tp["mean"] = tp["median"]  # the point forecast scored is the median path
    results.append(score(f"tokenplan ({binary})", tp, seconds, cpu))

# statsforecast AutoETS.
from statsforecast import StatsForecast
from statsforecast.models import AutoETS
sf_df = train.rename(columns={"series": "unique_id"})
t0, c0 = time.perf_counter(), time.process_time()
sf = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=1)
f = sf.forecast(df=sf_df, h=H, level=[80, 95])
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
f = f.reset_index() if "unique_id" not in f.columns else f
f = f.rename(columns={"unique_id": "series", "AutoETS": "mean", "AutoETS-lo-80": "lo80",
                      "AutoETS-hi-80": "hi80", "AutoETS-lo-95": "lo95", "AutoETS-hi-95": "hi95"})
results.append(score("statsforecast AutoETS", f, seconds, cpu))

# Prophet.
if not args.skip_prophet:
    logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
    logging.getLogger("prophet").setLevel(logging.ERROR)
    from prophet import Prophet
    rows = []
    t0, c0, cc0 = time.perf_counter(), time.process_time(), children_cpu()
    for s, g in train.groupby("series"):
        m = Prophet(uncertainty_samples=1000)
        m.fit(g[["ds", "y"]])
        future = m.make_future_dataframe(periods=H, include_history=False)
        samples = m.predictive_samples(future)["yhat"]
        rows.append(pd.DataFrame({
            "series": s, "ds": future.ds.values, "mean": np.median(samples, axis=1),
            "lo80": np.quantile(samples, 0.1, axis=1), "hi80": np.quantile(samples, 0.9, axis=1),
            "lo95": np.quantile(samples, 0.025, axis=1), "hi95": np.quantile(samples, 0.975, axis=1)}))
    # Prophet's Stan optimiser runs in a child process (cmdstanpy): its CPU counts too.
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0 + children_cpu() - cc0
    results.append(score("prophet", pd.concat(rows), seconds, cpu))

json.dump(results, open(os.path.join(here, "results.json"), "w"), indent=2)
