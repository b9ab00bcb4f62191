-- A run store as TokenPlan's schema version 1 wrote it (before run_actuals), with one run: the
-- fixture of the migration test. Same statements as Sources/RunStore/Schema.swift's first
-- migration, in SQLite's dialect.
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, plan TEXT NOT NULL, as_of TEXT NOT NULL, created_at TEXT NOT NULL, tool_version TEXT NOT NULL, seed TEXT NOT NULL, paths INTEGER NOT NULL, output TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE run_inputs (run_id BIGINT NOT NULL REFERENCES runs(id), path TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE run_assumptions (run_id BIGINT NOT NULL REFERENCES runs(id), key TEXT NOT NULL, value DOUBLE PRECISION, unit TEXT NOT NULL, source TEXT NOT NULL, date TEXT NOT NULL);
CREATE TABLE run_forecasts (run_id BIGINT NOT NULL REFERENCES runs(id), series TEXT NOT NULL, level TEXT NOT NULL, quarter TEXT NOT NULL, mean DOUBLE PRECISION, p10 DOUBLE PRECISION, p50 DOUBLE PRECISION, p90 DOUBLE PRECISION, lo95 DOUBLE PRECISION, hi95 DOUBLE PRECISION, model TEXT NOT NULL);
CREATE TABLE run_fits (run_id BIGINT NOT NULL REFERENCES runs(id), series TEXT NOT NULL, model TEXT NOT NULL, mase DOUBLE PRECISION, smape DOUBLE PRECISION, origins INTEGER NOT NULL, selected INTEGER NOT NULL);
CREATE TABLE run_plan (run_id BIGINT NOT NULL REFERENCES runs(id), quarter TEXT NOT NULL, workload TEXT NOT NULL, site TEXT NOT NULL, name TEXT NOT NULL, value DOUBLE PRECISION);
CREATE INDEX run_forecasts_run ON run_forecasts (run_id);
CREATE INDEX run_plan_run ON run_plan (run_id);
CREATE TABLE tokenplan_schema (version INTEGER NOT NULL);
INSERT INTO tokenplan_schema (version) VALUES (1);
INSERT INTO runs (plan, as_of, created_at, tool_version, seed, paths, output, status) VALUES ('default', '2025Q4', '2026-01-15T00:00:00Z', '0.1.0', '20261129', 1000, 'out/default/2025Q4', 'complete');
INSERT INTO run_forecasts VALUES (1, 'total', 'total', '2026Q1', 2.5e12, 2e12, 2.4e12, 3e12, 1.8e12, 3.4e12, 'drift');
