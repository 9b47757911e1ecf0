// Testing a protocol in both worlds: the echo protocol of
// examples/echo_protocol.h runs unchanged on simulated connections (latency,
// splitting, tiny windows, faults; every run reproducible from its seed) and
// on real transports (a Unix socketpair, TCP over loopback, pipes) in real
// time. One test body, parameterized over pair factories (GoogleTest's
// sample7 shape), asks the Runtime seam how each run ended; it never needs
// to know which world it is in. The tests after it show what only one world
// can show: the simulation proves a deadlock and replays a seed exactly; the
// real world's watchdog reports where each task waited.
#include "examples/echo_protocol.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"
#include "conformance/subject.h"
#include "flows/pairs.h"
#include "sim/fault_plan.h"
#include "sim/random.h"

namespace {

using flowcheck::Duration;
using flowcheck::RunReport;
using flowcheck::Task;
using flowcheck::conformance::MakeRealSubject;
using flowcheck::conformance::MakeSimSubject;
using flowcheck::conformance::Subject;
namespace sim = flowcheck::sim;

struct Outcome {
  std::optional<int> served;
  std::optional<std::vector<std::string>> echoes;
  RunReport report;
};

// One run of one client (on A) and one server (on B), for at most `limit`
// on the pair's clock -- virtual time in the simulation, real time
// otherwise.
Outcome RunEcho(Subject pair, std::vector<std::string> messages, Duration limit,
                bool naive = false) {
  Outcome outcome;
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
  pair.runtime->spawn(server(), "server");
  pair.runtime->spawn(client(), "client");
  outcome.report = pair.runtime->RunFor(limit);
  return outcome;  // ~Subject: tasks, then flows, then the runtime
}

// A hostile but contract-keeping network: tiny segments, jittery latency,
// a 7-byte window, no coalescing.
sim::FaultPlan Hostile() {
  sim::FaultPlan plan;
  for (sim::LinkOptions* link : {&plan.a_to_b, &plan.b_to_a}) {
    link->latency_shape = sim::LatencyShape::kUniform;
    link->latency_ns_min = 100'000;
    link->latency_ns_max = 5'000'000;
    link->segment_bytes_min = 1;
    link->segment_bytes_max = 3;
    link->coalesce = false;
    link->window_bytes = 7;
  }
  return plan;
}

// Makes pairs of one world: `seeds` of them, each from its seed, to carry
// a message of `big_message_bytes` among small ones (big enough to fill the
// real transports' buffers; small enough for 1-byte segments in simulation).
struct PairFactory {
  std::string name;
  int seeds = 1;
  std::size_t big_message_bytes = 5000;
  std::function<Subject(std::uint64_t seed)> make;
};

std::vector<PairFactory> Factories() {
  std::vector<PairFactory> factories = {
      {"sim_ideal", 1, 300000,
       [](std::uint64_t seed) { return MakeSimSubject(seed); }},
      {"sim_hostile", 100, 5000,
       [](std::uint64_t seed) { return MakeSimSubject(seed, Hostile()); }},
      {"sim_swarm", 200, 5000,
       [](std::uint64_t seed) {
         sim::Random random(seed);
         return MakeSimSubject(
             seed, sim::SwarmPlan(random, /*contract_keeping_only=*/true));
       }},
  };
  for (const flowcheck::flows::Transport& transport :
       flowcheck::flows::AllTransports()) {
    factories.push_back(
        {std::string(transport.name), 1, 300000,
         [&transport](std::uint64_t) { return MakeRealSubject(transport); }});
  }
  return factories;
}

// Generous: minutes of virtual time cost nothing; the real watchdog only
// keeps a broken run from hanging the test.
Duration LimitFor(const Subject& pair) {
  return pair.runtime->is_simulated() ? Duration(std::chrono::minutes(10))
                                      : Duration(std::chrono::seconds(30));
}

std::vector<std::string> Messages(std::size_t big_message_bytes = 5000) {
  return {"hello", "", std::string(big_message_bytes, 'x'), "bye"};
}

class EchoTest : public ::testing::TestWithParam<PairFactory> {};

TEST_P(EchoTest, EchoesEveryMessageThenBothClose) {
  for (int seed = 1; seed <= GetParam().seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Subject pair = GetParam().make(static_cast<std::uint64_t>(seed));
    const Duration limit = LimitFor(pair);
    const std::vector<std::string> messages =
        Messages(GetParam().big_message_bytes);
    const Outcome outcome = RunEcho(std::move(pair), messages, limit);
    ASSERT_TRUE(outcome.report.all_done()) << outcome.report.ToString();
    ASSERT_TRUE(outcome.echoes.has_value()) << outcome.report.ToString();
    EXPECT_EQ(*outcome.echoes, messages);
    EXPECT_EQ(outcome.served, 4);
  }
}

std::string FactoryName(const ::testing::TestParamInfo<PairFactory>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(BothWorlds, EchoTest, ::testing::ValuesIn(Factories()),
                         FactoryName);

// ---- What only the simulation shows. ----

TEST(EchoInSimulation, TheNaiveClientDeadlocksAndTheReportProvesWhere) {
  const Outcome outcome = RunEcho(MakeSimSubject(1, Hostile()), Messages(),
                                  std::chrono::minutes(10), /*naive=*/true);
  EXPECT_FALSE(outcome.echoes.has_value());
  ASSERT_EQ(outcome.report.outcome, RunReport::Outcome::kBlocked);
  EXPECT_TRUE(outcome.report.exact);  // proved, not timed out
  ASSERT_EQ(outcome.report.pending.size(), 2u);
  EXPECT_EQ(outcome.report.pending[0].name, "server");
  EXPECT_EQ(outcome.report.pending[0].waiting_on,
            "write on B: send window full, peer not reading");
  EXPECT_EQ(outcome.report.pending[1].name, "client");
  EXPECT_EQ(outcome.report.pending[1].waiting_on,
            "write on A: send window full, peer not reading");
}

TEST(EchoInSimulation, AResetFailsTheCallInsteadOfHanging) {
  sim::FaultPlan plan;
  plan.a_to_b.segment_bytes_min = 1;
  plan.a_to_b.segment_bytes_max = 100;
  sim::FaultRule reset;
  reset.kind = sim::FaultKind::kReset;
  reset.trigger.type = sim::FaultTrigger::Type::kAfterBytes;
  reset.trigger.after_bytes = 1000;
  plan.faults.push_back(reset);
  const Outcome outcome =
      RunEcho(MakeSimSubject(3, plan), Messages(), std::chrono::minutes(10));
  EXPECT_FALSE(outcome.echoes.has_value());
  EXPECT_FALSE(outcome.served.has_value());
  EXPECT_EQ(outcome.report.outcome, RunReport::Outcome::kAllDone)
      << outcome.report.ToString();  // nobody hangs
}

TEST(EchoInSimulation, ASeedReplaysExactly) {
  sim::Random random(99);
  const sim::FaultPlan plan = sim::SwarmPlan(random, true);
  const Outcome first =
      RunEcho(MakeSimSubject(99, plan), Messages(), std::chrono::minutes(10));
  const Outcome second =
      RunEcho(MakeSimSubject(99, plan), Messages(), std::chrono::minutes(10));
  ASSERT_TRUE(first.report.trace_hash.has_value());
  EXPECT_EQ(first.report.trace_hash, second.report.trace_hash);
}

// ---- What only real time shows. ----

// The naive client sends everything before reading: with messages far
// bigger than a socketpair's buffers, client and server both wait for
// buffer space the other never frees. In real time nothing proves that
// they wait forever, so the run stops at its limit (not exact) and says
// where each side was (TCP is not used here: its receive buffer autotunes
// up to tcp_rmem's maximum, 32 MiB on some machines, and might swallow it
// all).
TEST(EchoOnRealTransports, TheTimeLimitReportsTheNaiveClientsDeadlock) {
  const std::vector<std::string> big = {std::string(4 << 20, 'a'),
                                        std::string(4 << 20, 'b')};
  const flowcheck::flows::Transport* socketpair = nullptr;
  for (const auto& transport : flowcheck::flows::AllTransports()) {
    if (transport.name == "socketpair") socketpair = &transport;
  }
  ASSERT_NE(socketpair, nullptr);
  const Outcome outcome =
      RunEcho(MakeRealSubject(*socketpair), big, std::chrono::milliseconds(500),
              /*naive=*/true);
  EXPECT_EQ(outcome.report.outcome, RunReport::Outcome::kTimeLimit);
  EXPECT_FALSE(outcome.report.exact);
  ASSERT_EQ(outcome.report.pending.size(), 2u) << outcome.report.ToString();
  EXPECT_EQ(outcome.report.pending[0].name, "server");
  EXPECT_NE(outcome.report.pending[0].waiting_on.find("write #1"),
            std::string::npos)
      << outcome.report.ToString();
  EXPECT_EQ(outcome.report.pending[1].name, "client");
  EXPECT_NE(outcome.report.pending[1].waiting_on.find("write #1"),
            std::string::npos)
      << outcome.report.ToString();
  EXPECT_FALSE(outcome.echoes.has_value());
}

}  // namespace
