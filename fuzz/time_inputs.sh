#!/usr/bin/env bash
# fuzz/time_inputs.sh: what one execution of a fuzz target costs, on a
# fixed set of inputs -- for comparing two trees or two builds on the same
# work (libFuzzer's exec/s depends on the inputs it happens to pick, and
# with -entropic_scale_per_exec_time=1 on timing). Builds fuzz/build.sh's
# library as OSS-Fuzz would (clang-14, ASan, coverage instrumentation, no
# libFuzzer), links TARGET's source with fuzz/timing_main.cc, and times
# every input of CORPUS (docs/fuzzing.md, "Reuse instead of rebuild").
#
#   fuzz/time_inputs.sh TARGET CORPUS [--warmup=N] [--rounds=N]
#   FLOWCHECK_TIME_WORK=dir fuzz/time_inputs.sh ...   # reuse a library build
#
# TARGET is a name in fuzz/targets.txt; CORPUS a file or directory (say, a
# corpus a fuzzing run grew). Exit 0 after printing the median; 2 on bad
# arguments or a failed build; a finding aborts as under libFuzzer.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: fuzz/time_inputs.sh TARGET CORPUS [--warmup=N] [--rounds=N]" >&2
  exit 2
fi
target=$1
corpus=$2
shift 2
if ! grep -qx "$target" fuzz/targets.txt; then
  echo "time_inputs: '$target' is not a fuzz target (fuzz/targets.txt lists: $(tr '\n' ' ' <fuzz/targets.txt))" >&2
  exit 2
fi
if [ ! -e "$corpus" ]; then
  echo "time_inputs: no such corpus: $corpus" >&2
  exit 2
fi
if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "time_inputs: clang-14 is not installed (setup.sh installs it)" >&2
  exit 2
fi
scratch=${FLOWCHECK_TIME_WORK:-$(mktemp -d)}
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize=fuzzer-no-link"
# The target's own files leave out what the library's do (fuzz/build.sh).
target_flags="$flags -fsanitize-coverage-ignorelist=tools/fuzz_coverage_ignorelist.txt"
if [ ! -f "$scratch/work/libflowcheck.a" ]; then
  echo "time_inputs: building the library in $scratch (a few minutes)" >&2
  CC=clang-14 CXX=clang++-14 CFLAGS="$flags" CXXFLAGS="$flags" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$scratch/out" WORK="$scratch/work" \
    fuzz/build.sh >/dev/null || { echo "time_inputs: fuzz/build.sh failed" >&2; exit 2; }
fi
# The checker's fuzzer links its own instrumented checker, as in build.sh.
own=()
[ "$target" = history_checker_fuzzer ] && own=("$scratch/work/checker_covered.o")
# shellcheck disable=SC2086  # the flags are a list of words
clang++-14 $target_flags -std=c++20 -I. -DASIO_STANDALONE -DASIO_NO_DEPRECATED fuzz/timing_main.cc "fuzz/$target.cc" \
  "${own[@]}" "$scratch/work/libflowcheck.a" -lrapidcheck -pthread -o "$scratch/$target.timing" ||
  { echo "time_inputs: link failed" >&2; exit 2; }
"$scratch/$target.timing" "$@" "$corpus"
