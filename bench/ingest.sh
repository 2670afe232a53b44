#!/usr/bin/env bash
# Ingest benchmark: bare Kestrel (bench/BareKestrel) vs the bridge's POST /v1/webhooks/user-retired, with wrk and
# signed, never-repeated notifications. See bench/README.md.
#
#   bench/ingest.sh                                  # defaults: wrk -t2 -c64 -d10s, 10 s warm-up, both targets
#   BENCH_CONNECTIONS=16 bench/ingest.sh
#   BENCH_LOG_LEVEL=Warning bench/ingest.sh          # bridge with Serilog__MinimumLevel__Default=Warning
#
# Settings (environment):
#   BENCH_THREADS=2 BENCH_CONNECTIONS=64 BENCH_DURATION=10 (s) BENCH_WARMUP=10 (s: tiered JIT is still recompiling hot methods after 2 s) BENCH_WRK_TIMEOUT=10s
#   BENCH_TARGETS="bare bridge"      which to run; the ratio needs both
#   BENCH_BRIDGE_MAX_RPS=20000       sizes the bridge's request file: rate x duration x 1.5 lines
#   BENCH_LOG_LEVEL=                 if set, Serilog__MinimumLevel__Default for the bridge (shipped: Information)
#   BENCH_BRIDGE_ENV="K=V ..."       more environment for the bridge (runtime knobs, e.g. DOTNET_gcServer=0)
#   BENCH_BARE_PORT / BENCH_BRIDGE_PORT   default: free ephemeral ports on 127.0.0.1
#   BENCH_SERVER_CPUS / BENCH_WRK_CPUS    optional taskset -c lists (e.g. 0 and 1) to pin server and wrk
#   BENCH_SKIP_BUILD=1               use the existing Release builds
#   BENCH_ALLOW_ERRORS=1             do not fail on non-202 answers or socket errors (still reported)
#   BENCH_JSON=path                  also write the results as JSON
#   BENCH_KEEP=1                     keep the temp dir (request files, server logs, database)
#   BENCH_TIME_LIMIT                 seconds before the whole run is aborted (default 60 + 2 x (warm-up + duration + 10))
#   TMPDIR                           where the temp dir (and so the SQLite file) lives: use the disk you mean to measure
#   BENCH_PG_PORT                    run the bridge on PostgreSQL at 127.0.0.1:PORT (user postgres, trust; a fresh
#                                    database per run), e.g. the cluster of bench/postgres.sh; its CPU counts as the server's
#   BENCH_PG_DIR                     that cluster's folder (bench/postgres.sh prints it), to count the database's CPU
#
# Exit status 0 with a table on stdout; non-zero with one line "ingest.sh: FAILED: ..." on stderr.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
PY=/usr/bin/python3
TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-10}"
WRK_TIMEOUT="${BENCH_WRK_TIMEOUT:-10s}"
TARGETS="${BENCH_TARGETS:-bare bridge}"
MAX_RPS="${BENCH_BRIDGE_MAX_RPS:-20000}"
LOG_LEVEL="${BENCH_LOG_LEVEL:-}"
TIME_LIMIT="${BENCH_TIME_LIMIT:-$((60 + 2 * (WARMUP + DURATION + 10)))}"

