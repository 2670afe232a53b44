#!/usr/bin/env bash
# Runs every test: the C# suites (bridge, deleters, plugin end-to-end), a smoke run of the benchmark suite, and the
# LMS plugin's Python tests.
# Installs the Debian packages the tests need when they are missing (as root, the way CI and these machines run).
# Ends with one line "N passed, N failed" counting every test that ran, C# and Python together.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/install-test-deps.sh || exit $?

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "== C# tests"
# minimal console verbosity prints each failing test with its assertion message and stack, not only its name.
dotnet test RetirementBridge.sln --nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | tee "$logs/dotnet.txt"
dotnet_rc=${PIPESTATUS[0]}

echo "== Benchmark suite, smoke run (bench/suite.sh --smoke: every scenario with a small N; counted as one test)"
# So the benchmarks cannot rot: it fails when a scenario cannot run or loses a learner, not on a figure.
bash bench/suite.sh --smoke > "$logs/bench.txt" 2>&1
bench_rc=$?
if [ "$bench_rc" -eq 0 ]; then bench_passed=1 bench_failed=0; echo "passed"; else bench_passed=0 bench_failed=1; echo "FAILED (exit $bench_rc):"; tail -n 25 "$logs/bench.txt"; fi

echo "== Python tests (LMS plugin, contracts)"
bash scripts/test-python.sh 2>&1 | tee "$logs/python.txt"
python_rc=${PIPESTATUS[0]}

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line per test assembly;
# pytest ends with "P passed[, F failed] in Xs".
read -r cs_passed cs_failed < <(grep -E '^(Passed|Failed)!' "$logs/dotnet.txt" |
    sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
py_summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)' "$logs/python.txt" | tail -n 1)
py_passed=$(grep -oE '[0-9]+ passed' <<<"$py_summary" | awk '{s+=$1} END {print s+0}')
py_failed=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$py_summary" | awk '{s+=$1} END {print s+0}')

failed=$((cs_failed + py_failed + bench_failed))
# A suite that crashed before reporting counts as a failure even when no test line says so.
if [ "$dotnet_rc" -ne 0 ] && [ "$cs_failed" -eq 0 ]; then failed=$((failed + 1)); echo "dotnet test exited $dotnet_rc"; fi
if [ "$python_rc" -ne 0 ] && [ "$py_failed" -eq 0 ]; then failed=$((failed + 1)); echo "pytest exited $python_rc"; fi

echo "C#: $cs_passed passed, $cs_failed failed; benchmark smoke: $bench_passed passed, $bench_failed failed; Python: $py_passed passed, $py_failed failed"
echo "$((cs_passed + bench_passed + py_passed)) passed, $failed failed"
[ "$failed" -eq 0 ]
