#!/usr/bin/env bash
# Runs every uvu suite under $1 (one process, suites in path order) and ends with one plain
# summary line, "tests: N passed, M failed". Exit status is uvu's.
set -uo pipefail
dir=${1:?usage: run-tests.sh DIR}
log=$(mktemp)
# Bounded: a test that never settles (or a handle that keeps Node alive) fails the run, not CI's clock.
# The main run takes about 5 minutes on an idle 2-core machine; 20 leave room for a loaded one.
FORCE_COLOR=0 NO_COLOR=1 timeout --kill-after=10 "${ZSOCK_TEST_TIMEOUT:-1200}" node node_modules/uvu/bin.js "$dir" '\.test\.js$' 2>&1 | grep -v '^npm warn' | tee "$log"
status=${PIPESTATUS[0]}
total=$(grep -E '^\s*Total:' "$log" | awk '{s+=$2} END {print s+0}')
passed=$(grep -E '^\s*Passed:' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
failed=$((total - passed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (timed out, crashed, or a handle kept Node alive)
  echo "the test run did not finish cleanly (exit $status)"
fi
# uvu exits 0 when a suite fails in its hooks or before its tests run: the counts decide too.
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi
echo "tests: $passed passed, $failed failed"
exit "$status"