fail() { echo "ingest.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

for v in THREADS CONNS DURATION WARMUP MAX_RPS TIME_LIMIT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || fail "$v must be a whole number (got '${!v}')"
done
(( THREADS >= 1 && CONNS >= THREADS && DURATION >= 1 )) || fail "need threads >= 1, connections >= threads, duration >= 1"
command -v wrk >/dev/null || fail "wrk not found (apt-get install -y wrk)"
command -v dotnet >/dev/null || fail "dotnet not found"
[[ -x "$PY" ]] || fail "$PY not found"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ingest-bench.XXXXXX")" || fail "mktemp"
PIDS=()
WATCHDOG=""
cleanup() {
    local pid
    [[ -n "$WATCHDOG" ]] && kill "$WATCHDOG" 2>/dev/null
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then note "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'fail "interrupted (signal, or BENCH_TIME_LIMIT=${TIME_LIMIT}s reached)"' INT TERM
# Bound the whole run: the watchdog signals this script only; the EXIT trap then stops the servers.
( trap 'kill "$sp" 2>/dev/null; exit 0' TERM; sleep "$TIME_LIMIT" & sp=$!; wait "$sp" && kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

pin() { # pin <cpu list or empty> cmd...
    local cpus="$1"; shift
    if [[ -n "$cpus" ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
}

# launch <log> <dir> [VAR=value...] -- cmd...: start a server in the background from <dir>; $! is its own PID
# (exec, no wrapper process left between us and it), pinned to BENCH_SERVER_CPUS if set.
launch() {
    local log="$1" dir="$2"; shift 2
    local envs=()
    while [[ "$1" != "--" ]]; do envs+=("$1"); shift; done
    shift
    local pinning=()
    [[ -n "${BENCH_SERVER_CPUS:-}" ]] && pinning=(taskset -c "$BENCH_SERVER_CPUS")
    (cd "$dir" && exec env "${envs[@]}" "${pinning[@]}" "$@") >"$log" 2>&1 &
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() { # wait_ready <url> <pid> <log>
    local url="$1" pid="$2" log="$3" i
    for i in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || fail "server exited during start-up (see: $(tail -n 3 "$log" | tr '\n' ' ' | cut -c1-300))"
        [[ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "$url" 2>/dev/null)" == 200 ]] && return 0
        sleep 0.2
    done
    fail "server not ready at $url after 30 s"
}

row_count() { # row_count <db>: rows in retirements (read-only; the bridge keeps running)
    if [[ -n "${BENCH_PG_PORT:-}" ]]; then
        psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$1" -Atqc 'SELECT count(*) FROM retirements;'
    elif command -v sqlite3 >/dev/null; then
        sqlite3 -readonly "$1" 'SELECT count(*) FROM retirements;'
    else
        "$PY" -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True); print(c.execute("SELECT count(*) FROM retirements").fetchone()[0])' "$1"
    fi
}

settled_rows() { # wait until the row count stops moving (requests in flight when wrk stopped), max ~5 s
    local db="$1" last now i
    last="$(row_count "$db")" || fail "cannot read $db"
    for i in $(seq 1 25); do
        sleep 0.2
        now="$(row_count "$db")" || fail "cannot read $db"
        [[ "$now" == "$last" ]] && { echo "$now"; return 0; }
        last="$now"
    done
    echo "$last"
}

cpu_ticks_system() { # "busy total irq" clock ticks of the whole machine since boot (/proc/stat; irq = irq + softirq,
    # which is mostly loopback TCP here and is not charged to any process)
    awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6, $7 + $8 }' /proc/stat
}
cpu_ticks_process() { # user + system clock ticks of the processes "pid [pid...]" (all their threads)
    local pid total=0 ticks
    for pid in $1; do
        ticks="$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
        total=$(( total + ticks ))
    done
    echo "$total"
}

db_pids() { # the PostgreSQL cluster's processes (postmaster and its children), when BENCH_PG_DIR is given
    [[ -n "${BENCH_PG_DIR:-}" && -f "$BENCH_PG_DIR/data/postmaster.pid" ]] || return 0
    local postmaster
    postmaster="$(head -n 1 "$BENCH_PG_DIR/data/postmaster.pid")"
    echo "$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
}

# run_wrk <name> <url> <file> <mode> <seconds> <server pid> -> prints the BENCH_RESULT line, extended with CPU
# clock ticks over the run: server_ticks, wrk_ticks, sys_busy_ticks, sys_total_ticks, sys_irq_ticks, tck (per second).
# Called in $(...): this subshell's only child is wrk (under timeout), so `times` gives wrk's CPU.
run_wrk() {
    local name="$1" url="$2" file="$3" mode="$4" seconds="$5" server="$6" out="$WORK/wrk-$1.txt"
    local sys0 sys1 srv0 srv1 wrk_ticks
    sys0="$(cpu_ticks_system)"; srv0="$(cpu_ticks_process "$server")"
    pin "${BENCH_WRK_CPUS:-}" timeout $((seconds + 30)) \
        wrk -t"$THREADS" -c"$CONNS" -d"${seconds}s" --timeout "$WRK_TIMEOUT" -s "$BENCH/signed.lua" "$url" \
        -- "$file" "$THREADS" "$mode" >"$out" 2>&1 || fail "wrk ($name) failed: $(tail -n 2 "$out" | tr '\n' ' ')"
    sys1="$(cpu_ticks_system)"; srv1="$(cpu_ticks_process "$server")"
    times >"$WORK/times-$name" # builtin, no fork: line 2 is the children's user and system time
    wrk_ticks="$(awk -v tck="$TCK" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; printf "%d", t * tck }' "$WORK/times-$name")"
    local line
    line="$(grep -m1 '^BENCH_RESULT ' "$out")" || fail "wrk ($name) printed no BENCH_RESULT line: $(tail -n 2 "$out" | tr '\n' ' ')"
    set -- $sys0 $sys1
    echo "$line server_ticks=$((srv1 - srv0)) wrk_ticks=$wrk_ticks sys_busy_ticks=$(($4 - $1)) sys_total_ticks=$(($5 - $2)) sys_irq_ticks=$(($6 - $3)) tck=$TCK"
}

field() { # field <BENCH_RESULT line> <key>
    local kv
    for kv in $1; do [[ "$kv" == "$2="* ]] && { echo "${kv#*=}"; return; }; done
    echo ""
}

# --- build ---------------------------------------------------------------------------------------------------
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    note "building Release"
    for proj in bench/BareKestrel/BareKestrel.csproj src/RetirementBridge/RetirementBridge.csproj; do
        (cd "$ROOT" && dotnet build -c Release -nologo -v q "$proj") >"$WORK/build.log" 2>&1 \
            || fail "dotnet build $proj: $(grep -m1 -E 'error' "$WORK/build.log" | cut -c1-300)"
    done
fi
BARE_DLL="$ROOT/bench/BareKestrel/bin/Release/net10.0/BareKestrel.dll"
BRIDGE_DLL="$ROOT/src/RetirementBridge/bin/Release/net10.0/RetirementBridge.dll"

SECRET="whsec_$("$PY" -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"
ADMIN_TOKEN="bench-$("$PY" -c 'import os; print(os.urandom(24).hex())')"
PATH_INGEST="/v1/webhooks/user-retired"

declare -A RESULT ROWS ROWS_NOTE
# --- bare Kestrel ----------------------------------------------------------------------------------------------
if [[ " $TARGETS " == *" bare "* ]]; then
    [[ -f "$BARE_DLL" ]] || fail "$BARE_DLL missing (build first)"
    # The baseline ignores signatures and ids, so a small file is replayed ("cycle"): same bytes on the wire.
    "$PY" "$BENCH/make_requests.py" --secret "$SECRET" --count 20000 --out "$WORK/bare.tsv" || fail "make_requests.py (bare)"
    port="${BENCH_BARE_PORT:-$(free_port)}"
    launch "$WORK/bare.log" "$(dirname "$BARE_DLL")" -- dotnet "$BARE_DLL" --urls "http://127.0.0.1:$port"
    PIDS+=($!); bare_pid=$!
    wait_ready "http://127.0.0.1:$port/healthz" "$bare_pid" "$WORK/bare.log"
    note "bare Kestrel on 127.0.0.1:$port: warm-up ${WARMUP}s, then ${DURATION}s"
    (( WARMUP > 0 )) && { run_wrk bare-warmup "http://127.0.0.1:$port$PATH_INGEST" "$WORK/bare.tsv" cycle "$WARMUP" "$bare_pid" >/dev/null || exit 1; }
    RESULT[bare]="$(run_wrk bare "http://127.0.0.1:$port$PATH_INGEST" "$WORK/bare.tsv" cycle "$DURATION" "$bare_pid")" || exit 1
    ROWS[bare]="-"
    kill "$bare_pid" 2>/dev/null; wait "$bare_pid" 2>/dev/null
fi

# --- the bridge ------------------------------------------------------------------------------------------------
if [[ " $TARGETS " == *" bridge "* ]]; then
    [[ -f "$BRIDGE_DLL" ]] || fail "$BRIDGE_DLL missing (build first)"
    warm_count=$(( MAX_RPS * (WARMUP > 0 ? WARMUP : 1) * 3 / 2 + CONNS ))
    main_count=$(( MAX_RPS * DURATION * 3 / 2 + CONNS ))
    note "generating $main_count signed requests (+$warm_count for warm-up)"
    "$PY" "$BENCH/make_requests.py" --secret "$SECRET" --count "$warm_count" --out "$WORK/bridge-warmup.tsv" || fail "make_requests.py (warm-up)"
    "$PY" "$BENCH/make_requests.py" --secret "$SECRET" --count "$main_count" --out "$WORK/bridge.tsv" || fail "make_requests.py (bridge)"
    port="${BENCH_BRIDGE_PORT:-$(free_port)}"
    db="$WORK/db/bridge.db"
    bridge_env=(Webhook__Secrets__0="$SECRET" Store__Sqlite__Path="$db" Admin__Tokens__0="$ADMIN_TOKEN")
    if [[ -n "${BENCH_PG_PORT:-}" ]]; then
        db="ingest_$(date +%s)_$$"
        psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -Atqc "CREATE DATABASE $db;" >/dev/null || fail "cannot create database $db on port $BENCH_PG_PORT"
        bridge_env+=(Store__Provider=Postgres "Store__Postgres__ConnectionString=Host=127.0.0.1;Port=$BENCH_PG_PORT;Username=postgres;Database=$db")
    fi
    [[ -n "$LOG_LEVEL" ]] && bridge_env+=("Serilog__MinimumLevel__Default=$LOG_LEVEL")
    [[ -n "${BENCH_BRIDGE_ENV:-}" ]] && read -r -a extra_env <<<"$BENCH_BRIDGE_ENV" && bridge_env+=("${extra_env[@]}")
    # From the build output directory, so appsettings.json is read as shipped; stdout (JSON logs) goes to a file.
    launch "$WORK/bridge.log" "$(dirname "$BRIDGE_DLL")" "${bridge_env[@]}" -- dotnet "$BRIDGE_DLL" --urls "http://127.0.0.1:$port"
    PIDS+=($!); bridge_pid=$!
    wait_ready "http://127.0.0.1:$port/readyz" "$bridge_pid" "$WORK/bridge.log"
    note "bridge on 127.0.0.1:$port (db $db, log level ${LOG_LEVEL:-as shipped}): warm-up ${WARMUP}s, then ${DURATION}s"
    if (( WARMUP > 0 )); then
        w="$(run_wrk bridge-warmup "http://127.0.0.1:$port$PATH_INGEST" "$WORK/bridge-warmup.tsv" once "$WARMUP" "$bridge_pid")" || exit 1
        [[ "$(field "$w" non_202)" == 0 ]] || fail "bridge warm-up got non-202 answers: $(field "$w" codes)"
    fi
    before="$(settled_rows "$db")" || exit 1
    log_before="$(wc -l <"$WORK/bridge.log")"
    RESULT[bridge]="$(run_wrk bridge "http://127.0.0.1:$port$PATH_INGEST" "$WORK/bridge.tsv" once "$DURATION" "$bridge_pid $(db_pids)")" || exit 1
    after="$(settled_rows "$db")" || exit 1
    log_lines=$(( $(wc -l <"$WORK/bridge.log") - log_before ))
    r="${RESULT[bridge]}"
    [[ "$(field "$r" exhausted)" == 0 ]] \
        || fail "the request file ran out ($main_count lines): the bridge is faster than BENCH_BRIDGE_MAX_RPS=$MAX_RPS; raise it"
    committed=$(( after - before ))
    ok=$(field "$r" status_202); unanswered=$(field "$r" unanswered)
    # Every 202 must have its row. Requests cut off when wrk stopped (no answer seen) may or may not have been
    # committed, so rows - 202s must lie in [0, unanswered] (0 whenever no request was cut off).
    (( committed >= ok )) || fail "only $committed rows committed for $ok answers 202: acknowledged notifications are missing"
    (( committed - ok <= unanswered )) \
        || fail "$committed rows committed but only $ok answers 202 + $unanswered unanswered: rows from nowhere"
    ROWS[bridge]="$committed"
    ROWS_NOTE[bridge]="$ok x 202 + $((committed - ok)) of $unanswered cut off at stop; $log_lines log lines"
    kill "$bridge_pid" 2>/dev/null; wait "$bridge_pid" 2>/dev/null
fi

# --- report ----------------------------------------------------------------------------------------------------
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
store_name="SQLite"
[[ -n "${BENCH_PG_PORT:-}" ]] && store_name="PostgreSQL on port $BENCH_PG_PORT${BENCH_PG_DIR:+ (srv = bridge + PostgreSQL processes)}"
printf '\nwrk -t%s -c%s -d%ss (warm-up %ss), bridge log level: %s, store: %s, %s cores\n' \
    "$THREADS" "$CONNS" "$DURATION" "$WARMUP" "${LOG_LEVEL:-as shipped (Information)}" \
    "$store_name" "$(nproc)"
printf '%-7s %11s %8s %8s %8s %7s %8s %8s  %9s %9s %6s %7s  %s\n' target 'requests/s' 'p50 ms' 'p90 ms' 'p99 ms' non-202 sock-err rows \
    'srv cores' 'wrk cores' 'irq %' 'other %' 'srv CPU us/req; note'
errors_total=0
for t in bare bridge; do
    [[ -n "${RESULT[$t]:-}" ]] || continue
    r="${RESULT[$t]}"
    sock=$(( $(field "$r" err_connect) + $(field "$r" err_read) + $(field "$r" err_write) + $(field "$r" err_timeout) ))
    errors_total=$(( errors_total + sock + $(field "$r" non_202) ))
    cpu="$(awk -v srv="$(field "$r" server_ticks)" -v wrk="$(field "$r" wrk_ticks)" -v busy="$(field "$r" sys_busy_ticks)" \
        -v total="$(field "$r" sys_total_ticks)" -v irq="$(field "$r" sys_irq_ticks)" -v tck="$(field "$r" tck)" -v us="$(field "$r" duration_us)" \
        -v n="$(field "$r" requests)" -v cores="$(nproc)" 'BEGIN {
            secs = us / 1e6; other = busy - irq - srv - wrk; if (other < 0) other = 0
            pct = 0; ipct = 0; if (total > 0) { pct = 100 * other / total; ipct = 100 * irq / total }
            per = 0; if (n > 0) per = srv / tck * 1e6 / n
            printf "%9.2f %9.2f %6.1f %7.1f  %.0f", srv / tck / secs, wrk / tck / secs, ipct, pct, per }')"
    printf '%-7s %11s %8s %8s %8s %7s %8s %8s  %s%s\n' "$t" "$(field "$r" rps)" "$(ms "$(field "$r" p50_us)")" \
        "$(ms "$(field "$r" p90_us)")" "$(ms "$(field "$r" p99_us)")" "$(field "$r" non_202)" "$sock" "${ROWS[$t]}" \
        "$cpu" "${ROWS_NOTE[$t]:+; ${ROWS_NOTE[$t]}}"
done
busy_note="$(for t in bare bridge; do [[ -n "${RESULT[$t]:-}" ]] && awk -v t="$t" -v srv="$(field "${RESULT[$t]}" server_ticks)" \
    -v wrk="$(field "${RESULT[$t]}" wrk_ticks)" -v busy="$(field "${RESULT[$t]}" sys_busy_ticks)" -v total="$(field "${RESULT[$t]}" sys_total_ticks)" \
    -v irq="$(field "${RESULT[$t]}" sys_irq_ticks)" 'BEGIN { o = 0; if (total > 0) o = 100 * (busy - irq - srv - wrk) / total; if (o > 10) printf "%s ", t }'; done)"
[[ -n "$busy_note" ]] && echo "WARNING: over 10% of the machine's CPU went to other processes during: $busy_note- figures are not comparable; rerun on a quiet machine"
ratio=""
if [[ -n "${RESULT[bare]:-}" && -n "${RESULT[bridge]:-}" ]]; then
    ratio="$(awk -v a="$(field "${RESULT[bridge]}" rps)" -v b="$(field "${RESULT[bare]}" rps)" 'BEGIN { printf "%.4f", a / b }')"
    echo "ratio bridge/bare (requests/s): $ratio"
fi

if [[ -n "${BENCH_JSON:-}" ]]; then
    BARE_LINE="${RESULT[bare]:-}" BRIDGE_LINE="${RESULT[bridge]:-}" ROWS_BRIDGE="${ROWS[bridge]:-}" RATIO="$ratio" \
    THREADS="$THREADS" CONNS="$CONNS" DURATION="$DURATION" WARMUP="$WARMUP" LOG_LEVEL="$LOG_LEVEL" "$PY" - "$BENCH_JSON" <<'EOF' || fail "cannot write $BENCH_JSON"
import json, os, sys
def parse(line):
    out = {}
    for kv in line.split()[1:]:
        k, _, v = kv.partition("=")
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out
e = os.environ
doc = {"store": "PostgreSQL" if e.get("BENCH_PG_PORT") else "SQLite", "warmup_s": int(e["WARMUP"]),
       "threads": int(e["THREADS"]), "connections": int(e["CONNS"]), "duration_s": int(e["DURATION"]),
       "bridge_log_level": e["LOG_LEVEL"] or "Information", "cores": os.cpu_count(),
       "bare": parse(e["BARE_LINE"]) if e["BARE_LINE"] else None,
       "bridge": parse(e["BRIDGE_LINE"]) if e["BRIDGE_LINE"] else None,
       "bridge_rows_committed": int(e["ROWS_BRIDGE"]) if e["ROWS_BRIDGE"] else None,
       "ratio_bridge_bare": float(e["RATIO"]) if e["RATIO"] else None}
with open(sys.argv[1], "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
EOF
fi

if (( errors_total > 0 )) && [[ "${BENCH_ALLOW_ERRORS:-0}" != 1 ]]; then
    fail "$errors_total non-202 answers or socket errors (see the table; BENCH_ALLOW_ERRORS=1 to accept)"
fi
exit 0
