#!/bin/sh
# Forecasts N SYNTHETIC daily series on this machine (default 100,000; 1,186 days each, 8 quarters
# ahead, 1,000 paths, every core) and prints the time, CPU per series and peak memory as JSON;
# a progress bar goes to stderr. See Sources/scale-bench/main.swift.
#
#     Benchmarks/scale/run.sh [SERIES [DAYS [PATHS [SEED]]]]
set -eu
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
swift build -c release --product scale-bench 2>&1 | grep -E "error|warning: " || true
.build/release/scale-bench "${1:-100000}" "${2:-1186}" "${3:-1000}" "${4:-1}"
