// Testing a protocol in the simulation: the echo protocol of
// examples/echo_protocol.h runs unchanged on simulated connections with
// latency, splitting, small windows and faults; every run is reproducible
// from its seed.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "examples/echo_protocol.h"
#include "sim/connection.h"
#include "sim/fault_plan.h"
#include "sim/scheduler.h"

namespace {

using flowcheck::Task;
using namespace flowcheck::sim;

struct Outcome {
  std::optional<int> served;
  std::optional<std::vector<std::string>> echoes;
  RunReport report;
  std::uint64_t trace_hash = 0;
};

// One simulated run of one client and one server.
Outcome RunEcho(std::uint64_t seed, const FaultPlan& plan,
                std::vector<std::string> messages, bool naive = false) {
  Outcome outcome;
  Scheduler scheduler({.seed = seed});
  ConnectionOptions options;
  options.plan = plan;
  ConnectedPair pair = MakeConnection(scheduler, options);
  auto server = [&]() -> Task<void> {
    outcome.served = co_await echo::Serve(*pair.b);
  };
  auto client = [&]() -> Task<void> {
    // (An if, not ?: -- GCC 12 miscompiles co_await inside a conditional
    // expression.)
    if (naive) {
      outcome.echoes = co_await echo::CallAllThenRead(*pair.a, messages);
    } else {
      outcome.echoes = co_await echo::Call(*pair.a, messages);
    }
  };
  scheduler.spawn(server(), "server");
  scheduler.spawn(client(), "client");
  outcome.report = scheduler.RunUntilQuiescent();
  outcome.trace_hash = scheduler.trace().hash();
  scheduler.DestroyTasks();  // before the flows they use
  return outcome;
}

std::vector<std::string> Messages() {
  return {"hello", "", std::string(5000, 'x'), "bye"};
}

TEST(EchoInSimulation, WorksOnAnIdealConnection) {
  const Outcome outcome = RunEcho(1, FaultPlan{}, Messages());
  ASSERT_TRUE(outcome.echoes.has_value()) << outcome.report.ToString();
  EXPECT_EQ(*outcome.echoes, Messages());
  EXPECT_EQ(outcome.served, 4);
  EXPECT_EQ(outcome.report.outcome, RunReport::Outcome::kAllDone);
}

// A hostile but contract-keeping network: tiny segments, jittery latency,
// a 7-byte window, no coalescing.
FaultPlan Hostile() {
  FaultPlan plan;
  for (LinkOptions* link : {&plan.a_to_b, &plan.b_to_a}) {
    link->latency_shape = LatencyShape::kUniform;
    link->latency_ns_min = 100'000;
    link->latency_ns_max = 5'000'000;
    link->segment_bytes_min = 1;
    link->segment_bytes_max = 3;
    link->coalesce = false;
    link->window_bytes = 7;
  }
  return plan;
}

TEST(EchoInSimulation, SurvivesSplittingLatencyAndTinyWindows) {
  const FaultPlan plan = Hostile();
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const Outcome outcome = RunEcho(seed, plan, Messages());
    ASSERT_TRUE(outcome.echoes.has_value())
        << "seed " << seed << ": " << outcome.report.ToString();
    EXPECT_EQ(*outcome.echoes, Messages()) << "seed " << seed;
  }
}

TEST(EchoInSimulation, TheNaiveClientDeadlocksAndTheReportSaysWhere) {
  const Outcome outcome = RunEcho(1, Hostile(), Messages(), /*naive=*/true);
  EXPECT_FALSE(outcome.echoes.has_value());
  ASSERT_EQ(outcome.report.outcome, RunReport::Outcome::kQuiescent);
  ASSERT_EQ(outcome.report.blocked.size(), 2u);
  EXPECT_EQ(outcome.report.blocked[0].name, "server");
  EXPECT_EQ(outcome.report.blocked[0].waiting_on,
            "write on B: send window full, peer not reading");
  EXPECT_EQ(outcome.report.blocked[1].name, "client");
  EXPECT_EQ(outcome.report.blocked[1].waiting_on,
            "write on A: send window full, peer not reading");
}

TEST(EchoInSimulation, SwarmOfShapedLinks) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Random random(seed);
    const FaultPlan plan = SwarmPlan(random, /*contract_keeping_only=*/true);
    const Outcome outcome = RunEcho(seed, plan, Messages());
    ASSERT_TRUE(outcome.echoes.has_value())
        << "seed " << seed << ": " << outcome.report.ToString();
  }
}

TEST(EchoInSimulation, AResetFailsTheCallInsteadOfHanging) {
  FaultPlan plan;
  plan.a_to_b.segment_bytes_min = 1;
  plan.a_to_b.segment_bytes_max = 100;
  FaultRule reset;
  reset.kind = FaultKind::kReset;
  reset.trigger.type = FaultTrigger::Type::kAfterBytes;
  reset.trigger.after_bytes = 1000;
  plan.faults.push_back(reset);
  const Outcome outcome = RunEcho(3, plan, Messages());
  EXPECT_FALSE(outcome.echoes.has_value());
  EXPECT_FALSE(outcome.served.has_value());
  EXPECT_EQ(outcome.report.outcome, RunReport::Outcome::kAllDone)
      << outcome.report.ToString();  // nobody hangs
}

TEST(EchoInSimulation, ASeedReplaysExactly) {
  Random random(99);
  const FaultPlan plan = SwarmPlan(random, true);
  EXPECT_EQ(RunEcho(99, plan, Messages()).trace_hash,
            RunEcho(99, plan, Messages()).trace_hash);
}

}  // namespace
