#!/usr/bin/env bash
# bench/run_benchmarks.sh: builds the benchmarks optimized and runs them.
#
#   bench/run_benchmarks.sh              every benchmark, full runs; JSON for
#                                        Google Benchmark's compare.py goes
#                                        to bench-results/<name>.json
#   bench/run_benchmarks.sh --smoke      each benchmark briefly (CI: they
#                                        must not crash), in the default
#                                        build mode
#   bench/run_benchmarks.sh --help
#
# Exit status: 0 all ran, 1 a benchmark failed or crashed, 2 bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."

benchmarks=(scheduler_benchmark sim_flow_benchmark steady_benchmark real_flow_benchmark checker_benchmark conformance_benchmark)
mode=full
case "${1:-}" in
  "") ;;
  --smoke) mode=smoke ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "run_benchmarks.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

if [ "$mode" = smoke ]; then
  bazel build //bench/...
  for name in "${benchmarks[@]}"; do
    echo "== $name (smoke)"
    # Benchmarks that SkipWithError print 'ERROR OCCURRED'; treat it as failure.
    out=$(bazel-bin/bench/"$name" --benchmark_min_time=0.001 2>&1) || { echo "$out"; exit 1; }
    echo "$out" | tail -n +4
    if grep -q "ERROR OCCURRED" <<<"$out"; then echo "$name reported an error" >&2; exit 1; fi
  done
  exit 0
fi

bazel build -c opt //bench/...
mkdir -p bench-results
for name in "${benchmarks[@]}"; do
  echo "== $name"
  bazel-bin/bench/"$name" --benchmark_out="bench-results/$name.json" \
    --benchmark_out_format=json
done
