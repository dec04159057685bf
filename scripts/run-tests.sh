#!/usr/bin/env bash
# Runs every uvu suite under $1 (one process, suites in path order) and ends with one plain
# summary line, "tests: N passed, M failed". Exit status is uvu's.
set -uo pipefail
dir=${1:?usage: run-tests.sh DIR}
log=$(mktemp)
FORCE_COLOR=0 NO_COLOR=1 npx --no-install uvu "$dir" '\.test\.js$' 2>&1 | grep -v '^npm warn' | tee "$log"
status=${PIPESTATUS[0]}
total=$(grep -E '^\s*Total:' "$log" | awk '{s+=$2} END {print s+0}')
passed=$(grep -E '^\s*Passed:' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $((total - passed)) failed"
exit "$status"
