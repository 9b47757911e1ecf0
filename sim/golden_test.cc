// sim/golden_test.cc: golden trace hashes. sim/trace.h promises that a seed
// gives "the same hash, run after run, build after build"; the determinism
// tests elsewhere run one binary twice, so they cannot see a build that
// replays differently. These pin the hash of three fixed (seed, fault plan)
// runs of one fixed program on a simulated connection, through the public
// sim/ API only. .ci/run runs this test with gcc (the default) and with
// clang-14 (--config=clang), and the ASan config builds at -O1: the same
// literals must hold in all of them.
//
// If a hash changes, every recorded seed -- replay lines in bug reports,
// certificates, fuzz corpora -- replays differently. That is a breaking
// change: make it on purpose, say so in the commit, and only then paste the
// new values (the failure message prints them).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "flow/flow.h"
#include "sim/connection.h"
#include "sim/fault_plan_text.h"
#include "sim/scheduler.h"

namespace flowcheck::sim {
namespace {

// What one endpoint's tasks saw.
struct EndpointLog {
  int writes_ok = 0;
  std::uint64_t bytes_read = 0;
  bool read_eof = false;
  bool closed = false;
};

Buffer Fill(std::size_t size, char fill) {
  return Buffer::FromString(std::string(size, fill));
}

// write(first), then writev(middle) unless it is empty, then write(last),
// then close; all bytes are `fill`.
Task<void> WriteThenClose(Flow& flow, char fill, std::size_t first,
                          std::vector<std::size_t> middle, std::size_t last,
                          EndpointLog* log) {
  WriteResult result = co_await flow.write(Fill(first, fill));
  log->writes_ok += result.is_ok();
  if (!middle.empty()) {
    std::vector<Buffer> parts;
    for (std::size_t size : middle) parts.push_back(Fill(size, fill));
    result = co_await flow.writev(std::move(parts));
    log->writes_ok += result.is_ok();
  }
  result = co_await flow.write(Fill(last, fill));
  log->writes_ok += result.is_ok();
  co_await flow.close();
  log->closed = true;
}

Task<void> ReadToEnd(Flow& flow, EndpointLog* log) {
  while (true) {
    const ReadResult result = co_await flow.read();
    if (!result.is_data()) {
      log->read_eof = result.is_eof();
      co_return;
    }
    log->bytes_read += result.data().size();
  }
}

struct GoldenRun {
  std::uint64_t trace_hash = 0;
  RunReport report;
  EndpointLog a, b;
  std::map<std::string, std::uint64_t, std::less<>> counters;  // the trace's

  std::uint64_t count(const std::string& name) const {
    const auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }
};

// The fixed program: A writes 100, then 1500 + 3000 (a writev), then 7000
// bytes and closes; B writes 300 and 20000 bytes and closes; each reads to
// Eof. Every plan below keeps the contract, so every task finishes.
GoldenRun RunProgram(std::uint64_t seed, const std::string& plan_text) {
  const ParsedFaultPlan parsed = ParseFaultPlan(plan_text);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  GoldenRun run;
  Scheduler scheduler({.seed = seed});
  {
    ConnectedPair pair =
        MakeConnection(scheduler, {.plan = parsed.plan(), .name = "golden"});
    scheduler.spawn(
        WriteThenClose(*pair.a, 'a', 100, {1500, 3000}, 7000, &run.a),
        "A-writer");
    scheduler.spawn(ReadToEnd(*pair.a, &run.a), "A-reader");
    scheduler.spawn(WriteThenClose(*pair.b, 'b', 300, {}, 20000, &run.b),
                    "B-writer");
    scheduler.spawn(ReadToEnd(*pair.b, &run.b), "B-reader");
    run.report = scheduler.RunUntilQuiescent();
    scheduler.DestroyTasks();
  }
  run.trace_hash = scheduler.trace().hash();
  run.counters = scheduler.trace().counters();
  return run;
}

// The run did what the program says, so the hash is of a run worth pinning.
void ExpectCompleteRun(const GoldenRun& run) {
  EXPECT_EQ(run.report.outcome, RunReport::Outcome::kAllDone)
      << run.report.ToString();
  EXPECT_EQ(run.a.writes_ok, 3);
  EXPECT_EQ(run.b.writes_ok, 2);
  EXPECT_EQ(run.a.bytes_read, 20300u);
  EXPECT_EQ(run.b.bytes_read, 11600u);
  EXPECT_TRUE(run.a.read_eof && run.b.read_eof);
  EXPECT_TRUE(run.a.closed && run.b.closed);
}

TEST(GoldenTraceHash, IdealConnection) {
  const GoldenRun run = RunProgram(1, "");
  ExpectCompleteRun(run);
  EXPECT_EQ(run.count("sim.split-segments"), 0u);
  EXPECT_EQ(run.trace_hash, 61314792609870851ULL)
      << "trace hash " << run.trace_hash;
}

// Uniform latency, a long tail, splitting and a window: Between, Uniform
// and Chance all decide something.
TEST(GoldenTraceHash, ShapedConnection) {
  const GoldenRun run =
      RunProgram(2, "latency=1ms..5ms tail=5%:20ms split=1B..512B window=4KiB");
  ExpectCompleteRun(run);
  // The shaping acted (each counter is zero on an ideal connection).
  EXPECT_GT(run.count("sim.split-segments"), 0u);
  EXPECT_GT(run.count("sim.tail-latencies"), 0u);
  EXPECT_GT(run.count("sim.window-waits"), 0u);
  EXPECT_EQ(run.trace_hash, 5813162830389852170ULL)
      << "trace hash " << run.trace_hash;
}

// Exponential latency (the one distribution computed in double), one
// segment per read, and timing faults that keep the contract.
TEST(GoldenTraceHash, ExponentialLatencyAndAStall) {
  const GoldenRun run = RunProgram(
      3,
      "latency=100us+exp(2ms) coalesce=off read-max=1KiB; stall a>b at=3ms "
      "for=10ms; slow-close b>a at=0ns for=5ms");
  ExpectCompleteRun(run);
  EXPECT_EQ(run.count("fault.stall"), 1u);
  EXPECT_EQ(run.count("fault.slow-close"), 1u);
  EXPECT_EQ(run.trace_hash, 3665681838640513866ULL)
      << "trace hash " << run.trace_hash;
}

}  // namespace
}  // namespace flowcheck::sim
