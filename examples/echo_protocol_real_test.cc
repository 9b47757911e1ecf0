// Testing a protocol on real transports: the echo protocol of
// examples/echo_protocol.h -- the same code the simulation tests in
// echo_protocol_sim_test.cc -- runs here over a Unix socketpair, TCP over
// loopback and pipes, in real time, under a watchdog (docs/flows.md).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "examples/echo_protocol.h"
#include "flows/asio_runtime.h"
#include "flows/pairs.h"

namespace {

using flowcheck::Task;
using namespace flowcheck::flows;

struct Outcome {
  std::optional<int> served;
  std::optional<std::vector<std::string>> echoes;
  RunReport report;
};

// One real run of one client and one server on `pair`.
Outcome RunEcho(FlowPair pair, std::vector<std::string> messages,
                bool naive = false,
                flowcheck::Duration watchdog = std::chrono::seconds(30)) {
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
  outcome.report = RunWithWatchdog(*pair.runtime, watchdog);
  return outcome;  // ~FlowPair: tasks, then flows, then the runtime
}

std::vector<std::string> Messages() {
  return {"hello", "", std::string(300000, 'x'), "bye"};
}

TEST(EchoOnRealTransports, WorksOnEveryTransport) {
  for (const Transport& transport : AllTransports()) {
    SCOPED_TRACE(std::string(transport.name));
    const Outcome outcome = RunEcho(MakePair(transport), Messages());
    ASSERT_TRUE(outcome.report.all_done()) << outcome.report.ToString();
    ASSERT_TRUE(outcome.echoes.has_value());
    EXPECT_EQ(*outcome.echoes, Messages());
    EXPECT_EQ(outcome.served, 4);
  }
}

// The naive client sends everything before reading: with messages far
// bigger than a socketpair's buffers, client and server both wait for
// buffer space the other never frees. In real time nothing proves that
// they wait forever, so the watchdog stops the run and says where each
// side was (TCP is not used here: its receive buffer autotunes up to
// tcp_rmem's maximum, 32 MiB on some machines, and might swallow it all).
TEST(EchoOnRealTransports, TheWatchdogReportsTheNaiveClientsDeadlock) {
  const std::vector<std::string> big = {std::string(4 << 20, 'a'),
                                        std::string(4 << 20, 'b')};
  const Outcome outcome = RunEcho(MakeSocketPair(), big, /*naive=*/true,
                                  std::chrono::milliseconds(500));
  EXPECT_EQ(outcome.report.outcome, RunReport::Outcome::kTimeLimit);
  EXPECT_TRUE(outcome.report.cancelled);
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
