#!/usr/bin/env bash
# flowcheck replay, as a user runs it: every replay line a failing
# certificate prints -- and every case of its JSON form -- reproduces the
# same violation; --html draws it, --trace shows the schedule; bad input is
# refused with exit 2 and nothing run.
set -u
bin="$TEST_SRCDIR/flowcheck/tools/flowcheck"
work="${TEST_TMPDIR:-$(mktemp -d)}"
# pass, fail, expect_run, finish
source "$TEST_SRCDIR/flowcheck/tools/testing/checks.sh"

# check_certificate NAME CERTIFY-ARGS...: certifies (expecting a FAIL), then
# replays each printed replay line and each JSON case.
check_certificate() {
  local name=$1
  shift
  "$bin" certify "$@" --quiet --format=table >"$work/$name.txt"
  local status=$?
  [ "$status" -eq 1 ] || { fail "$name certify" "exit $status, wanted 1" "$(cat "$work/$name.txt")"; return; }
  "$bin" certify "$@" --quiet --format=json --output="$work/$name.json" ||
    [ $? -eq 1 ] || { fail "$name json" "certify --format=json failed"; return; }
  local cases
  cases=$(grep -c '^FAIL .* (case [0-9]*), found by' "$work/$name.txt")
  [ "$cases" -gt 0 ] || { fail "$name" "no numbered case in the certificate" "$(cat "$work/$name.txt")"; return; }
  local n
  for n in $(seq 1 "$cases"); do
    # The case's clause, first violation line and replay line, as printed.
    local header clause violation line out
    header=$(grep -m1 "^FAIL .* (case $n), found by" "$work/$name.txt")
    clause=$(awk '{print $2}' <<<"$header")
    violation=$(grep -A1 -F -- "$header" "$work/$name.txt" | sed -n 2p | sed 's/^  //')
    line=$(awk -v h="$header" '$0 == h {found = 1} found && /^  replay:$/ {getline; sub(/^    /, ""); print; exit}' "$work/$name.txt")
    [ -n "$line" ] || { fail "$name case $n" "no replay line found"; continue; }
    [ -n "$violation" ] || { fail "$name case $n" "no violation line found"; continue; }
    out=$("$bin" replay "$line" --quiet 2>&1)
    status=$?
    if [ "$status" -ne 1 ]; then
      fail "$name case $n line" "exit $status, wanted 1 (replay: $line)" "$out"
    elif ! grep -qF -- "$violation" <<<"$out"; then
      fail "$name case $n line" "the replay lacks the certificate's violation '$violation' (replay: $line)" "$out"
    else
      pass "$name case $n: replay line gives $clause again"
    fi
    out=$("$bin" replay "$work/$name.json" --case="$n" --quiet 2>&1)
    status=$?
    if [ "$status" -ne 1 ] || ! grep -q "^REPRODUCED: $clause failed again, with the same violation" <<<"$out"; then
      fail "$name case $n json" "exit $status, wanted 1 and REPRODUCED" "$out"
    else
      pass "$name case $n: --case=$n reproduced"
    fi
  done
}

check_certificate close-returns-early --flow=sim --mutant=close-returns-early
# A plan (with spaces) survives the shell quoting of its replay line.
check_certificate planned --flow=sim --plan='latency=1ms..3ms split=1..8' --mutant=eof-before-drain --only=programs,R5.eof-after-buffered-bytes
# A real transport.
check_certificate socketpair --flow=socketpair --mutant=close-returns-early --only=C4.close-waits-for-peer --watchdog=3s

# --html: one case's diagram; --trace: the schedule.
out=$("$bin" replay "$work/close-returns-early.json" --case=1 --quiet --trace --html="$work/case.html" 2>&1)
if [ $? -eq 1 ] && grep -q '<svg' "$work/case.html" && grep -q 'class="op violating' "$work/case.html" &&
   grep -q '^  ~ .*pick' <<<"$out"; then
  pass "--html draws the case, --trace prints picks"
else
  fail "--html/--trace" "no diagram or no trace" "$out"
fi
out=$("$bin" replay "$work/socketpair.json" --case=1 --quiet --trace 2>&1)
if grep -q "none: this flow does not run in the simulation" <<<"$out"; then
  pass "--trace on a real flow says there is none"
else
  fail "--trace real" "no explanation" "$out"
fi

# A case that does not come back: the certificate's replay line pointed at
# a correct flow (edited here) -- NOT REPRODUCED, exit 4. A passing replay
# line: exit 0.
sed 's/--mutant=close-returns-early //' "$work/close-returns-early.json" >"$work/fixed.json"
out=$("$bin" replay "$work/fixed.json" --case=1 --quiet 2>&1)
status=$?
if [ "$status" -eq 4 ] && grep -q "^NOT REPRODUCED: W2 is PASS in the replay" <<<"$out"; then
  pass "a case that passes now: NOT REPRODUCED, exit 4"
else
  fail "not reproduced" "exit $status, wanted 4 and NOT REPRODUCED" "$out"
fi
out=$("$bin" replay "certify --flow=sim-ideal --only=R1.read-pends" --quiet 2>&1)
status=$?
if [ "$status" -eq 0 ] && grep -q "the replayed case passed" <<<"$out"; then
  pass "a passing replay line: exit 0"
else
  fail "passing line" "exit $status, wanted 0" "$out"
fi

refused() {  # refused NAME PATTERN -- ARGS: exit 2, nothing run
  local name=$1 pattern=$2
  shift 3
  expect_run "$name" 2 "$pattern" --fixed -- "$bin" replay "$@"
}
printf '{"schema": "flowcheck.certificate/1", "clauses": [' >"$work/truncated.json"
"$bin" certify --flow=sim --mutants --only=C4.close-waits-for-peer --programs=2 --quiet --format=json --output="$work/matrix.json"
"$bin" certify --flow=sim-ideal --only=programs --programs=3 --quiet --format=json --output="$work/passed.json"
printf '{"schema": "flowcheck.certificate/1", "clauses": [{"id": "Q9", "failures": []}]}' >"$work/foreign.json"
refused "missing file" "cannot read '$work/nope.json'" -- "$work/nope.json" --case=1
refused "truncated JSON" "is not JSON" -- "$work/truncated.json" --case=1
refused "kill matrix" "is a kill matrix, not a certificate" -- "$work/matrix.json" --case=1
refused "passing certificate" "has no failing case to replay" -- "$work/passed.json" --case=1
refused "damaged certificate" 'unknown clause "Q9"' -- "$work/foreign.json" --case=1
refused "no --case" "--case=N is needed" -- "$work/close-returns-early.json"
refused "case out of range" "has no case 99" -- "$work/close-returns-early.json" --case=99
refused "gtest line" "not a replay line of 'flowcheck certify'" -- "FLOWCHECK_SEED=1 bazel test //x --test_filter=*R1"
refused "unterminated quote" "unterminated ' quote" -- "certify --flow=sim --plan='latency=1ms"
refused "unknown flow" "unknown flow 'nope'" -- "certify --flow=nope --only=programs"
refused "html to a directory" "--html:" -- "$work/close-returns-early.json" --case=1 --html="$work"
refused "format" "--format is not for a replay" -- "certify --flow=sim --format=json"

finish
