#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the benchmarks, from Debian's server binaries, durable as shipped (fsync and
# synchronous_commit on, unlike the tests' cluster), on 127.0.0.1 only, trust authentication for user postgres.
#
#   eval "$(bench/postgres.sh start)"    # exports BENCH_PG_PORT and BENCH_PG_DIR
#   BENCH_PG_PORT=$BENCH_PG_PORT bench/ingest.sh
#   dotnet bench/Scenarios/bin/Release/net10.0/Scenarios.dll drain --postgres-port "$BENCH_PG_PORT"
#   bench/postgres.sh stop "$BENCH_PG_DIR"
#
# Exit status 0; otherwise one line "postgres.sh: FAILED: ..." on stderr.
set -euo pipefail
fail() { echo "postgres.sh: FAILED: $*" >&2; exit 1; }
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$bin/pg_ctl" ]] || fail "PostgreSQL's server binaries are not under /usr/lib/postgresql (apt-get install -y postgresql)"
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
    dir="$(mktemp -d "${TMPDIR:-/tmp}/rb-bench-pg.XXXXXX")"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || fail "initdb: $(tail -n 1 "$dir/initdb.log")"
    port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c max_connections=300" start >/dev/null \
        || fail "pg_ctl start: see $dir/data/server.log"
    echo "export BENCH_PG_PORT=$port BENCH_PG_DIR=$dir"
    ;;
stop)
    [[ -d "${2:-}/data" ]] || fail "usage: postgres.sh stop <BENCH_PG_DIR>"
    as_pg "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null || fail "pg_ctl stop"
    rm -rf "$2"
    ;;
*)
    fail "usage: postgres.sh start | stop <BENCH_PG_DIR>"
    ;;
esac
