#!/usr/bin/env bash
# The test command (README): installs what is missing (scripts/setup-debian.sh), starts a
# throwaway PostgreSQL server for the run-store tests, runs `swift test -c release` with any
# extra arguments, and stops the server whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
read -r url dir < <(./scripts/postgres-test-server.sh start)
trap './scripts/postgres-test-server.sh stop "$dir"' EXIT
echo "test PostgreSQL server: $url" >&2
TOKENPLAN_TEST_POSTGRES="$url" swift test -c release "$@"
