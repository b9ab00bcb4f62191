#!/usr/bin/env bash
# Run store timings (Benchmarks/README.md): TokenPlan's store into SQLite and a throwaway
# PostgreSQL server, and Python's sqlite3 (executemany, one transaction) writing the same
# number of rows of the same shape as the peer for SQLite. Medians; one machine, one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
read -r url pgdir < <(./scripts/postgres-test-server.sh start)
trap './scripts/postgres-test-server.sh stop "$pgdir"; rm -rf "$out"' EXIT
# The benchmark appends runs to one PostgreSQL database per size; a fresh server keeps it clean.
(cd Benchmarks && swift build -c release --product store-bench >/dev/null)
Benchmarks/.build/release/store-bench "$out" "$url"
python3 Benchmarks/store/sqlite_peer.py "$out"
