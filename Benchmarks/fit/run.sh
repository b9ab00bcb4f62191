#!/usr/bin/env bash
# The fit benchmark: TokenPlan vs scipy.optimize.curve_fit on identical synthetic data, in one
# run, single-threaded. Usage: Benchmarks/fit/run.sh [family …]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
python3 -c "import scipy, numpy" 2>/dev/null || pip install -q scipy numpy
[ -f fit/data/bass.bin ] || python3 fit/generate.py
swift build -c release --product fit-bench 2>&1 | grep -E "error|warning: " || true
echo "libmvec lanes: $(.build/release/fit-bench --width)"
.build/release/fit-bench "$@"
python3 fit/scipy_bench.py "$@"
