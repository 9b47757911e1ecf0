#!/usr/bin/env bash
# fuzz/zoo_detection.sh: does the "your flow" fuzz template find every
# mutant of the zoo, and after how many executions? Builds
# fuzz/mutant_zoo_fuzzer.cc as OSS-Fuzz would (fuzz/build.sh's library,
# clang-14, ASan, libFuzzer), then for each mutant starts libFuzzer from an
# EMPTY corpus with a fixed seed and records the executions until its first
# finding -- once per determinism setting given (default: 1, every input
# re-run as before, and 8, the template's sample). The template's default
# -entropic_scale_per_exec_time=1 is kept, as a user runs it, so the counts
# also depend on timing: a second run finds other numbers.
#
#   fuzz/zoo_detection.sh [MAX_SECONDS_PER_MUTANT] [EVERY ...]
#   FLOWCHECK_ZOO_ONLY="drop-byte flip-byte" fuzz/zoo_detection.sh
#
# Prints one row per mutant: executions to the finding and the wall-clock
# time (start-up included) per setting, and the finding's first line. Exit 0 when every mutant was found under every
# setting, 1 otherwise; 2 when clang-14/libFuzzer are missing.
set -uo pipefail
cd "$(dirname "$0")/.."
max_seconds=${1:-60}
shift || true
settings=("$@")
[ ${#settings[@]} -eq 0 ] && settings=(1 8)
if ! command -v clang-14 >/dev/null 2>&1; then
  echo "zoo_detection: clang-14 is not installed" >&2
  exit 2
fi
scratch=${FLOWCHECK_ZOO_WORK:-$(mktemp -d)}
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize=fuzzer-no-link"
# The target's own files leave out what the library's do (fuzz/build.sh).
target_flags="$flags -fsanitize-coverage-ignorelist=tools/fuzz_coverage_ignorelist.txt"
if [ ! -f "$scratch/work/libflowcheck.a" ]; then
  CC=clang-14 CXX=clang++-14 CFLAGS="$flags" CXXFLAGS="$flags" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$scratch/out" WORK="$scratch/work" \
    fuzz/build.sh >/dev/null || { echo "zoo_detection: fuzz/build.sh failed" >&2; exit 2; }
fi
common=(-std=c++20 -I. -DASIO_STANDALONE -DASIO_NO_DEPRECATED)
# shellcheck disable=SC2086
clang++-14 $target_flags "${common[@]}" fuzz/mutant_zoo_fuzzer.cc conformance/mutants.cc \
  "$scratch/work/libflowcheck.a" -fsanitize=fuzzer -lrapidcheck -pthread \
  -o "$scratch/mutant_zoo_fuzzer" || { echo "zoo_detection: link failed" >&2; exit 2; }
mutants=$(cd "$scratch" && FLOWCHECK_FUZZ_MUTANT= ./mutant_zoo_fuzzer -runs=1 2>&1 |
  sed -n 's/^  \([a-z0-9-]*\)$/\1/p')
# FLOWCHECK_ZOO_ONLY="a b": just these mutants.
[ -n "${FLOWCHECK_ZOO_ONLY:-}" ] && mutants=$FLOWCHECK_ZOO_ONLY
if [ -z "$mutants" ]; then
  echo "zoo_detection: the fuzzer listed no mutants (did it start?)" >&2
  exit 2
fi
header="mutant"
for every in "${settings[@]}"; do header+=$'\t'"re-run 1 in $every: execs in time"; done
echo -e "$header"$'\t'"finding"
missed=0
for mutant in $mutants; do
  row="$mutant"
  finding=""
  for every in "${settings[@]}"; do
    empty="$scratch/empty-$mutant-$every"
    rm -rf "$empty" && mkdir -p "$empty"
    started=$(date +%s.%N)
    log=$(cd "$scratch" && FLOWCHECK_FUZZ_MUTANT=$mutant FLOWCHECK_FUZZ_DETERMINISM_EVERY=$every \
      ./mutant_zoo_fuzzer -seed=1 -max_total_time="$max_seconds" -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$scratch/crash-" "$empty" 2>&1)
    took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' <<<"$log" | awk '{print $2}' | tail -1)
    if grep -q 'flowcheck fuzz finding' <<<"$log"; then
      row+=$'\t'"${execs:-?} in ${took}s"
      [ -z "$finding" ] && finding=$(grep -m1 'flowcheck fuzz finding' <<<"$log" | sed 's/^[^:]*: //' | cut -c1-90)
    else
      row+=$'\t'"not found in ${max_seconds}s (${execs:-?} execs)"
      missed=$((missed + 1))
    fi
  done
  echo -e "$row"$'\t'"$finding"
done
[ "$missed" -eq 0 ]
