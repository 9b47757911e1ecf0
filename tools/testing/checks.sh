# tools/testing/checks.sh: the checks of flowcheck's shell tests (sourced,
# not run): a count of passed and failed checks, one line per check, and a
# check of a command's exit status and output.
#
#   source "$TEST_SRCDIR/flowcheck/tools/testing/checks.sh"
#   expect_run "help" 0 "usage:" -- "$bin" --help
#   ...
#   finish   # prints "N of M checks passed"; status 0 only if none failed
#
# Bazel: the test lists //tools/testing:checks in its data.
checks_failed=0
checks_total=0

# pass NAME: a check that held.
pass() {
  echo "ok   $1"
  checks_total=$((checks_total + 1))
}

# fail NAME WHY [OUTPUT]: a check that did not, with what was wrong and the
# output that shows it.
fail() {
  echo "FAIL $1: $2"
  [ $# -gt 2 ] && echo "$3"
  checks_failed=$((checks_failed + 1))
  checks_total=$((checks_total + 1))
}

# expect_run NAME STATUS PATTERN [--fixed] [--absent=REGEX] -- COMMAND...
# Runs COMMAND (stdout and stderr together). Passes when it exits STATUS and
# its output matches PATTERN (a basic regular expression, or a fixed string
# with --fixed) and, with --absent, does not match REGEX (extended). The
# output stays in $run_output for further checks.
expect_run() {
  local name=$1 want=$2 pattern=$3 grep_mode=-q absent=""
  shift 3
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
      --fixed) grep_mode=-qF ;;
      --absent=*) absent=${1#--absent=} ;;
      *) fail "$name" "expect_run: unknown option '$1'"; return ;;
    esac
    shift
  done
  shift  # --
  local status
  run_output=$("$@" 2>&1)
  status=$?
  if [ "$status" -ne "$want" ]; then
    fail "$name" "exit $status, wanted $want; output:" "$run_output"
  elif ! grep $grep_mode -- "$pattern" <<<"$run_output"; then
    fail "$name" "output lacks '$pattern':" "$run_output"
  elif [ -n "$absent" ] && grep -qE -- "$absent" <<<"$run_output"; then
    fail "$name" "output has '$absent':" "$run_output"
  else
    pass "$name"
  fi
}

# finish: the summary line; returns 0 only if no check failed (end the test
# script with it).
finish() {
  echo "$((checks_total - checks_failed)) of $checks_total checks passed"
  [ "$checks_failed" -eq 0 ]
}
