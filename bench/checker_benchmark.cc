// Benchmarks of the model checker: events and bytes judged per second, on
// legal histories of growing size, and its cost next to the simulated run
// that produced the history.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "conformance/program.h"
#include "conformance/program_gen.h"
#include "conformance/sim_subject.h"
#include "model/checker.h"
#include "model/history_gen.h"
#include "sim/fault_plan.h"
#include "sim/random.h"

namespace flowcheck {
namespace {

std::vector<std::uint32_t> Choices(std::uint64_t seed, std::size_t count) {
  sim::Random random(seed);
  std::vector<std::uint32_t> choices(count);
  for (std::uint32_t& choice : choices) {
    choice = static_cast<std::uint32_t>(random.Next());
  }
  return choices;
}

void BM_CheckLegalHistory(benchmark::State& state) {
  const std::vector<std::uint32_t> choices =
      Choices(1, static_cast<std::size_t>(state.range(0)));
  ChoiceSource source(choices);
  const History history = BuildHistory(
      GenerateLegalScript(source, static_cast<int>(state.range(0))));
  std::uint64_t bytes = 0;
  for (const Operation& op : history.operations())
    bytes += op.data_bytes.size();
  const std::size_t events = history.operations().size() * 2;
  for (auto _ : state) {
    const CheckResult result = CheckHistory(history);
    if (!result.ok()) state.SkipWithError("a legal history was rejected");
    benchmark::DoNotOptimize(result.violations.size());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events * state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["bytes/s"] =
      benchmark::Counter(static_cast<double>(bytes * state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(BM_CheckLegalHistory)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

// A bulk transfer: 64 MiB in 4 KiB writes and reads of 16 KiB, then the
// closes -- bytes judged per second.
void BM_CheckBulkHistory(benchmark::State& state) {
  History history;
  std::int64_t t = 0;
  auto tick = [&t] { return Duration(++t); };
  std::string chunk(4096, '\0');
  for (std::size_t i = 0; i < chunk.size(); ++i)
    chunk[i] = static_cast<char>(i * 7 + 1);
  const Buffer write = Buffer::FromString(chunk);
  const Buffer read = Buffer::FromString(chunk + chunk + chunk + chunk);
  constexpr int kWrites = 16384;
  for (int i = 0; i < kWrites; ++i) {
    const int id = history.Invoke(Side::kA, OpKind::kWrite, {write}, tick());
    history.CompleteWrite(id, WriteResult::Ok(), tick());
    if (i % 4 == 3) {
      const int r = history.Invoke(Side::kB, OpKind::kRead, {}, tick());
      history.CompleteRead(r, ReadResult::Data(read), tick());
    }
  }
  const int close_a = history.Invoke(Side::kA, OpKind::kClose, {}, tick());
  const int close_b = history.Invoke(Side::kB, OpKind::kClose, {}, tick());
  history.CompleteClose(close_a, tick());
  history.CompleteClose(close_b, tick());
  history.End(HistoryEnd::kQuiescent, tick());
  for (auto _ : state) {
    const CheckResult result = CheckHistory(history);
    if (!result.ok()) state.SkipWithError(result.ToString().c_str());
  }
  state.counters["bytes/s"] = benchmark::Counter(
      static_cast<double>(std::uint64_t{kWrites} * 4096 * state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(
      static_cast<double>(history.operations().size() * 2 * state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CheckBulkHistory)->Unit(benchmark::kMillisecond);

// A simulated random program (conformance/program.h, drawn by
// SampleProgram), and the share of its time the checker takes.
void BM_CheckerShareOfASimulatedRun(benchmark::State& state) {
  double run_seconds = 0;
  double check_seconds = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    conformance::Subject subject =
        conformance::MakeSimSubject(seed, sim::FaultPlan{});
    const conformance::Execution run =
        conformance::RunProgram(subject, conformance::SampleProgram(seed));
    ++seed;
    const auto middle = std::chrono::steady_clock::now();
    const CheckResult again = CheckHistory(run.history);
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(again.ok());
    // RunProgram checks once itself: its time includes one check.
    check_seconds += std::chrono::duration<double>(end - middle).count();
    run_seconds += std::chrono::duration<double>(middle - start).count();
  }
  state.counters["checker_share"] = check_seconds / run_seconds;
}
BENCHMARK(BM_CheckerShareOfASimulatedRun)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flowcheck
