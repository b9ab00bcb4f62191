#!/usr/bin/env bash
# Installs the system libraries TokenPlan builds against (Debian 12 package names), only those
# missing, and openpyxl for the tests' read-back of the workbook. Uses sudo when not root.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev pkgconf zlib1g-dev libxlsxwriter-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The workbook test reads the .xlsx back with openpyxl (an independent reader), from PyPI.
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q openpyxl
