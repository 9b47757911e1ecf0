#!/usr/bin/env bash
# Runs the flowcheck binary as a user would and checks exit codes and
# messages.
set -u
bin="$TEST_SRCDIR/flowcheck/tools/flowcheck"
# pass, fail, expect_run, finish
source "$TEST_SRCDIR/flowcheck/tools/testing/checks.sh"

expect() {  # expect NAME WANTED_STATUS PATTERN -- ARGS...
  local name=$1 want=$2 pattern=$3
  shift 4
  expect_run "$name" "$want" "$pattern" -- "$bin" "$@"
}

# How many clauses the contract has, as the tool itself reports them (one
# "id" per clause in a JSON certificate), so that adding a clause does not
# break the expectations below.
clauses=$("$bin" certify --flow=sim --only=R7.eof-sticky --format=json --quiet | grep -c '"id": ')
refused() {  # refused NAME PATTERN -- ARGS: exit 2 before certifying anything
  local name=$1 pattern=$2
  shift 3
  expect_run "$name" 2 "$pattern" --absent='certifying|RESULT|report written' \
    -- "$bin" certify "$@"
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

# Sweeps: shards of a sweep, merged, are the sweep run whole.
sweep=(certify --flow=sim --seeds=1..7 --programs=3 --only=programs,C4.close-waits-for-peer --format=json --quiet)
for k in 1 2 3; do
  "$bin" "${sweep[@]}" --shard=$k/3 --output="$out_dir/shard$k.json" || fail "sweep-shard-$k" "exit $?"
done
"$bin" "${sweep[@]}" --output="$out_dir/whole.json"
without_time() { grep -v '"seconds"' "$1"; }
"$bin" merge --format=json "$out_dir/shard3.json" "$out_dir/shard1.json" "$out_dir/shard2.json" >"$out_dir/merged.json"
status=$?
if [ "$status" -eq 0 ] && diff <(without_time "$out_dir/whole.json") <(without_time "$out_dir/merged.json") >/dev/null &&
   grep -q '"seeds": \[' "$out_dir/merged.json"; then
  pass "merged shards are the whole sweep"
else
  fail "merge" "exit $status or merged != whole" "$(diff <(without_time "$out_dir/whole.json") <(without_time "$out_dir/merged.json") | head -20)"
fi
out=$("$bin" merge "$out_dir/shard1.json" "$out_dir/merged.json" 2>&1)
status=$?
if [ "$status" -eq 2 ] && grep -q "seed 1 is in '$out_dir/shard1.json' (seeds 1..2) and in '$out_dir/merged.json' (seeds 1..7)" <<<"$out"; then
  pass "a seed given twice is refused, naming the files"
else
  fail "merge twice" "exit $status" "$out"
fi
echo '{"schema": "flowcheck.certificate/1"}' >"$out_dir/broken.json"
expect merge-broken 2 "'$out_dir/broken.json' is not a flowcheck certificate in JSON (flow: missing)" -- merge "$out_dir/shard1.json" "$out_dir/broken.json"
expect merge-missing 2 "cannot read '$out_dir/nope.json'" -- merge "$out_dir/nope.json"
expect merge-none 2 "no certificates given" -- merge --format=json
expect merge-help 0 "Combines JSON certificates of one flow" -- merge --help
refused sweep-bad-range "--seeds: '5..1' is empty" -- --flow=sim --seeds=5..1
refused sweep-bad-shard "--shard: '4/3' is not a shard" -- --flow=sim --seeds=1..9 --shard=4/3
refused sweep-shard-without-seeds "--shard splits a sweep" -- --flow=sim --shard=1/2
refused sweep-seed-and-seeds "--seed and --seeds cannot be combined" -- --flow=sim --seed=3 --seeds=1..9
out=$("$bin" certify --flow=sim --seeds=1..2 --shard=1/3 --programs=1 2>&1)
status=$?
if [ "$status" -eq 0 ] && grep -q "shard 1 of 3 was given no seed (3 shards for 2 seeds)" <<<"$out"; then
  pass "an empty shard says so"
else
  fail "empty shard" "exit $status" "$out"
fi
out=$("$bin" certify --flow=sim --seeds=1..3 --programs=2 --only=programs 2>&1 >/dev/null)
if grep -q "^\[sim\] seeds 3/3 (100%), .* seeds/s, 0 failing" <<<"$out"; then
  pass "a sweep shows its progress"
else
  fail "sweep progress" "no progress line" "$out"
fi

finish
