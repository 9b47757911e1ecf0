// Tests of the pair factories and of what surrounds the contract: file
// descriptors are released (counted in /proc/self/fd) after a full
// lifecycle, after a watchdog cancelled a run, after an abort and when flows
// are destroyed without close; the watchdog names pending flow operations;
// OS errors map to the contract's error codes; SIGPIPE is ignored.
#include "flows/pairs.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "flows/testing.h"

namespace flowcheck::flows {
namespace {

using std::chrono::milliseconds;
using testing::CountOpenFds;
using testing::kTestWatchdog;
using testing::ReadOutcome;
using testing::ReadToEnd;
using testing::StreamBytes;
using testing::WritePlan;
using testing::WriteStream;

class PairsTest : public ::testing::TestWithParam<Transport> {};

INSTANTIATE_TEST_SUITE_P(
    Transports, PairsTest,
    ::testing::ValuesIn(AllTransports().begin(), AllTransports().end()),
    [](const ::testing::TestParamInfo<Transport>& param_info) {
      return std::string(param_info.param.name);
    });

// C5: after both closes returned, the pair's descriptors are closed;
// destroying the flows closes nothing more, and destroying the runtime
// closes its own (epoll, eventfd, timerfd).
TEST_P(PairsTest, BothClosesReleaseEveryDescriptor) {
  const int before = CountOpenFds();
  ASSERT_GT(before, 0);
  {
    FlowPair pair = MakePair(GetParam());
    AsioRuntime& runtime = *pair.runtime;
    ReadOutcome at_a;
    ReadOutcome at_b;
    runtime.spawn(WriteStream(runtime, *pair.a,
                              WritePlan{.stream = 1, .total_bytes = 70000}),
                  "A-writer");
    runtime.spawn(WriteStream(runtime, *pair.b,
                              WritePlan{.stream = 2, .total_bytes = 70000}),
                  "B-writer");
    runtime.spawn(ReadToEnd(runtime, *pair.a, &at_a), "A-reader");
    runtime.spawn(ReadToEnd(runtime, *pair.b, &at_b), "B-reader");
    RunReport report = RunWithWatchdog(runtime, kTestWatchdog);
    ASSERT_TRUE(report.all_done()) << report.ToString();
    EXPECT_EQ(at_a.bytes, StreamBytes(2, 0, 70000));
    EXPECT_EQ(at_b.bytes, StreamBytes(1, 0, 70000));
    const int after_closes = CountOpenFds();
    pair.a.reset();
    pair.b.reset();
    EXPECT_EQ(CountOpenFds(), after_closes)
        << "destroying closed flows closed descriptors close() had left open";
  }
  EXPECT_EQ(CountOpenFds(), before);
}

// Nothing leaks when flows are destroyed without close, or after an abort.
TEST_P(PairsTest, DestroyingOrAbortingUnclosedFlowsReleasesDescriptors) {
  const int before = CountOpenFds();
  { FlowPair pair = MakePair(GetParam()); }
  EXPECT_EQ(CountOpenFds(), before);
  {
    FlowPair pair = MakePair(GetParam());
    pair.a->Abort();
    pair.b->Abort();
  }
  EXPECT_EQ(CountOpenFds(), before);
}

Task<void> ReadForever(Flow& flow) {
  ReadResult result = co_await flow.read();
  ADD_FAILURE() << "the read completed: " << result;
}

Task<void> WriteMoreThanFits(Flow& flow) {
  // More than any socket or pipe buffers hold, and B never reads: this one
  // write stays in flight.
  WriteResult result =
      co_await flow.write(Buffer::FromString(std::string(32 << 20, 'x')));
  ADD_FAILURE() << "the write completed: " << result;
}

// The watchdog stops a run that can never finish, names every pending task
// with its operation and the I/O in flight, cancels it all, and leaks
// nothing. The outcome does not depend on timing: nothing can complete the
// read, and B never reads, so the write stays in flight.
TEST_P(PairsTest, WatchdogNamesPendingOperationsAndCancelsThem) {
  const int before = CountOpenFds();
  {
    FlowPair pair = MakePair(GetParam());
    AsioRuntime& runtime = *pair.runtime;
    runtime.spawn(ReadForever(*pair.a), "A-reader");
    runtime.spawn(WriteMoreThanFits(*pair.a), "A-writer");
    RunReport report = RunWithWatchdog(runtime, milliseconds(300));
    EXPECT_EQ(report.outcome, RunReport::Outcome::kTimeLimit)
        << report.ToString();
    EXPECT_TRUE(report.cancelled);
    ASSERT_EQ(report.pending.size(), 2u) << report.ToString();
    EXPECT_EQ(report.pending[0].name, "A-reader");
    EXPECT_NE(report.pending[0].waiting_on.find("read on '"), std::string::npos)
        << report.ToString();
    EXPECT_EQ(report.pending[1].name, "A-writer");
    EXPECT_NE(report.pending[1].waiting_on.find("write #"), std::string::npos)
        << report.ToString();
    const std::string text = report.ToString();
    EXPECT_NE(text.find("read in flight"), std::string::npos) << text;
    EXPECT_NE(text.find("bytes sent (in flight)"), std::string::npos) << text;
    EXPECT_EQ(runtime.live_tasks(), 0u);

    // Cancelled flows fail every later operation instead of hanging.
    std::optional<ReadResult> later;
    auto read_later = [&]() -> Task<void> { later = co_await pair.a->read(); };
    runtime.spawn(read_later(), "A-later");
    RunReport again = RunWithWatchdog(runtime, kTestWatchdog);
    EXPECT_TRUE(again.all_done()) << again.ToString();
    ASSERT_TRUE(later.has_value());
    ASSERT_TRUE(later->is_error()) << *later;
    EXPECT_EQ(later->error().code(), ErrorCode::kCancelled);
    EXPECT_NE(later->error().description().find("watchdog"), std::string::npos)
        << *later;
  }
  EXPECT_EQ(CountOpenFds(), before);
}

TEST(Pairs, EndpointsAreNamedAfterTheirTransport) {
  FlowPair socketpair = MakeSocketPair();
  EXPECT_EQ(socketpair.a->name(), "socketpair A");
  EXPECT_EQ(socketpair.b->name(), "socketpair B");
  FlowPair tcp = MakeTcpLoopbackPair();
  EXPECT_EQ(tcp.a->name(), "tcp A");
  FlowPair pipes = MakePipePair();
  EXPECT_EQ(pipes.b->name(), "pipes B");
}

TEST(Pairs, SeveralPairsCanShareOneRuntime) {
  AsioRuntime runtime;
  Endpoints first = ConnectSocketPair(runtime);
  Endpoints second = ConnectTcpLoopback(runtime);
  ReadOutcome at_first_b;
  ReadOutcome at_second_b;
  runtime.spawn(WriteStream(runtime, *first.a,
                            WritePlan{.stream = 1, .total_bytes = 9000}),
                "first-A");
  runtime.spawn(WriteStream(runtime, *second.a,
                            WritePlan{.stream = 2, .total_bytes = 9000}),
                "second-A");
  auto echo_close = [&](Flow& flow, ReadOutcome* outcome) -> Task<void> {
    co_await ReadToEnd(runtime, flow, outcome);
    co_await flow.close();
  };
  runtime.spawn(echo_close(*first.b, &at_first_b), "first-B");
  runtime.spawn(echo_close(*second.b, &at_second_b), "second-B");
  RunReport report = RunWithWatchdog(runtime, kTestWatchdog);
  EXPECT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(at_first_b.bytes, StreamBytes(1, 0, 9000));
  EXPECT_EQ(at_second_b.bytes, StreamBytes(2, 0, 9000));
}

// Flows hold sockets of their runtime's io_context: a runtime destroyed
// first would leave them dangling, so it stops the process and says why.
TEST(PairsDeathTest, ARuntimeDestroyedBeforeItsFlowsAbortsWithAMessage) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_DEATH(
      {
        auto runtime = std::make_unique<AsioRuntime>();
        Endpoints endpoints = ConnectSocketPair(*runtime);
        runtime.reset();
      },
      "outlived it: destroy flows before their runtime");
}

TEST(ErrorFromAsio, MapsOsErrorsToContractCodesWithTheOsMessage) {
  const Error reset =
      ErrorFromAsio(asio::error::connection_reset, "read", "tcp A");
  EXPECT_EQ(reset.code(), ErrorCode::kConnectionReset);
  EXPECT_EQ(reset.description(),
            "read on 'tcp A': Connection reset by peer (ECONNRESET)");
  const Error pipe = ErrorFromAsio(asio::error::broken_pipe, "write", "p");
  EXPECT_EQ(pipe.code(), ErrorCode::kBrokenPipe);
  EXPECT_EQ(pipe.description(), "write on 'p': Broken pipe (EPIPE)");
  EXPECT_EQ(ErrorFromAsio(asio::error::timed_out, "read", "x").code(),
            ErrorCode::kTimedOut);
  EXPECT_EQ(ErrorFromAsio(asio::error::operation_aborted, "read", "x").code(),
            ErrorCode::kCancelled);
  const Error other =
      ErrorFromAsio(asio::error::network_unreachable, "write", "x");
  EXPECT_EQ(other.code(), ErrorCode::kIo);
  EXPECT_NE(other.description().find("(ENETUNREACH)"), std::string::npos)
      << other;
}

TEST(IgnoreSigpipe, ItIsInEffectOnceAFlowExists) {
  FlowPair pair = MakePipePair();
  struct sigaction current {};
  ASSERT_EQ(sigaction(SIGPIPE, nullptr, &current), 0);
  EXPECT_EQ(current.sa_handler, SIG_IGN);
}

}  // namespace
}  // namespace flowcheck::flows
