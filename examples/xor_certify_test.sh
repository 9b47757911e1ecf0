#!/usr/bin/env bash
# A third party's command line (examples/xor_certify.cc, CertifyMain): its
# flows certify by name, a FAIL's replay line names this binary and, run as
# printed, fails the same way; replay from its JSON certificate works; bad
# usage is refused.
set -u
bin="$TEST_SRCDIR/flowcheck/examples/xor_certify"
work="${TEST_TMPDIR:-$(mktemp -d)}"
# pass, fail, expect_run, finish
source "$TEST_SRCDIR/flowcheck/tools/testing/checks.sh"

out=$("$bin" certify --list 2>&1)
if grep -q "xor-over-sim" <<<"$out" && grep -q "xor-over-tcp" <<<"$out" &&
   ! grep -q "socketpair" <<<"$out"; then
  pass "--list names the binary's own flows, not flowcheck's"
else
  fail "--list" "wrong flows" "$out"
fi

# Its own flows pass (a few programs, both worlds).
for flow in xor-over-sim xor-over-tcp; do
  out=$("$bin" certify --flow=$flow --programs=10 --watchdog=3s --quiet 2>&1)
  if [ $? -eq 0 ] && grep -q "^RESULT: PASS" <<<"$out"; then
    pass "$flow passes"
  else
    fail "$flow" "did not pass" "$out"
  fi
done

# A mutant FAILs; its replay line names this binary and reproduces.
"$bin" certify --flow=xor-over-sim --mutant=close-returns-early \
  --only=C4.close-waits-for-peer --quiet >"$work/cert.txt"
status=$?
line=$(grep -A1 '^  replay:$' "$work/cert.txt" | sed -n 2p | sed 's/^    //')
violation=$(grep -A1 '^FAIL C4 (case 1)' "$work/cert.txt" | sed -n 2p | sed 's/^  //')
[ -n "$violation" ] || fail "mutant" "no violation line after 'FAIL C4 (case 1)'" "$(cat "$work/cert.txt")"
first_word=${line%% *}
first_word=${first_word//\'/}  # the path comes shell-quoted
if [ "$status" -ne 1 ] || [ "${first_word##*/}" != xor_certify ] || [ ! -x "$first_word" ] ||
   ! grep -q "^[^ ]* certify --mutant=close-returns-early --flow=xor-over-sim " <<<"$line"; then
  fail "mutant" "exit $status, replay line '$line' should start with this binary's path and certify" "$(cat "$work/cert.txt")"
else
  again=$(sh -c "$line --quiet" 2>&1)
  if [ $? -eq 1 ] && grep -qF -- "$violation" <<<"$again"; then
    pass "the printed replay line, run as printed, fails the same way"
  else
    fail "replay line" "'$line' did not reproduce '$violation'" "$again"
  fi
  again=$("$bin" replay "$line" --quiet 2>&1)
  if [ $? -eq 1 ] && grep -qF -- "$violation" <<<"$again"; then
    pass "'replay LINE' reproduces it"
  else
    fail "replay LINE" "did not reproduce" "$again"
  fi
fi
"$bin" certify --flow=xor-over-sim --mutant=close-returns-early \
  --only=C4.close-waits-for-peer --quiet --format=json --output="$work/cert.json"
out=$("$bin" replay "$work/cert.json" --case=1 --quiet 2>&1)
if [ $? -eq 1 ] && grep -q "^REPRODUCED: C4 failed again, with the same violation" <<<"$out"; then
  pass "replay cert.json --case=1 reproduces"
else
  fail "replay --case" "not reproduced" "$out"
fi

# With the macro's first argument, replay lines name the Bazel target.
out=$("$bin" --replay-prefix='bazel run //examples:xor_certify --' certify \
  --flow=xor-over-sim --mutant=close-returns-early --only=C4.close-waits-for-peer --quiet 2>&1)
if grep -q "^    bazel run //examples:xor_certify -- certify --mutant=close-returns-early --flow=xor-over-sim --seed=1 --only=C4.close-waits-for-peer$" <<<"$out"; then
  pass "replay lines name the Bazel target under the macro"
else
  fail "macro prefix" "replay line does not name the target" "$out"
fi

expect_usage() {  # expect_usage NAME PATTERN -- ARGS
  local name=$1 pattern=$2
  shift 3
  expect_run "$name" 2 "$pattern" --fixed -- "$bin" "$@"
}
expect_usage "no command" "usage:" --
expect_usage "unknown command" "unknown command 'frobnicate'" -- frobnicate
expect_usage "flowcheck's flow" "unknown flow 'socketpair'; the flows are: xor-over-sim xor-over-tcp" -- certify --flow=socketpair
expect_usage "--plan" "none of this command's flows takes a plan" -- certify --flow=xor-over-sim --plan='latency=1ms'

finish
