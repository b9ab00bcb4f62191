#!/usr/bin/env bash
# Installs what TokenPlan builds against and what its tests read outputs back with (Debian 12
# package names), only what is missing. Uses sudo when not root.
#   build:  OpenBLAS + LAPACKE, zlib, libxlsxwriter, cairo + pango (PDF and PNG), DejaVu fonts
#           (pango with no fonts writes PDFs without text), pkgconf (SwiftPM reads .pc files),
#           SQLite and libpq (the run store)
#   tests of the run store: a PostgreSQL server (scripts/postgres-test-server.sh starts a
#           throwaway cluster), the sqlite3 shell (fixtures written as another program would);
#   tests of sharding: Slurm and munge (scripts/slurm-test-cluster.sh starts a one-node cluster);
#           LibreOffice Calc (headless: recalculates the workbook with changed inputs)
#   tests:  poppler-utils (pdftotext, pdfinfo, pdffonts), a minimal TeX Live with booktabs,
#           longtable and siunitx (pdflatex on the LaTeX tables), and from PyPI openpyxl (the
#           workbook), nbformat/nbconvert/ipykernel/pandas (validate and execute the notebook),
#           jsonschema and pyyaml (the plan schema against the shipped and broken plans).
set -euo pipefail
packages=(
  libopenblas-dev liblapacke-dev pkgconf zlib1g-dev libxlsxwriter-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core libsqlite3-dev libpq-dev
  postgresql sqlite3 slurm-wlm munge libreoffice-calc-nogui poppler-utils texlive-latex-base texlive-latex-recommended texlive-science
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
py_packages=(openpyxl nbformat nbconvert nbclient ipykernel pandas jsonschema pyyaml pyarrow)
if ! python3 -c "import openpyxl, nbformat, nbconvert, nbclient, ipykernel, pandas, jsonschema, yaml, pyarrow" 2>/dev/null; then
  python3 -m pip --version >/dev/null 2>&1 || {
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip
  }
  # Debian's own python3 refuses pip installs outside a venv (PEP 668) unless told otherwise.
  python3 -m pip install -q "${py_packages[@]}" 2>/dev/null ||
    python3 -m pip install -q --break-system-packages "${py_packages[@]}"
fi
# nbconvert --execute needs a registered python3 kernel.
python3 -m jupyter kernelspec list 2>/dev/null | grep -q python3 || python3 -m ipykernel install --user --name python3 >/dev/null
