"""The peer for the SQLite store: Python's sqlite3 writing the same rows (the same tables as
TokenPlan's schema, WAL, one transaction, executemany per table) for runs of 288 and 10,000
series. Prints JSON lines like store-bench."""
import json, os, random, sqlite3, statistics, sys, time, uuid

out = sys.argv[1]
schema = [
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, plan TEXT, as_of TEXT, created_at TEXT, tool_version TEXT, seed TEXT, paths INTEGER, output TEXT, status TEXT)",
    "CREATE TABLE run_inputs (run_id BIGINT, path TEXT, sha256 TEXT)",
    "CREATE TABLE run_assumptions (run_id BIGINT, key TEXT, value DOUBLE PRECISION, unit TEXT, source TEXT, date TEXT)",
    "CREATE TABLE run_forecasts (run_id BIGINT, series TEXT, level TEXT, quarter TEXT, mean DOUBLE PRECISION, p10 DOUBLE PRECISION, p50 DOUBLE PRECISION, p90 DOUBLE PRECISION, lo95 DOUBLE PRECISION, hi95 DOUBLE PRECISION, model TEXT)",
    "CREATE TABLE run_fits (run_id BIGINT, series TEXT, model TEXT, mase DOUBLE PRECISION, smape DOUBLE PRECISION, origins INTEGER, selected INTEGER)",
    "CREATE TABLE run_plan (run_id BIGINT, quarter TEXT, workload TEXT, site TEXT, name TEXT, value DOUBLE PRECISION)",
    "CREATE TABLE run_actuals (run_id BIGINT, series TEXT, quarter TEXT, tokens_per_day DOUBLE PRECISION)",
]
for series in (288, 10000):
    rng = random.Random(1)
    names = [f"industry {s % 9}/scenario {s % 7}/modality {s % 3}/region {s}:tokens" for s in range(series)]
    times = []
    for _ in range(5 if series < 1000 else 3):
        path = os.path.join(out, f"peer-{uuid.uuid4()}.sqlite")
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        for s in schema:
            db.execute(s)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        rid = db.execute("INSERT INTO runs (plan, as_of, created_at, tool_version, seed, paths, output, status) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                         ("bench", "2026Q1", "2026-12-02T00:00:00Z", "bench", "1", 1000, "out", "complete")).fetchone()[0]
        db.executemany("INSERT INTO run_inputs VALUES (?,?,?)", [(rid, f"input{k}", "0" * 64) for k in range(4)])
        db.executemany("INSERT INTO run_assumptions VALUES (?,?,?,?,?,?)", [(rid, f"assumption {k}", rng.random(), "u", "s", "2026-01-01") for k in range(25)])
        db.executemany("INSERT INTO run_forecasts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       [(rid, n, "bottom", f"q{h}", 1e9, 8e8, 1e9, 1.2e9, 7e8, 1.3e9, "logistic") for n in names for h in range(8)])
        db.executemany("INSERT INTO run_fits VALUES (?,?,?,?,?,?,?)", [(rid, n, f"model {h}", rng.random(), rng.random(), 3, int(h == 0)) for n in names for h in range(8)])
        db.executemany("INSERT INTO run_actuals VALUES (?,?,?,?)", [(rid, n, f"q{k}", 1e9) for n in names for k in range(10)])
        db.executemany("INSERT INTO run_plan VALUES (?,?,?,?,?,?)", [(rid, f"q{h}", w, "main", f"column {c}", rng.random()) for h in range(8) for w in ("total", "a", "b", "c") for c in range(25)])
        db.execute("COMMIT")
        times.append(time.perf_counter() - start)
        db.close()
    rows = series * 26 + 800 + 29
    print(json.dumps({"store": "python sqlite3 (peer)", "series": series, "rows": rows, "record_s": statistics.median(times)}))
