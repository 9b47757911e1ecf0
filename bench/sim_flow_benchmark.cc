// Simulated-flow throughput against its peers in the same run: memcpy and
// a kernel socketpair moving the same bytes with the same write size. The
// ratios are the figures that matter (docs/performance.md).
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench/peers.h"
#include "bench/transfer.h"
#include "sim/connection.h"
#include "sim/scheduler.h"

namespace flowcheck::sim {
namespace {

enum Shape { kIdeal = 0, kSplit = 1, kLatencyWindow = 2 };

FaultPlan PlanFor(int shape) {
  FaultPlan plan;
  if (shape == kSplit) {
    plan.a_to_b.segment_bytes_min = 1;
    plan.a_to_b.segment_bytes_max = 2048;
    plan.a_to_b.coalesce = true;
  } else if (shape == kLatencyWindow) {
    plan.a_to_b.latency_shape = LatencyShape::kUniform;
    plan.a_to_b.latency_ns_min = 10'000;
    plan.a_to_b.latency_ns_max = 100'000;
    plan.a_to_b.window_bytes = 256 * 1024;
  }
  return plan;
}

void BM_SimFlowBulk(benchmark::State& state) {
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  const int shape = static_cast<int>(state.range(1));
  const std::uint64_t total = std::max<std::uint64_t>(64 << 20, chunk * 16);
  const Buffer bytes = Buffer::FromString(std::string(chunk, 'x'));
  std::uint64_t moved = 0;
  double seconds = 0;
  for (auto _ : state) {
    Scheduler scheduler({.seed = 1});
    ConnectionOptions options;
    options.plan = PlanFor(shape);
    ConnectedPair pair = MakeConnection(scheduler, options);
    std::uint64_t received = 0;
    scheduler.spawn(bench::SendBulk(*pair.a, bytes, total), "send");
    scheduler.spawn(bench::DrainBulk(*pair.b, received), "drain");
    const auto start = std::chrono::steady_clock::now();
    scheduler.RunUntilQuiescent();
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    moved += received;
    if (received != total) {
      state.SkipWithError(("received " + std::to_string(received) + " of " +
                           std::to_string(total) + " bytes")
                              .c_str());
      return;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(moved));
  // Ratios to peers measured in this same process (cached per write size).
  const double rate = static_cast<double>(moved) / seconds;
  state.counters["bytes/s"] = rate;
  state.counters["x_socketpair"] =
      rate / bench::SocketpairBytesPerSecond(chunk);
  state.counters["x_memcpy"] = rate / bench::MemcpyBytesPerSecond(chunk);
}
BENCHMARK(BM_SimFlowBulk)
    ->ArgsProduct({{4096, 65536, 1 << 20}, {kIdeal, kSplit, kLatencyWindow}})
    ->ArgNames({"write", "shape"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_KernelSocketpair(benchmark::State& state) {
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(bench::SocketpairBytesPerSecond(chunk));
  }
  state.counters["bytes/s"] = bench::SocketpairBytesPerSecond(chunk);
  state.counters["pipe_bytes/s"] = bench::PipeBytesPerSecond(chunk);
  state.counters["tcp_loopback_bytes/s"] =
      bench::TcpLoopbackBytesPerSecond(chunk);
  state.counters["memcpy_bytes/s"] = bench::MemcpyBytesPerSecond(chunk);
}
BENCHMARK(BM_KernelSocketpair)
    ->Arg(4096)
    ->Arg(65536)
    ->Arg(1 << 20)
    ->ArgName("write")
    ->Iterations(1);

}  // namespace
}  // namespace flowcheck::sim
