#!/usr/bin/env bash
# fuzz/run_fuzzers.sh: a short, fixed fuzzing run of every flowcheck fuzz
# target, for CI (docs/fuzzing.md).
#
#   fuzz/run_fuzzers.sh [RUNS]
#
# When clang-14 and libFuzzer are installed, builds //fuzz/... under
# --config=fuzz (clang-14, libFuzzer, ASan, UBSan) and runs each fuzzer for
# RUNS inputs (default 2000, or $FLOWCHECK_FUZZ_RUNS) with a fixed libFuzzer
# seed, starting from its checked-in corpus and dictionary. New inputs go to
# a temporary directory: the checked-in corpus is never changed.
#
# Exit status: 0 when every fuzzer finished its runs without a finding (or
# when clang/libFuzzer are missing: then it says so and skips); 1 when a
# fuzzer found something -- the crashing input is kept under
# $FLOWCHECK_FUZZ_ARTIFACTS (default: a directory the script prints) to be
# turned into a regression; 2 when the build failed.
#
# Afterwards the Bazel output tree holds clang objects: the next plain
# `bazel build`/`bazel test` re-configures for gcc and rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-${FLOWCHECK_FUZZ_RUNS:-2000}}
# The fuzz targets, one per line (shared with the other fuzz scripts).
mapfile -t targets < fuzz/targets.txt

# The checked-in corpus of a target (socketpair_flow_fuzzer shares the
# simulated flow's: same input encoding).
corpus_of() {
  case "$1" in
    socketpair_flow_fuzzer) echo fuzz/corpus/sim_flow_fuzzer ;;
    *) echo "fuzz/corpus/$1" ;;
  esac
}

if ! command -v clang-14 >/dev/null 2>&1 ||
  ! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "run_fuzzers: skipped: clang-14 or libFuzzer (libfuzzer-14-dev) is not installed"
  exit 0
fi

echo "== building the fuzz targets with --config=fuzz =="
# gold warns once per ASan symbol it cannot export; the warnings say nothing.
labels=()
for target in "${targets[@]}"; do labels+=("//fuzz:$target"); done
set +e
bazel build --config=fuzz "${labels[@]}" 2>&1 |
  grep -v "Cannot export local symbol"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "run_fuzzers: the build failed"
  exit 2
fi

bin=bazel-bin
work=$(mktemp -d)
artifacts=${FLOWCHECK_FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"
cleanup() {
  # Keep the artifacts of a finding; drop the scratch corpora.
  for target in "${targets[@]}"; do rm -rf "${work:?}/$target"; done
  rmdir "$work/artifacts" "$work" 2>/dev/null || true
}
trap cleanup EXIT

passed=0
failed=0
for target in "${targets[@]}"; do
  echo "== $target: $runs runs =="
  mkdir -p "$work/$target"
  dict=()
  if [ -f "fuzz/$target.dict" ]; then dict=(-dict="fuzz/$target.dict"); fi
  set +e
  # -entropic_scale_per_exec_time=0: the flow targets default to 1
  # (fuzz/flow_fuzzer.h), which makes a run depend on timing; this short
  # run stays reproducible from its seed.
  "$bin/fuzz/$target" "${dict[@]}" -runs="$runs" -seed=1 -timeout=10 \
    -entropic_scale_per_exec_time=0 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" \
    "$work/$target" "$(corpus_of "$target")" >"$work/$target.log" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    grep -E "^(Done|stat::average_exec_per_sec)" "$work/$target.log" || true
  else
    failed=$((failed + 1))
    # The finding's report (the target prints it before aborting) and the
    # sanitizer's, then where libFuzzer saved the input.
    tail -n 80 "$work/$target.log"
    echo "run_fuzzers: $target found something (exit $status); input kept in $artifacts"
  fi
  rm -f "$work/$target.log"
done

echo "fuzzers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
