#!/usr/bin/env bash
# The benchmark suite: every scenario, its table, and BENCHMARKS.md with the figures, the machine and the commands.
#
#   bench/suite.sh                    # full run on SQLite (about 12 minutes on 2 cores); writes BENCHMARKS.md
#   bench/suite.sh --postgres         # and the same on a throwaway PostgreSQL cluster (bench/postgres.sh)
#   bench/suite.sh --smoke            # seconds, small N, SQLite; renders to a temp file (CI runs this)
#   bench/suite.sh --only ingest,lms  # some steps: ingest, drain, end-to-end, growth, lms
#   bench/suite.sh --out FILE         # render somewhere else than BENCHMARKS.md
#
# Exit 0 when every step ran (a target not met is reported in BENCHMARKS.md, not a failure); otherwise 1, after
# running the remaining steps, with "suite.sh: FAILED: <steps>" on stderr. Everything runs on 127.0.0.1 and stops by
# itself; the servers and the cluster it starts are stopped on exit.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
SMOKE=0 POSTGRES=0 OUT="" ONLY="ingest,drain,end-to-end,growth,lms"
fail() { echo "suite.sh: FAILED: $*" >&2; exit 1; }
while (( $# )); do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --postgres) POSTGRES=1 ;;
        --only) [[ $# -ge 2 ]] || fail "--only needs a list"; ONLY="$2"; shift ;;
        --out) [[ $# -ge 2 ]] || fail "--out needs a file"; OUT="$2"; shift ;;
        *) fail "unknown argument '$1' (--smoke, --postgres, --only LIST, --out FILE)" ;;
    esac
    shift
done
for step in ${ONLY//,/ }; do
    [[ " ingest drain end-to-end growth lms " == *" $step "* ]] || fail "unknown step '$step' (ingest, drain, end-to-end, growth, lms)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rb-suite.XXXXXX")" || fail "mktemp"
PG_DIR="" WATCHDOG=""
cleanup() {
    [[ -n "$WATCHDOG" ]] && kill "$WATCHDOG" 2>/dev/null
    [[ -n "$PG_DIR" ]] && "$ROOT/bench/postgres.sh" stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'fail "interrupted (signal, or the suite time limit)"' INT TERM
LIMIT=$(( SMOKE ? 600 : 5400 ))
( trap 'kill "$sp" 2>/dev/null; exit 0' TERM; sleep "$LIMIT" & sp=$!; wait "$sp" && kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

if [[ -z "$OUT" ]]; then
    # A smoke run never overwrites the committed figures.
    if (( SMOKE )); then OUT="$WORK/BENCHMARKS.md"; else OUT="$ROOT/BENCHMARKS.md"; fi
fi

echo "== building Release"
for project in bench/BareKestrel/BareKestrel.csproj bench/Scenarios/Scenarios.csproj; do
    (cd "$ROOT" && dotnet build -c Release -nologo -v q "$project") >"$WORK/build.log" 2>&1 \
        || fail "dotnet build $project: $(grep -m1 -E 'error' "$WORK/build.log" | cut -c1-300)"
done
SCENARIOS="$ROOT/bench/Scenarios/bin/Release/net10.0/Scenarios.dll"

stores=(sqlite)
if (( POSTGRES )); then
    eval "$("$ROOT/bench/postgres.sh" start)" || fail "cannot start PostgreSQL (bench/postgres.sh)"
    PG_DIR="$BENCH_PG_DIR" PG_PORT="$BENCH_PG_PORT"
    stores+=(postgres)
fi

declare -a RESULTS=() FAILED=()
# run_step <name> <command...>: runs it, its output to the terminal, and remembers whether it ran.
run_step() {
    local name="$1"; shift
    echo
    echo "== $name"
    if "$@"; then RESULTS+=("$name: ok"); else RESULTS+=("$name: FAILED (exit $?)"); FAILED+=("$name"); fi
}

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

if wanted ingest; then
    if (( SMOKE )); then conns=(16); else conns=(1 16 64); fi
    for store in "${stores[@]}"; do
        for c in "${conns[@]}"; do
            env_args=(BENCH_CONNECTIONS="$c" BENCH_SKIP_BUILD=1 BENCH_JSON="$WORK/ingest-$store-$c.json")
            # Smoke: one second each after one of warm-up, request files sized for it.
            (( SMOKE )) && env_args+=(BENCH_DURATION=1 BENCH_WARMUP=1 BENCH_BRIDGE_MAX_RPS=30000)
            [[ "$store" == postgres ]] && env_args+=(BENCH_PG_PORT="$PG_PORT" BENCH_PG_DIR="$PG_DIR")
            run_step "ingest $store -c$c" env "${env_args[@]}" "$ROOT/bench/ingest.sh"
        done
    done
fi

smoke_flag=(); (( SMOKE )) && smoke_flag=(--smoke)
for scenario in drain end-to-end growth; do
    wanted "$scenario" || continue
    for store in "${stores[@]}"; do
        pg_flag=(); [[ "$store" == postgres ]] && pg_flag=(--postgres-port "$PG_PORT")
        run_step "$scenario $store" dotnet "$SCENARIOS" "$scenario" "${smoke_flag[@]}" "${pg_flag[@]}" --json "$WORK/$scenario-$store.json"
    done
done

if wanted lms; then
    run_step "lms" "$PY" "$ROOT/bench/lms_receiver.py" "${smoke_flag[@]}" --json "$WORK/lms.json"
fi

echo
echo "== BENCHMARKS.md"
render_args=(--out "$OUT")
(( POSTGRES )) && render_args+=(--postgres-port "$PG_PORT")
(( SMOKE )) && render_args+=(--smoke)
run_step "render" "$PY" "$ROOT/bench/render_benchmarks.py" "${render_args[@]}" "$WORK"/*.json

echo
echo "== summary"
printf '%s\n' "${RESULTS[@]}"
(( SMOKE )) || echo "figures and targets: $OUT"
(( ${#FAILED[@]} == 0 )) || fail "${FAILED[*]}"
exit 0
