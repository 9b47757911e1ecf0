#!/usr/bin/env bash
# Runs the flowcheck binary as a user would and checks exit codes and
# messages.
set -u
bin="$TEST_SRCDIR/flowcheck/tools/flowcheck"
checks=0
failures=0

expect() {  # expect NAME WANTED_STATUS PATTERN -- ARGS...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  checks=$((checks + 1))
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

# How many clauses the contract has, as the tool itself reports them (one
# "id" per clause in a JSON certificate), so that adding a clause does not
# break the expectations below.
clauses=$("$bin" certify --flow=sim --only=R7.eof-sticky --format=json --quiet | grep -c '"id": ')

expect help 0 "usage: flowcheck" -- --help
expect no-args 2 "usage: flowcheck" --
expect unknown-command 2 "unknown command 'frobnicate'" -- frobnicate
expect unknown-flag 2 "unknown flag '--sed=3' for demo" -- demo --sed=3
expect bad-seed 2 "--seed takes a whole number" -- demo --seed=abc
expect seed-overflow 2 "--seed takes a whole number" -- demo --seed=99999999999999999999
expect demo 0 "Every corruption was caught" -- demo --seed=5
expect demo-help 0 "flags of demo" -- demo --help

expect certify-help 0 "--mutant=NAME" -- certify --help
expect certify-list 0 "C4.close-waits-for-peer" -- certify --list
expect certify-unknown-flow 2 "unknown flow 'nope'; the flows are: sim" -- certify --flow=nope
expect certify-bad-format 2 "--format must be table, markdown, json or junit, not 'xml'" -- certify --format=xml
expect certify-bad-part 2 "unknown part 'R9'" -- certify --only=R9
expect certify-bad-programs 2 "--programs takes a whole number from 1" -- certify --programs=0
expect certify-unknown-mutant 2 "unknown mutant 'frob'" -- certify --mutant=frob
expect certify-unknown-flag 2 "unknown flag '--flwo=sim'" -- certify --flwo=sim
expect certify-several-outputs 2 "needs {flow} in the path" -- certify --output=x.json
expect certify-sim-passes 0 "RESULT: PASS -- $clauses clauses hold" -- certify --flow=sim --programs=20 --quiet
expect certify-mutant-fails 1 "RESULT: FAIL -- 1 clauses violated: C4" -- certify --flow=sim-ideal --mutant=close-returns-early --only=C4.close-waits-for-peer --quiet
expect certify-bad-plan 2 "column 13: unknown setting 'latencyy'" -- certify --flow=sim --plan='split=1..16 latencyy=5ms'
expect certify-plan-needs-sim 2 "--plan applies to --flow=sim only" -- certify --flow=tcp --plan='split=1..4'
expect certify-shaped-plan-passes 0 "RESULT: PASS -- $clauses clauses hold" -- certify --flow=sim --plan='latency=1ms..5ms split=1..64 window=4KiB' --programs=20 --quiet
expect certify-breaking-plan-fails 1 "clauses violated: R4" -- certify --flow=sim --plan='split=1..64; corrupt a>b p=5%' --only=programs --quiet

# A JSON report written to a file, atomically, and nothing on stdout.
checks=$((checks + 1))
out_dir=$(mktemp -d)
"$bin" certify --flow=sim --only=R7.eof-sticky --format=json --output="$out_dir/cert.json" --quiet
status=$?
if [ "$status" -eq 0 ] && grep -q '"schema": "flowcheck.certificate/1"' "$out_dir/cert.json" \
   && [ -z "$(ls "$out_dir" | grep -v '^cert.json$')" ]; then
  echo "ok   certify-json-output"
else
  echo "FAIL certify-json-output: status $status"; ls -la "$out_dir"
  failures=$((failures + 1))
fi
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
