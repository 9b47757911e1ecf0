#!/usr/bin/env bash
# Runs the flowcheck binary as a user would and checks exit codes and
# messages.
set -u
bin="$TEST_SRCDIR/flowcheck/tools/flowcheck"
failures=0

expect() {  # expect NAME WANTED_STATUS PATTERN -- ARGS...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  out=$("$bin" "$@" 2>&1)
  status=$?
  if [ "$status" -ne "$want" ]; then
    echo "FAIL $name: exit $status, wanted $want; output:"; echo "$out"
    failures=$((failures + 1))
  elif ! grep -q -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks '$pattern':"; echo "$out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

expect help 0 "usage: flowcheck" -- --help
expect no-args 2 "usage: flowcheck" --
expect unknown-command 2 "unknown command 'frobnicate'" -- frobnicate
expect unknown-flag 2 "unknown flag '--sed=3' for demo" -- demo --sed=3
expect bad-seed 2 "--seed takes a whole number" -- demo --seed=abc
expect seed-overflow 2 "--seed takes a whole number" -- demo --seed=99999999999999999999
expect demo 0 "Every corruption was caught" -- demo --seed=5
expect demo-help 0 "flags of demo" -- demo --help

echo "$((8 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
