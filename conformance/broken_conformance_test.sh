#!/usr/bin/env bash
# Runs the conformance suite registered for a broken flow (one breakage at
# a time, conformance/broken_conformance_main.cc) and checks that every
# breakage makes the test binary fail with a CRASH line naming the case --
# never exit 0, never a skip, never a hang past its bound -- and that no
# process is left behind.
set -uo pipefail
binary=$1
failures=0

check() {  # check BREAKAGE EXPECTED-TEXT
  local breakage=$1 expected=$2 out status
  out=$(FLOWCHECK_BREAKAGE=$breakage FLOWCHECK_PROGRAMS=3 \
        FLOWCHECK_WATCHDOG_SECONDS=1 \
        timeout 120 "$binary" \
        --gtest_filter='*programs:*R4_integrity_2MiB' 2>&1)
  status=$?
  if [ "$status" -eq 0 ]; then
    echo "FAIL $breakage: the suite exited 0"; failures=$((failures + 1)); return
  fi
  if [ "$status" -eq 124 ]; then
    echo "FAIL $breakage: the suite hung (killed by timeout)"; failures=$((failures + 1)); return
  fi
  for text in "CRASH in programs (seed 1)" "CRASH in R4.integrity-2MiB" \
              "$expected" "2 FAILED TESTS"; do
    if ! grep -qF -- "$text" <<<"$out"; then
      echo "FAIL $breakage: output lacks '$text'"; echo "$out" | tail -30
      failures=$((failures + 1)); return
    fi
  done
  if grep -q "SKIPPED" <<<"$out"; then
    echo "FAIL $breakage: a crashed case was skipped"; failures=$((failures + 1)); return
  fi
  echo "ok $breakage: exit $status, crash lines say '$expected'"
}

check segfault "killed by signal 11 (Segmentation fault), while in: "
check abort "killed by signal 6"
check throw "threw std::runtime_error: the broken flow's read() threw"
check exit0 "called exit(0) in the middle of the case"
check spin "without progress"
check close-pipe-spin "without progress"

# A flow that fails a clause without crashing: the failing test's log names
# an HTML page with the diagram, written to Bazel's undeclared outputs.
# (Bazel's TEST_TARGET is this test's; the binary would take it for its own.)
unset TEST_TARGET
outputs=$(mktemp -d "${TEST_TMPDIR:-/tmp}/outputs.XXXXXX")
out=$(FLOWCHECK_MUTANT=close-returns-early TEST_UNDECLARED_OUTPUTS_DIR=$outputs \
      timeout 120 "$binary" --gtest_filter='*C4_close_waits_for_peer' 2>&1)
page="$outputs/flowcheck-Broken_FlowcheckConformance-C4.close-waits-for-peer.html"
if ! grep -qF "diagram of each counterexample: $page" <<<"$out"; then
  echo "FAIL mutant: the log does not name $page"; echo "$out" | tail -20
  failures=$((failures + 1))
elif ! grep -q 'class="op violating' "$page"; then
  echo "FAIL mutant: $page has no diagram with the violation"
  failures=$((failures + 1))
else
  echo "ok mutant: the failing test's log names its diagram, $page"
fi

# The replay command a failing case prints runs that case again, as
# printed: outside Bazel (this binary, its environment, --gtest_filter) and
# the Bazel form (TEST_TARGET set: bazel test LABEL --test_env=...
# --test_filter=...), whose pieces are run here through the binary (a test
# cannot run Bazel; .ci/run runs such a line with Bazel itself).
line=$(grep -A1 '^  replay:$' <<<"$out" | sed -n 2p | sed 's/^    //')
again=$(FLOWCHECK_MUTANT=close-returns-early timeout 120 sh -c "$line" 2>&1)
if grep -qF "A's close #0 returned before B called close" <<<"$again" &&
   grep -q "1 FAILED TEST" <<<"$again"; then
  echo "ok replay: '$line' fails the same way"
else
  echo "FAIL replay: '$line' did not reproduce"; echo "$again" | tail -20
  failures=$((failures + 1))
fi
bazel_out=$(FLOWCHECK_MUTANT=close-returns-early TEST_TARGET=//my:flow_test \
            timeout 120 "$binary" --gtest_filter='*C4_close_waits_for_peer' 2>&1)
bazel_line=$(grep -A1 '^  replay:$' <<<"$bazel_out" | sed -n 2p | sed 's/^    //')
want="bazel test //my:flow_test --test_env=FLOWCHECK_SEED=1 --test_env=FLOWCHECK_PROGRAMS=100 --test_filter='Broken/FlowcheckConformance.Case/C4_close_waits_for_peer'"
if [ "$bazel_line" != "$want" ]; then
  echo "FAIL bazel replay line: got '$bazel_line', wanted '$want'"
  failures=$((failures + 1))
else
  env_args=$(grep -o -- '--test_env=[^ ]*' <<<"$bazel_line" | sed 's/--test_env=//')
  filter=$(grep -o -- "--test_filter='[^']*'" <<<"$bazel_line" | sed "s/--test_filter='//; s/'\$//")
  again=$(env $env_args FLOWCHECK_MUTANT=close-returns-early timeout 120 \
          "$binary" --gtest_filter="$filter" 2>&1)
  if grep -qF "A's close #0 returned before B called close" <<<"$again"; then
    echo "ok bazel replay line: its environment and filter reproduce the case"
  else
    echo "FAIL bazel replay line: did not reproduce"; echo "$again" | tail -20
    failures=$((failures + 1))
  fi
fi
# The case's certificate lists only the clause it touched.
if ! grep -qE '^C4 +FAIL' <<<"$out" || grep -qE '^(R1|E1) ' <<<"$out"; then
  echo "FAIL touched-only: the C4 case's certificate lists other clauses"
  failures=$((failures + 1))
else
  echo "ok touched-only: the C4 case lists only C4"
fi

# Nothing of the runs above may still be running.
# (A process whose command is the binary itself, not a shell mentioning it.)
leftover='^[^ ]*broken_conformance_main( |$)'
if pgrep -f "$leftover" >/dev/null; then
  echo "FAIL: a broken_conformance_main process outlived its run"
  pgrep -af "$leftover"
  failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] && echo "all breakages failed the suite, as they must"
exit "$failures"
