#!/usr/bin/env python3
"""The public token disclosures left out one and two at a time: for every entity of
`datasets/public/token-disclosures.csv` with at least 4 points, the forecast from the points
before the cut to the held-out disclosure, its ratio to what was disclosed, and whether the 95%
interval covers it (and how wide it is, hi/lo).

    python3 Benchmarks/accuracy/disclosures.py BINARY [BINARY …]

A held-out monthly total is compared as tokens per day over its month (the forecast's daily
medians and means averaged over the month; the interval is the mid-month day's). Real data, no peer:
statsforecast needs regular series, which these are not.
"""
import csv, datetime, io, os, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
UNITS = {"B": 1e9, "T": 1e12, "Q": 1e15}

def rows():
    with open(os.path.join(ROOT, "datasets/public/token-disclosures.csv")) as f:
        return list(csv.DictReader(f))

def period_days(r):
    d = datetime.date.fromisoformat(r["date"])
    if r["period"] == "day":
        return [d]
    assert r["period"] == "month", r["period"]
    nxt = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return [d + datetime.timedelta(days=k) for k in range((nxt - d).days)]

def per_day(r):
    v = float(r["value"]) * UNITS[r["unit"]]
    return v / len(period_days(r)) if r["basis"] == "total" else v

def forecast(binary, train, held):
    days = period_days(held)
    last_train = max(period_days(train[-1]))
    horizon = (max(days) - last_train).days
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train.csv")
        with open(path, "w") as f:
            w = csv.writer(f)
            w.writerow(["date", "entity", "metric", "value", "unit", "period", "basis"])
            for r in train:
                w.writerow([r[k] for k in ["date", "entity", "metric", "value", "unit", "period", "basis"]])
        p = subprocess.run([binary, "forecast", path, "--horizon", f"{horizon}d", "--granularity", "day",
                            "--format", "csv", "--interval", "95", "--quiet"], capture_output=True, text=True)
    if p.returncode != 0:
        reasons = [l for l in p.stderr.splitlines() if "error" in l or "needed" in l or "too few" in l]
        return None, (reasons[-1] if reasons else "failed").split(": ", 1)[-1][:110]
    out = {row["period"]: row for row in csv.DictReader(io.StringIO(p.stdout))}
    got = [out[d.isoformat()] for d in days if d.isoformat() in out]
    if not got:
        return None, "no row for the held-out period"
    mean = sum(float(g["mean"]) for g in got) / len(got)
    median = sum(float(g["p50"]) for g in got) / len(got)
    mid = got[len(got) // 2]
    return (median, mean, float(mid["lo_95"]), float(mid["hi_95"])), ""

if __name__ == "__main__":
    data = rows()
    entities = {}
    for r in data:
        entities.setdefault(r["entity"], []).append(r)
    print("| entity | points used | held out | disclosed /day | binary | median ratio | mean ratio | 95% covers | 95% width (hi/lo) |")
    print("| --- | ---: | --- | ---: | --- | ---: | ---: | --- | ---: |")
    for name, rs in entities.items():
        rs.sort(key=lambda r: r["date"])
        if len(rs) < 4:
            continue
        for k in (1, 2):
            train, held = rs[:-k], rs[-k]
            actual = per_day(held)
            for b in sys.argv[1:]:
                res, err = forecast(b, train, held)
                label = b
                if res is None:
                    print(f"| {name} | {len(train)} | {held['date']} | {actual:.3g} | {label} | refused: {err} | | | |")
                    continue
                median, mean, lo, hi = res
                print(f"| {name} | {len(train)} | {held['date']} | {actual:.3g} | {label} | {median/actual:.2f} | {mean/actual:.2f} | "
                      f"{'yes' if lo <= actual <= hi else 'no'} | {hi/lo:.3g} |")
