#!/usr/bin/env bash
# Regenerates the committed examples from the default quarterly run:
#   notebooks-export/default-2026Q1.ipynb  the run's notebook, executed (nbconvert) so it shows output
#   docs/images/*.png                       the README's pictures (report page 1, charts)
# The run goes to a temporary directory; SOURCE_DATE_EPOCH fixes the documents' date so a rerun on
# the same code and data gives the same files. Needs the tools of scripts/setup-debian.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1798675200}"  # 2026-12-31T00:00:00Z
export OPENBLAS_NUM_THREADS=1
# OpenBLAS picks its kernels by CPU, and kernels differ in their last bits (the snapshots' figures
# move at 1e-16 between an AVX-512 and an SSE3 machine): the generic SSE3 kernels run everywhere.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Prescott}"
run="$(mktemp -d)/run"
swift run -c release tokenplan run --out "$run" --quiet
python3 -m jupyter nbconvert --to notebook --execute --ExecutePreprocessor.record_timing=False --output executed.ipynb "$run/notebook.ipynb" >/dev/null 2>&1
mkdir -p notebooks-export docs/images
cp "$run/executed.ipynb" notebooks-export/default-2026Q1.ipynb
pdftoppm -r 100 -png -f 1 -l 1 -singlefile "$run/report.pdf" docs/images/report-page1
pdftoppm -r 100 -png -f 3 -l 3 -singlefile "$run/report.pdf" docs/images/report-page3
for chart in demand-fan capacity cost tornado fit-1 power; do
  cp "$run/charts/$chart.png" "docs/images/chart-$chart.png"
done
echo "examples written from $run"
