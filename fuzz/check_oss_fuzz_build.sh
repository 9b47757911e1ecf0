#!/usr/bin/env bash
# fuzz/check_oss_fuzz_build.sh: builds the fuzzers with fuzz/build.sh as
# OSS-Fuzz would (its variables, clang-14, ASan, -fsanitize=fuzzer), checks
# that every target has its binary, seed corpus, options and (where it has
# one) dictionary in $OUT, and runs each binary for a few seconds on its
# seed corpus with its options. Run by .ci/run.
#
#   fuzz/check_oss_fuzz_build.sh [SECONDS_PER_FUZZER]   (default 5)
#
# Exit status: 0 all good (or clang-14/libFuzzer missing: said, skipped
# outside CI; CI=true makes that a failure), 1 a check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
if ! command -v clang-14 >/dev/null 2>&1 ||
  ! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "check_oss_fuzz_build: clang-14 or libFuzzer (libfuzzer-14-dev) is not installed"
  [ "${CI:-}" = true ] && exit 1
  echo "check_oss_fuzz_build: skipped"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# A missing variable is refused by name, before anything is built.
out=$(env -u LIB_FUZZING_ENGINE CC=clang-14 CXX=clang++-14 CFLAGS= CXXFLAGS= OUT="$scratch/none" fuzz/build.sh 2>&1)
if [ $? -eq 2 ] && grep -q 'LIB_FUZZING_ENGINE is not set' <<<"$out"; then
  echo "ok   a missing variable is named"
else
  fail "a missing variable: $out"
fi

flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
if ! CC=clang-14 CXX=clang++-14 CFLAGS="$flags" CXXFLAGS="$flags" \
  LIB_FUZZING_ENGINE="-fsanitize=fuzzer" OUT="$scratch/out" WORK="$scratch/work" \
  fuzz/build.sh; then
  echo "FAIL fuzz/build.sh"
  exit 1
fi
mapfile -t targets < fuzz/targets.txt
for target in "${targets[@]}"; do
  out_dir="$scratch/out"
  for file in "$target" "${target}_seed_corpus.zip" "$target.options"; do
    [ -s "$out_dir/$file" ] || fail "$target: $file missing in \$OUT"
  done
  if [ -f "fuzz/$target.dict" ]; then
    [ -s "$out_dir/$target.dict" ] && grep -q "dict = $target.dict" "$out_dir/$target.options" ||
      fail "$target: dictionary not shipped or not in its options"
  fi
  corpus="$scratch/corpus-$target"
  mkdir -p "$corpus"
  python3 -m zipfile -e "$out_dir/${target}_seed_corpus.zip" "$corpus"
  inputs=$(find "$corpus" -type f | wc -l)
  [ "$inputs" -gt 0 ] || fail "$target: empty seed corpus"
  dict=()
  [ -f "$out_dir/$target.dict" ] && dict=(-dict="$out_dir/$target.dict")
  if log=$("$out_dir/$target" "${dict[@]}" -max_total_time="$seconds" -seed=1 \
    -timeout=10 "$corpus" 2>&1); then
    echo "ok   $target: $inputs seed inputs, $(grep -o 'exec/s: [0-9]*' <<<"$log" | tail -1)"
  else
    fail "$target: exit $?"
    tail -30 <<<"$log"
  fi
done
[ "$failures" -eq 0 ]
