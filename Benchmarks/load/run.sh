#!/usr/bin/env bash
# Load benchmark: 10 million tidy rows into a days × series panel, TokenPlan vs pandas
# (read_csv + pivot_table), same file, same run, three rounds; then CSV.swift tokenising the same
# file once (why TokenPlan has its own scanner). Usage: Benchmarks/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import pandas" 2>/dev/null || pip install -q pandas
[ -f load/data/tidy-10m.csv ] || python3 load/generate.py
swift build -c release --product load-bench 2>&1 | grep -E "error|warning: " || true
swift build -c release --product csvswift-bench 2>&1 | grep -E "error|warning: " || true
for i in 1 2 3; do
  .build/release/load-bench load/data/tidy-10m.csv
  .build/release/load-bench load/data/tidy-10m.csv --no-outliers
  python3 load/pandas_bench.py load/data/tidy-10m.csv
done
.build/release/csvswift-bench load/data/tidy-10m.csv
