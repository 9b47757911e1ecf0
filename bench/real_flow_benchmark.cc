// The project's real flows (flows/: Asio StreamFlow over socketpair, TCP
// loopback, pipes) moving bulk data, against the raw kernel transports
// measured in the same process with the same write size.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench/peers.h"
#include "bench/transfer.h"
#include "flows/asio_runtime.h"
#include "flows/pairs.h"

namespace flowcheck::flows {
namespace {

void BM_RealFlowBulk(benchmark::State& state) {
  const Transport& transport = AllTransports()[state.range(1)];
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  const std::uint64_t total = 32 << 20;
  const Buffer bytes = Buffer::FromString(std::string(chunk, 'x'));
  std::uint64_t moved = 0;
  double seconds = 0;
  for (auto _ : state) {
    FlowPair pair = MakePair(transport);
    std::uint64_t received = 0;
    pair.runtime->spawn(bench::SendBulk(*pair.a, bytes, total), "send");
    pair.runtime->spawn(bench::DrainBulk(*pair.b, received), "drain");
    const auto start = std::chrono::steady_clock::now();
    const RunReport report =
        RunWithWatchdog(*pair.runtime, std::chrono::seconds(60));
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!report.all_done() || received != total) {
      state.SkipWithError(
          ("transfer did not complete: " + report.ToString()).c_str());
      return;
    }
    moved += received;
  }
  const double rate = static_cast<double>(moved) / seconds;
  double raw = 0;
  switch (state.range(1)) {
    case 0:
      raw = bench::SocketpairBytesPerSecond(chunk);
      break;
    case 1:
      raw = bench::TcpLoopbackBytesPerSecond(chunk);
      break;
    default:
      raw = bench::PipeBytesPerSecond(chunk);
      break;
  }
  state.SetLabel(std::string(transport.name));
  state.counters["bytes/s"] = rate;
  state.counters["x_raw_kernel"] = rate / raw;
}
BENCHMARK(BM_RealFlowBulk)
    ->ArgsProduct({{4096, 65536}, {0, 1, 2}})
    ->ArgNames({"write", "transport"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace flowcheck::flows
