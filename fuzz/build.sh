#!/bin/bash -eu
# fuzz/build.sh: builds every flowcheck fuzz target the way OSS-Fuzz and
# ClusterFuzzLite build a project (https://google.github.io/oss-fuzz/
# getting-started/new-project-guide/): from the standard variables, with
# no Bazel, and puts beside each binary in $OUT its seed corpus
# (<target>_seed_corpus.zip), its dictionary (<target>.dict) and its
# libFuzzer options (<target>.options).
#
#   CC, CXX                  the compilers (clang)
#   CFLAGS, CXXFLAGS         sanitizer and coverage flags (e.g.
#                            -fsanitize=address,fuzzer-no-link)
#   LIB_FUZZING_ENGINE       what links the engine (e.g. -fsanitize=fuzzer)
#   OUT                      where binaries and their files go
#   WORK                     scratch space (default: a temporary directory)
#
# Run from anywhere; it builds the tree it lives in. The libraries come
# from the system (Debian/Ubuntu: librapidcheck-dev, libasio-dev,
# nlohmann-json3-dev). .clusterfuzzlite/ runs it in Docker; .ci/run runs
# it here with OSS-Fuzz's variables and runs each binary on its corpus.
#
# The sources below are the union of what //fuzz's targets depend on
# (bazel query 'kind("source file", deps(//fuzz:<target>))'); a source a
# fuzzer needs and this list lacks fails the link, loudly.

# Also when run as `bash fuzz/build.sh` (the #! line's flags are then
# ignored): a source that fails to compile must fail the build.
set -euo pipefail

for variable in CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT; do
  if [ -z "${!variable+set}" ]; then
    echo "fuzz/build.sh: \$$variable is not set (OSS-Fuzz sets CC, CXX," \
      "CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE and OUT; see the header)" >&2
    exit 2
  fi
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d)}
mkdir -p "$OUT" "$work/obj"
OUT=$(cd "$OUT" && pwd)  # absolute: the zips are written from elsewhere

# The fuzz targets, one per line (shared with the other fuzz scripts).
mapfile -t targets < "$root/fuzz/targets.txt"
library=(
  flow/buffer.cc flow/check.cc flow/flow.cc flow/result.cc flow/runtime.cc
  flow/task.cc
  model/checker.cc model/clause.cc model/connection_model.cc
  model/history.cc model/history_gen.cc model/pattern.cc model/recorder.cc
  sim/connection.cc sim/fault_plan.cc sim/fault_plan_text.cc sim/faults.cc
  sim/link.cc sim/random.cc sim/scheduler.cc sim/trace.cc sim/units.cc
  sim/wait_list.cc
  flows/asio_runtime.cc flows/pairs.cc flows/stream_flow.cc
  conformance/builtin.cc conformance/isolate.cc conformance/program.cc
  conformance/real_subject.cc conformance/sim_subject.cc
  conformance/subject.cc
  fuzz/finding.cc fuzz/flow_case.cc fuzz/flow_fuzzer.cc
)

# C++20 (coroutines) on top of whatever the fuzzing infrastructure asks.
cxxflags="$CXXFLAGS -std=c++20 -I$root -DASIO_STANDALONE -DASIO_NO_DEPRECATED"
# The harness (program runner, subjects' wiring, recorder) gets no coverage
# instrumentation, as under bazel --config=fuzz: the files are the regex of
# .bazelrc's `build:fuzz --per_file_copt=REGEX@OPTIONS`, and they get its
# options (one list for both builds). Only libFuzzer-style coverage is
# turned off; sanitizers stay. With other engines' flags every file is
# instrumented.
per_file_copt=$(sed -n 's/^build:fuzz --per_file_copt=\(.*@-fno-sanitize=fuzzer-no-link.*\)$/\1/p' \
  "$root/.bazelrc")
if [ -z "$per_file_copt" ]; then
  echo "fuzz/build.sh: no build:fuzz --per_file_copt line in .bazelrc" >&2
  exit 2
fi
harness_regex=${per_file_copt%@*}
harness_flags=""
case " $CXXFLAGS " in
  *fuzzer-no-link*)
    harness_flags=$(echo "${per_file_copt##*@}" | tr ',' ' ')
    # And in every file, the functions no flow owns (the standard
    # library's...): tools/fuzz_coverage_ignorelist.txt, as under Bazel.
    cxxflags="$cxxflags -fsanitize-coverage-ignorelist=$root/tools/fuzz_coverage_ignorelist.txt"
    ;;
esac
echo "fuzz/build.sh: compiling ${#library[@]} sources with $CXX"
for src in "${library[@]}"; do
  flags="$cxxflags"
  [[ "$src" =~ $harness_regex ]] && flags="$cxxflags $harness_flags"
  printf '%s\t%s\n' "$src" "$flags"
done |
  xargs -P "$(nproc)" -d '\n' -I{} sh -c \
    'src="${1%%	*}"; flags="${1#*	}"; obj="$2/obj/$(echo "$src" | tr / _).o"
     $3 $flags -c "$4/$src" -o "$obj" || { echo "fuzz/build.sh: $src failed" >&2; exit 255; }' \
    _ {} "$work" "$CXX" "$root"
rm -f "$work/libflowcheck.a"
ar rcs "$work/libflowcheck.a" "$work"/obj/*.o
# history_checker_fuzzer fuzzes the checker, which the regex above leaves
# uninstrumented for the flow fuzzers: it links a second, instrumented build
# (model/checker_covered.cc, as //model:checker_covered does). The object
# comes before the archive, so the archive's checker is never pulled in.
# shellcheck disable=SC2086  # the flags are a list of words
$CXX $cxxflags -c "$root/model/checker_covered.cc" -o "$work/checker_covered.o"

# A zip of a directory's files (zip if installed, else Python's zipfile).
zip_dir() {  # zip_dir ZIP DIR
  rm -f "$1"
  if command -v zip >/dev/null 2>&1; then
    (cd "$2" && zip -q -r "$1" .)
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[2])):
        z.write(os.path.join(sys.argv[2], name), name)
PY
  fi
}

for target in "${targets[@]}"; do
  echo "fuzz/build.sh: $target"
  own=()
  [ "$target" = history_checker_fuzzer ] && own=("$work/checker_covered.o")
  # shellcheck disable=SC2086  # the flags are lists of words
  $CXX $cxxflags "$root/fuzz/$target.cc" "${own[@]}" "$work/libflowcheck.a" \
    $LIB_FUZZING_ENGINE -lrapidcheck -pthread -o "$OUT/$target"
  corpus="$root/fuzz/corpus/$target"
  # socketpair_flow_fuzzer reads the simulated flow's inputs.
  [ "$target" = socketpair_flow_fuzzer ] && corpus="$root/fuzz/corpus/sim_flow_fuzzer"
  zip_dir "$OUT/${target}_seed_corpus.zip" "$corpus"
  options="[libfuzzer]\ntimeout = 10\n"
  if [ -f "$root/fuzz/$target.dict" ]; then
    cp "$root/fuzz/$target.dict" "$OUT/$target.dict"
    options="${options}dict = $target.dict\n"
  fi
  printf "$options" >"$OUT/$target.options"
done
echo "fuzz/build.sh: ${#targets[@]} fuzzers in $OUT"
