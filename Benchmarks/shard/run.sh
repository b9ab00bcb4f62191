#!/usr/bin/env bash
# Merge + MinT-shrink reconciliation at scale (Benchmarks/README.md, "Sharded merge"): writes the
# shard results of a SYNTHETIC hierarchy (shard-bench: BOTTOM bottom series, 34 aggregates, made-up
# forecasts with PATHS paths and 8 quarters) and times `tokenplan merge --reconcile mint_shrink`
# on them (reading, checking, merging, reconciling every path of every quarter, writing the rows):
# wall time and peak RSS from /usr/bin/time, one run each.
#   Benchmarks/shard/run.sh [BOTTOM=100000] [SHARDS=16] [PATHS=200]
set -euo pipefail
cd "$(dirname "$0")/../.."
bottom=${1:-100000}
shards=${2:-16}
paths=${3:-200}
work=$(mktemp -d /tmp/tokenplan-shard-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
swift build -c release --product tokenplan >/dev/null
(cd Benchmarks && swift build -c release --product shard-bench >/dev/null)
/usr/bin/time -f '{"generate_seconds": %e, "generate_peak_rss_kb": %M}' \
  Benchmarks/.build/release/shard-bench "$work/shards" "$bottom" "$shards" "$paths"
du -sm "$work/shards" | awk '{print "{\"shard_results_mb\": " $1 "}"}'
export OPENBLAS_NUM_THREADS=1
/usr/bin/time -f '{"merge_seconds": %e, "merge_peak_rss_kb": %M}' \
  .build/release/tokenplan merge "$work/shards" --reconcile mint_shrink --format csv >"$work/rows.csv" 2>"$work/merge.err" ||
  { cat "$work/merge.err" >&2; exit 1; }
grep -v '^note:' "$work/merge.err" || true
grep '^note:' "$work/merge.err" | head -3
echo "{\"rows\": $(($(wc -l <"$work/rows.csv") - 1))}"
