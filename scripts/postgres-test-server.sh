#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the run-store tests (Debian's postgresql package).
#   start: initdb in a new temporary directory as an unprivileged user (the postgres account when
#          run as root; initdb refuses root), trust authentication, listening on 127.0.0.1 at a
#          free port; prints "URL DIR" (the URL for TOKENPLAN_TEST_POSTGRES, the DIR for stop).
#   stop DIR: stops that cluster and removes its directory.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres-test-server: no PostgreSQL under /usr/lib/postgresql (apt install postgresql)" >&2; exit 1; }
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(runuser -u postgres --)
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/tokenplan-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U tokenplan --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://tokenplan@127.0.0.1:$port/postgres $dir"
    ;;
  stop)
    dir=${2:?usage: postgres-test-server.sh stop DIR}
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres-test-server.sh start | stop DIR" >&2; exit 2 ;;
esac
