#!/usr/bin/env bash
# The test command (README): installs what is missing (scripts/setup-debian.sh), starts a
# throwaway PostgreSQL server for the run-store tests and a one-node Slurm cluster for the
# sharding test (as root: its daemons switch users), runs `swift test -c release` with any extra
# arguments, and stops both whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
pg_dir=""
slurm_dir=""
cleanup() {
  [ -n "$pg_dir" ] && ./scripts/postgres-test-server.sh stop "$pg_dir"
  [ -n "$slurm_dir" ] && ./scripts/slurm-test-cluster.sh stop "$slurm_dir"
  return 0
}
trap cleanup EXIT
read -r url pg_dir < <(./scripts/postgres-test-server.sh start) || true
[ -n "$pg_dir" ] || { echo "error: the test PostgreSQL server did not start (its log is above)" >&2; exit 1; }
echo "test PostgreSQL server: $url" >&2
# Slurm's daemons run as root (slurmd starts jobs as the submitting user); without root the
# Slurm test fails and says why rather than being skipped.
if [ "$(id -u)" -eq 0 ]; then
  read -r slurm_conf slurm_dir < <(./scripts/slurm-test-cluster.sh start) || true
  [ -n "$slurm_dir" ] || { echo "error: the test Slurm cluster did not start (its daemons' logs are above)" >&2; exit 1; }
  echo "test Slurm cluster: $slurm_conf" >&2
  export TOKENPLAN_TEST_SLURM_CONF="$slurm_conf"
else
  echo "warning: not root: no Slurm cluster started; the Slurm test will fail (run scripts/test.sh as root)" >&2
fi
# OpenBLAS picks its kernels by CPU, and kernels differ in their last bits: the golden snapshots
# (made with scripts/update-snapshots.sh) compare byte for byte on any x86-64 machine with the
# generic SSE3 kernels, which every such machine runs.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Prescott}"
TOKENPLAN_TEST_POSTGRES="$url" swift test -c release "$@"
