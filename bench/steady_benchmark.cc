// Steady figures: the subject and its peers measured in repetitions
// interleaved with each other (subject, socketpair, memcpy, subject, ...),
// so that a burst of load on the shared machine hits all of them alike;
// medians and spreads reported, ratios taken from medians, and a run whose
// spread is too large says so in its label instead of printing a ratio as
// if it were solid. Also the time-compression figure: how much virtual time
// the simulation covers per second of wall-clock time, and the scheduler's
// step against a bare coroutine resume (docs/performance.md).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/peers.h"
#include "bench/scheduler_floor.h"
#include "bench/transfer.h"
#include "sim/connection.h"
#include "sim/scheduler.h"

namespace flowcheck::sim {
namespace {

constexpr int kRounds = 9;
// Interquartile range over median above which a figure is unsteady.
constexpr double kMaxSpread = 0.25;

struct Samples {
  std::vector<double> values;

  double Median() const {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
  // (third quartile - first quartile) / median, by nearest rank.
  double Spread() const {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    const double q1 = sorted[n / 4];
    const double q3 = sorted[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1];
    return (q3 - q1) / Median();
  }
};

// One bulk transfer over the simulated flow on ideal links: bytes/s of
// wall-clock time.
double SimOnce(std::size_t chunk, std::uint64_t total) {
  Scheduler scheduler({.seed = 1});
  ConnectedPair pair = MakeConnection(scheduler, ConnectionOptions{});
  const Buffer bytes = Buffer::FromString(std::string(chunk, 'x'));
  std::uint64_t received = 0;
  scheduler.spawn(bench::SendBulk(*pair.a, bytes, total), "send");
  scheduler.spawn(bench::DrainBulk(*pair.b, received), "drain");
  const auto start = std::chrono::steady_clock::now();
  scheduler.RunUntilQuiescent();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return static_cast<double>(received) / seconds;
}

std::string Percent(double fraction) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", fraction * 100);
  return text;
}

void BM_SimVsPeersInterleaved(benchmark::State& state) {
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  const std::uint64_t total = std::max<std::uint64_t>(32 << 20, chunk * 16);
  Samples sim, socketpair, memcpy;
  for (auto _ : state) {
    for (int round = 0; round < kRounds; ++round) {
      sim.values.push_back(SimOnce(chunk, total));
      socketpair.values.push_back(bench::SocketpairOnce(chunk, total));
      memcpy.values.push_back(bench::MemcpyOnce(chunk, total));
    }
  }
  state.counters["sim_bytes/s"] = sim.Median();
  state.counters["socketpair_bytes/s"] = socketpair.Median();
  state.counters["memcpy_bytes/s"] = memcpy.Median();
  state.counters["sim_spread"] = sim.Spread();
  state.counters["socketpair_spread"] = socketpair.Spread();
  const double worst =
      std::max({sim.Spread(), socketpair.Spread(), memcpy.Spread()});
  if (worst <= kMaxSpread) {
    state.counters["x_socketpair"] = sim.Median() / socketpair.Median();
    state.counters["x_memcpy"] = sim.Median() / memcpy.Median();
    state.SetLabel("steady: " + std::to_string(kRounds) +
                   " interleaved rounds, worst spread " + Percent(worst));
  } else {
    state.SetLabel("UNSTEADY: spread " + Percent(worst) + " > " +
                   Percent(kMaxSpread) +
                   " (machine under load?): no ratio reported");
  }
}
BENCHMARK(BM_SimVsPeersInterleaved)
    ->Arg(4096)
    ->Arg(65536)
    ->Arg(1 << 20)
    ->ArgName("write")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The scheduler against its floor: a ping-pong step (a wake, a pick, a
// resume, a trace event) and a bare coroutine resume, interleaved; the goal
// is a step within 10x a bare resume (docs/performance.md, "Scheduler").
void BM_SchedulerVsBareResumeInterleaved(benchmark::State& state) {
  const bool fifo = state.range(0) == 1;
  Samples step, bare;
  for (auto _ : state) {
    for (int round = 0; round < kRounds; ++round) {
      step.values.push_back(bench::PingPongNsOnce(100000, fifo));
      bare.values.push_back(bench::BareResumeNsOnce(20000000));
    }
  }
  state.counters["step_ns"] = step.Median();
  state.counters["bare_resume_ns"] = bare.Median();
  state.counters["step_spread"] = step.Spread();
  state.counters["bare_spread"] = bare.Spread();
  const double worst = std::max(step.Spread(), bare.Spread());
  if (worst <= kMaxSpread) {
    const double ratio = step.Median() / bare.Median();
    state.counters["x_bare_resume"] = ratio;
    state.SetLabel(std::string(ratio <= 10 ? "within" : "OVER") +
                   " the 10x goal; " + std::to_string(kRounds) +
                   " interleaved rounds, worst spread " + Percent(worst));
  } else {
    state.SetLabel("UNSTEADY: spread " + Percent(worst) + " > " +
                   Percent(kMaxSpread) +
                   " (machine under load?): no ratio reported");
  }
}
BENCHMARK(BM_SchedulerVsBareResumeInterleaved)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("fifo")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// 1,000 round trips of one byte over links with 10 ms one-way latency:
// 20 s of virtual time. Reported: that, the wall-clock time it took, and
// their ratio (virtual seconds per wall-clock second).
Task<void> Ping(Flow& flow, int trips) {
  const Buffer one = Buffer::Copy("p");
  for (int i = 0; i < trips; ++i) {
    co_await flow.write(one);
    co_await flow.read();
  }
  co_await flow.close();
}

Task<void> Pong(Flow& flow, int trips) {
  const Buffer one = Buffer::Copy("q");
  for (int i = 0; i < trips; ++i) {
    co_await flow.read();
    co_await flow.write(one);
  }
  co_await flow.read();  // Eof
  co_await flow.close();
}

void BM_TimeCompression(benchmark::State& state) {
  constexpr int kTrips = 1000;
  Samples ratio;
  double virtual_seconds = 0;
  for (auto _ : state) {
    Scheduler scheduler({.seed = 1});
    ConnectionOptions options;
    for (LinkOptions* link : {&options.plan.a_to_b, &options.plan.b_to_a}) {
      link->latency_shape = LatencyShape::kFixed;
      link->latency_ns_min = 10'000'000;
    }
    ConnectedPair pair = MakeConnection(scheduler, options);
    scheduler.spawn(Ping(*pair.a, kTrips), "ping");
    scheduler.spawn(Pong(*pair.b, kTrips), "pong");
    const auto start = std::chrono::steady_clock::now();
    scheduler.RunUntilQuiescent();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    virtual_seconds = std::chrono::duration<double>(scheduler.now()).count();
    ratio.values.push_back(virtual_seconds / wall);
  }
  state.counters["virtual_s"] = virtual_seconds;
  state.counters["virtual_s_per_wall_s"] = ratio.Median();
}
BENCHMARK(BM_TimeCompression)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace flowcheck::sim
