#!/usr/bin/env bash
# Certifies a driver the way its maintainer would, from outside:
#   certify_driver_test.sh FLOWCHECK GOOD_DRIVER [BROKEN_CLAUSES BAD_DRIVER]
# GOOD_DRIVER must pass every applicable clause; BAD_DRIVER (optional) must
# fail at least BROKEN_CLAUSES (space-separated ids). The certificates go to
# the test's undeclared outputs (bazel-testlogs/.../test.outputs/).
set -uo pipefail
flowcheck=$1
good=$2
broken=${3:-}
bad=${4:-}
out=${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}
interpreter=${good%% *}
if ! command -v "$interpreter" >/dev/null 2>&1; then
  echo "FAIL: '$interpreter' is not installed; scripts/setup.sh installs it"
  exit 1
fi
failures=0

"$flowcheck" certify --driver="$good" --programs=40 --watchdog=4s --quiet \
  >"$out/good.txt" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  echo "FAIL: '$good' did not pass (exit $status):"
  cat "$out/good.txt"
  failures=$((failures + 1))
else
  echo "ok   '$good' passes:"
  grep -E "^RESULT" "$out/good.txt"
fi

if [ -n "$bad" ]; then
  "$flowcheck" certify --driver="$bad" --programs=40 --watchdog=4s --quiet \
    >"$out/bad.txt" 2>&1
  status=$?
  result=$(grep -E "^RESULT" "$out/bad.txt")
  if [ "$status" -ne 1 ]; then
    echo "FAIL: '$bad' exited $status, wanted 1 (some clause FAILs):"
    cat "$out/bad.txt"
    failures=$((failures + 1))
  else
    for clause in $broken; do
      if ! grep -qE "^$clause +FAIL" "$out/bad.txt"; then
        echo "FAIL: '$bad' should FAIL $clause:"
        cat "$out/bad.txt"
        failures=$((failures + 1))
      fi
    done
    echo "ok   '$bad' fails as expected: $result"
  fi
fi
[ "$failures" -eq 0 ]
