// Benchmarks of the simulation's scheduler: ping-pong between two tasks,
// many runnable tasks picked by the seed, timer-heavy loads, the cost of the
// quiescence report, and a bare coroutine resume as the floor.
#include <benchmark/benchmark.h>

#include <coroutine>
#include <vector>

#include "bench/scheduler_floor.h"
#include "sim/scheduler.h"
#include "sim/wait_list.h"

namespace flowcheck::sim {
namespace {

void BM_BareCoroutineResume(benchmark::State& state) {
  std::uint64_t counter = 0;
  bench::SpinLoop loop = bench::Spin(counter);
  for (auto _ : state) loop.Resume();
  benchmark::DoNotOptimize(counter);
  state.counters["steps/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareCoroutineResume);

// Two tasks hand a turn back and forth through wait lists: every step is a
// wake, a seeded pick and a resume.
void BM_SchedulerPingPong(benchmark::State& state) {
  const bool fifo = state.range(0) == 1;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Scheduler scheduler({.seed = 1, .fifo = fifo});
    WaitList ping(scheduler, "ping");
    WaitList pong(scheduler, "pong");
    scheduler.spawn(bench::PingPongPlayer(ping, pong, 100000), "ping");
    scheduler.spawn(bench::PingPongPlayer(pong, ping, 100000), "pong");
    state.ResumeTiming();
    steps += scheduler.RunUntilQuiescent().steps;
    state.PauseTiming();
    scheduler.DestroyTasks();
    state.ResumeTiming();
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps),
                                                 benchmark::Counter::kIsRate);
  state.counters["ns/step"] = benchmark::Counter(
      static_cast<double>(steps),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SchedulerPingPong)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("fifo")
    ->Unit(benchmark::kMillisecond);

// Many tasks runnable at once; the seed picks among them every step.
Task<void> Yielder(Scheduler& scheduler, int yields) {
  for (int i = 0; i < yields; ++i) co_await scheduler.sleep(Duration::zero());
}

void BM_ManyRunnableTasks(benchmark::State& state) {
  const int tasks = static_cast<int>(state.range(0));
  std::uint64_t steps = 0;
  for (auto _ : state) {
    Scheduler scheduler({.seed = 7});
    for (int i = 0; i < tasks; ++i)
      scheduler.spawn(Yielder(scheduler, 100), "y");
    steps += scheduler.RunUntilQuiescent().steps;
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ManyRunnableTasks)
    ->Arg(10)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// Timer-heavy: tasks sleep for seeded durations again and again.
Task<void> Sleeper(Scheduler& scheduler, std::uint64_t seed, int sleeps) {
  Random random(seed);
  for (int i = 0; i < sleeps; ++i) {
    co_await scheduler.sleep(Duration(random.Between(1, 1'000'000)));
  }
}

void BM_TimerHeavy(benchmark::State& state) {
  std::uint64_t steps = 0;
  for (auto _ : state) {
    Scheduler scheduler({.seed = 3});
    for (int i = 0; i < 100; ++i)
      scheduler.spawn(Sleeper(scheduler, i, 1000), "s");
    steps += scheduler.RunUntilQuiescent().steps;
  }
  state.counters["sleeps/s"] = benchmark::Counter(static_cast<double>(steps),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TimerHeavy)->Unit(benchmark::kMillisecond);

// The quiescence report: 1,000 tasks blocked forever, then the run notices.
void BM_DeadlockReport(benchmark::State& state) {
  for (auto _ : state) {
    Scheduler scheduler;
    WaitList never(scheduler, "never");
    auto waiter = [&never]() -> Task<void> { co_await never.Wait(); };
    for (int i = 0; i < 1000; ++i) scheduler.spawn(waiter(), "blocked");
    const RunReport report = scheduler.RunUntilQuiescent();
    benchmark::DoNotOptimize(report.pending.size());
    scheduler.DestroyTasks();
  }
}
BENCHMARK(BM_DeadlockReport)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flowcheck::sim
