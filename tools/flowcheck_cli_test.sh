#!/usr/bin/env bash
# Runs the flowcheck binary as a user would and checks exit codes and
# messages.
set -u
bin="$TEST_SRCDIR/flowcheck/tools/flowcheck"
failures=0
total=0

pass() { echo "ok   $1"; total=$((total + 1)); }
fail() {  # fail NAME WHY [OUTPUT]
  echo "FAIL $1: $2"; [ $# -gt 2 ] && echo "$3"
  failures=$((failures + 1)); total=$((total + 1))
}

expect() {  # expect NAME WANTED_STATUS PATTERN -- ARGS...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  out=$("$bin" "$@" 2>&1)
  status=$?
  if [ "$status" -ne "$want" ]; then
    fail "$name" "exit $status, wanted $want; output:" "$out"
  elif ! grep -q -- "$pattern" <<<"$out"; then
    fail "$name" "output lacks '$pattern':" "$out"
  else
    pass "$name"
  fi
}

# How many clauses the contract has, as the tool itself reports them (one
# "id" per clause in a JSON certificate), so that adding a clause does not
# break the expectations below.
clauses=$("$bin" certify --flow=sim --only=R7.eof-sticky --format=json --quiet | grep -c '"id": ')
refused() {  # refused NAME PATTERN -- ARGS: exit 2 before certifying anything
  local name=$1 pattern=$2
  shift 3
  local out status
  out=$("$bin" certify "$@" 2>&1)
  status=$?
  if [ "$status" -ne 2 ]; then
    fail "$name" "exit $status, wanted 2; output:" "$out"
  elif ! grep -q -- "$pattern" <<<"$out"; then
    fail "$name" "output lacks '$pattern':" "$out"
  elif grep -qE -- 'certifying|RESULT|report written' <<<"$out"; then
    fail "$name" "certified before refusing:" "$out"
  else
    pass "$name"
  fi
}

# One cheap, deterministic part of the suite, for the --output cases.
cheap=(--flow=sim-ideal --only=R7.eof-sticky)

expect help 0 "usage: flowcheck" -- --help
expect no-args 2 "usage: flowcheck" --
expect unknown-command 2 "unknown command 'frobnicate'" -- frobnicate
expect unknown-flag 2 "flowcheck demo: unknown flag '--sed=3'" -- demo --sed=3
expect demo-seed-space 0 "flowcheck demo, seed 5" -- demo --seed 5
expect bad-seed 2 "--seed takes a whole number" -- demo --seed=abc
expect seed-overflow 2 "--seed takes a whole number" -- demo --seed=99999999999999999999
expect demo 0 "Every corruption was caught" -- demo --seed=5
expect demo-help 0 "flags of demo" -- demo --help

expect certify-help 0 "--mutant=NAME" -- certify --help
expect certify-list 0 "C4.close-waits-for-peer" -- certify --list
expect certify-unknown-flow 2 "unknown flow 'nope'; the flows are: sim" -- certify --flow=nope
expect certify-bad-format 2 "--format must be table, markdown, json, junit or html, not 'xml'" -- certify --format=xml
expect certify-bad-part 2 "unknown part 'R9'" -- certify --only=R9
expect certify-bad-programs 2 "--programs takes a whole number from 1" -- certify --programs=0
expect certify-unknown-mutant 2 "unknown mutant 'frob'" -- certify --mutant=frob
expect certify-unknown-flag 2 "unknown flag '--flwo=sim' (did you mean --flow?)" -- certify --flwo=sim
expect certify-unknown-flag-help 2 "Run 'flowcheck certify --help'" -- certify --frobnicate
expect certify-stray-argument 2 "unexpected argument 'sim'" -- certify sim
expect certify-empty-mutant 2 "--mutant needs a value, and '--mutant=' gives an empty one" -- certify "${cheap[@]}" --mutant=
expect certify-missing-value 2 "--flow needs a value" -- certify --only=R7.eof-sticky --flow
expect certify-value-to-switch 2 "--quiet takes no value" -- certify "${cheap[@]}" --quiet=1
expect certify-space-separated 0 '"flow": "sim-ideal"' -- certify --flow sim-ideal --only R7.eof-sticky --format json --seed 3 --programs 5 --quiet
expect certify-space-separated-mutant 1 "clauses violated: C4" -- certify --flow sim-ideal --mutant close-returns-early --only C4.close-waits-for-peer --quiet
expect certify-output-dash 0 "RESULT: PASS" -- certify "${cheap[@]}" --output=- --quiet
expect certify-help-exit-3 0 "3  a report could not be written" -- certify --help
expect certify-several-outputs 2 "needs {flow} in the path" -- certify --output=x.json
expect certify-sim-passes 0 "RESULT: PASS -- $clauses clauses hold" -- certify --flow=sim --programs=20 --quiet
expect certify-mutants-with-mutant 2 "--mutants runs every mutant; it cannot be combined with --mutant=empty-data" -- certify --mutants --mutant=empty-data
expect certify-mutants-with-stats 2 "cannot be combined with --mutants" -- certify --mutants --stats
# The kill matrix over one scenario: the mutants that scenario catches are
# caught, the rest survive it -- so the matrix fails, naming survivors.
expect certify-mutants-one-scenario 1 "eof-before-drain              R5      .  .  .  .  X" -- certify --flow=sim-ideal --mutants --only=R5.drain-before-eof --quiet
expect certify-mutants-json 1 '"schema": "flowcheck.kill-matrix/1"' -- certify --flow=sim-ideal --mutants --only=R7.eof-sticky --format=json --quiet
expect certify-mutant-fails 1 "RESULT: FAIL -- 1 clauses violated: C4" -- certify --flow=sim-ideal --mutant=close-returns-early --only=C4.close-waits-for-peer --quiet
expect certify-bad-plan 2 "column 13: unknown setting 'latencyy'" -- certify --flow=sim --plan='split=1..16 latencyy=5ms'
expect certify-plan-needs-sim 2 "--plan needs --flow naming a flow over the simulated links; those are: sim" -- certify --flow=tcp --plan='split=1..4'
expect certify-shaped-plan-passes 0 "RESULT: PASS -- $clauses clauses hold" -- certify --flow=sim --plan='latency=1ms..5ms split=1..64 window=4KiB' --programs=20 --quiet
expect certify-breaking-plan-fails 1 "clauses violated: R4" -- certify --flow=sim --plan='split=1..64; corrupt a>b p=5%' --only=programs --quiet

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

# A JSON report written to a file, atomically, and nothing on stdout.
"$bin" certify "${cheap[@]}" --format=json --output="$out_dir/cert.json" --quiet >"$out_dir/stdout"
status=$?
if [ "$status" -eq 0 ] && grep -q '"schema": "flowcheck.certificate/1"' "$out_dir/cert.json" \
   && [ ! -s "$out_dir/stdout" ] && [ "$(ls "$out_dir")" = "$(printf 'cert.json\nstdout')" ]; then
  pass certify-json-output
else
  fail certify-json-output "status $status" "$(ls -la "$out_dir")"
fi

# Through a symbolic link: the target is written, the link stays a link.
mkdir "$out_dir/link"
echo old >"$out_dir/link/target.txt"
ln -s target.txt "$out_dir/link/report"
"$bin" certify "${cheap[@]}" --output="$out_dir/link/report" --quiet
status=$?
if [ "$status" -eq 0 ] && [ -L "$out_dir/link/report" ] \
   && grep -q "RESULT: PASS" "$out_dir/link/target.txt" \
   && [ "$(ls "$out_dir/link")" = "$(printf 'report\ntarget.txt')" ]; then
  pass certify-output-through-symlink
else
  fail certify-output-through-symlink "status $status" "$(ls -la "$out_dir/link")"
fi

# Every {flow} is replaced.
"$bin" certify "${cheap[@]}" --output="$out_dir/{flow}-cert-{flow}.txt" --quiet
status=$?
if [ "$status" -eq 0 ] && grep -q "RESULT: PASS" "$out_dir/sim-ideal-cert-sim-ideal.txt"; then
  pass certify-output-flow-twice
else
  fail certify-output-flow-twice "status $status" "$(ls -la "$out_dir")"
fi

# Refused up front, with exit 2, before any case runs.
ln -s /dev/null "$out_dir/to-null"
mkfifo "$out_dir/fifo"
refused certify-output-dev-null "'/dev/null' is a character device, not a regular file" -- "${cheap[@]}" --output=/dev/null
refused certify-output-link-to-dev-null "(a symbolic link to '/dev/null') is a character device" -- "${cheap[@]}" --output="$out_dir/to-null"
refused certify-output-directory "'$out_dir' is a directory, not a regular file" -- "${cheap[@]}" --output="$out_dir"
refused certify-output-fifo "is a FIFO, not a regular file" -- "${cheap[@]}" --output="$out_dir/fifo"
refused certify-output-no-directory "the directory '$out_dir/missing' of '$out_dir/missing/x.txt' does not exist" -- "${cheap[@]}" --output="$out_dir/missing/x.txt"
# With every flow, every path is checked before the first flow is certified.
refused certify-output-every-flow "'$out_dir/missing/tcp.json' does not exist" -- --only=R7.eof-sticky --output="$out_dir/missing/{flow}.json"

# An output error after certifying (here stdout on a full device) is exit
# 3, never 1 ("a clause failed") nor 0.
out=$("$bin" certify "${cheap[@]}" --quiet 2>&1 >/dev/full)
status=$?
if [ "$status" -eq 3 ] && grep -q "cannot write the report for 'sim-ideal' to stdout (it passed)" <<<"$out"; then
  pass certify-output-error-exit-3
else
  fail certify-output-error-exit-3 "exit $status, wanted 3; output:" "$out"
fi

echo "$((total - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
