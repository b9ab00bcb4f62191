#!/usr/bin/env bash
# The serving model against published measurements (Benchmarks/README.md, docs/methods/serving.md):
# every measurement in datasets/catalog/serving.yaml predicted with it left out, by basis, and
# the estimator alone. Pass --points for every point's row.
set -euo pipefail
cd "$(dirname "$0")/../.."
(cd Benchmarks && swift build -c release --product serving-bench >/dev/null)
Benchmarks/.build/release/serving-bench datasets/catalog "$@"
