#!/usr/bin/env bash
# Regenerates the golden snapshots the tests compare byte for byte
# (Tests/TokenPlanCLITests/Snapshots/small/expected/): plan.csv, scenarios.csv and tables.md of
# `tokenplan run` on the small snapshot plan, seed 1, 100 paths. Run it after a change that is
# meant to move numbers, and review the diff: every changed figure shows there.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
# OpenBLAS picks its kernels by CPU, and kernels differ in their last bits (the snapshots' figures
# move at 1e-16 between an AVX-512 and an SSE3 machine): the generic SSE3 kernels run everywhere.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Prescott}"
# The run's day shows in the tables (which orders are late against the quarter the run was made
# in): pinned, as SnapshotTests pins it, so the snapshots do not change with the calendar.
export SOURCE_DATE_EPOCH=1796515200
swift build -c release --product tokenplan >/dev/null
out="$(mktemp -d)/run"
.build/release/tokenplan run Tests/TokenPlanCLITests/Snapshots/small/plan.yaml --out "$out" --seed 1 --paths 100 --quiet
for f in plan.csv scenarios.csv tables.md; do
  cp "$out/$f" "Tests/TokenPlanCLITests/Snapshots/small/expected/$f"
done
rm -rf "$(dirname "$out")"
git status --short Tests/TokenPlanCLITests/Snapshots/
