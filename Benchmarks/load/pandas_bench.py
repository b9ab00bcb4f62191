"""pandas side of the load benchmark: read_csv + pivot_table into a days × series frame.
Prints one JSON line: seconds, rows, panel shape, peak RSS (MB, from getrusage)."""
import json, resource, sys, time
import pandas as pd

path = sys.argv[1]
t0 = time.perf_counter()
df = pd.read_csv(path, parse_dates=["date"])
t1 = time.perf_counter()
panel = df.pivot_table(index="date", columns=["industry", "region"], values="tokens", aggfunc="sum")
t2 = time.perf_counter()
print(json.dumps({
    "tool": f"pandas {pd.__version__}", "rows": len(df), "shape": list(panel.shape),
    "read_s": t1 - t0, "pivot_s": t2 - t1, "total_s": t2 - t0,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "checksum": float(panel.sum().sum()),
}))
