// A transport whose half-close is bytes to send (as TLS's close_notify is)
// certified through StreamTraits' optional hooks (flows/stream_flow.h):
// AsyncShutdownSend goes out through the write pump like a write and
// close() goes on when it completes; Close(Stream&, CloseReason) is told a
// release from a destruction. Over a socketpair whose shutdown completes
// only after a timer, every clause the suite runs must still hold.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "asio/local/connect_pair.hpp"
#include "asio/local/stream_protocol.hpp"
#include "asio/steady_timer.hpp"
#include "conformance/certify.h"
#include "conformance/real_subject.h"
#include "conformance/report.h"
#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace flowcheck::conformance {
namespace {

using Socket = asio::local::stream_protocol::socket;

// Every reason a stream was released with, in order (one test at a time).
std::vector<flows::CloseReason>& Reasons() {
  static std::vector<flows::CloseReason> reasons;
  return reasons;
}

// The half-close takes a while (as bytes to send would): shut down the
// sending side 2 ms after close() asked for it.
struct DelayedShutdownTraits {
  static void AsyncShutdownSend(
      Socket& socket, std::function<void(const asio::error_code&)> done) {
    auto timer = std::make_shared<asio::steady_timer>(
        socket.get_executor(), std::chrono::milliseconds(2));
    timer->async_wait([timer, &socket,
                       done = std::move(done)](const asio::error_code& waited) {
      asio::error_code error = waited;
      if (!error) socket.shutdown(asio::socket_base::shutdown_send, error);
      done(error);
    });
  }
  static void Close(Socket& socket, flows::CloseReason why) {
    Reasons().push_back(why);
    asio::error_code ignored;
    socket.close(ignored);
  }
  static void Abort(Socket& socket) {
    asio::error_code ignored;
    socket.close(ignored);
  }
};

// A half-close that never completes (a peer that never acknowledges).
struct StuckShutdownTraits {
  static void AsyncShutdownSend(Socket&,
                                std::function<void(const asio::error_code&)>) {}
  static void Close(Socket& socket) {
    asio::error_code ignored;
    socket.close(ignored);
  }
  static void Abort(Socket& socket) { Close(socket); }
};

template <typename Traits>
struct Pair {
  std::unique_ptr<flows::AsioRuntime> runtime =
      std::make_unique<flows::AsioRuntime>();
  std::unique_ptr<flows::StreamFlow> a;
  std::unique_ptr<flows::StreamFlow> b;
  Pair() {
    Socket x(runtime->io_context());
    Socket y(runtime->io_context());
    asio::local::connect_pair(x, y);
    a = flows::MakeStreamFlow<Socket, Traits>(*runtime, std::move(x),
                                              "delayed A");
    b = flows::MakeStreamFlow<Socket, Traits>(*runtime, std::move(y),
                                              "delayed B");
  }
};

FlowUnderTest DelayedShutdownFlow() {
  FlowUnderTest flow;
  flow.name = "delayed-shutdown";
  flow.description = "a socketpair whose half-close completes 2 ms later";
  flow.make = [](std::uint64_t) {
    Pair<DelayedShutdownTraits> pair;
    return MakeAsioSubject(std::move(pair.runtime), std::move(pair.a),
                           std::move(pair.b));
  };
  return flow;
}

TEST(AsyncShutdownTest, TheSuitePassesAndCloseIsToldItIsARelease) {
  Reasons().clear();
  CertifyOptions options;
  options.isolate = false;  // Reasons() is read in this process
  options.programs = 25;
  options.watchdog = std::chrono::seconds(3);
  options.only = {"programs",
                  "C1.close-flushes",
                  "C3.half-close-request-response",
                  "C4.close-waits-for-peer",
                  "C5.both-closes-return",
                  "W2.write-after-close",
                  "R5.drain-before-eof"};
  const Certificate certificate = Certify(DelayedShutdownFlow(), options);
  EXPECT_TRUE(certificate.passed())
      << RenderReport(certificate, ReportFormat::kTable);
  for (Clause clause : {Clause::kC1, Clause::kC3, Clause::kC4, Clause::kC5,
                        Clause::kW2, Clause::kR5}) {
    EXPECT_EQ(certificate.result(clause).verdict, Verdict::kPass)
        << ClauseId(clause);
  }
  int releases = 0;
  for (flows::CloseReason why : Reasons())
    releases += why == flows::CloseReason::kRelease;
  EXPECT_GT(releases, 0) << "no close was told it was an orderly release";
}

TEST(AsyncShutdownTest, AFlowDestroyedBeforeClosingSaysSo) {
  Reasons().clear();
  {
    Pair<DelayedShutdownTraits> pair;
    pair.a.reset();
    pair.b.reset();
  }
  EXPECT_EQ(Reasons(),
            (std::vector<flows::CloseReason>{flows::CloseReason::kDestroyed,
                                             flows::CloseReason::kDestroyed}));
}

// A half-close whose completion never comes does not hang close() for
// ever once the flow is aborted: the release completes it.
TEST(AsyncShutdownTest, AbortEndsACloseWhoseShutdownNeverCompletes) {
  Pair<StuckShutdownTraits> pair;
  bool closed = false;
  flows::StreamFlow* a = pair.a.get();
  pair.runtime->spawn(
      [](Flow& flow, bool& done) -> Task<void> {
        co_await flow.close();
        done = true;
      }(*pair.a, closed),
      "closer");
  pair.runtime->spawn(
      [](Runtime& runtime, flows::StreamFlow& flow) -> Task<void> {
        co_await runtime.sleep(std::chrono::milliseconds(20));
        flow.Abort();
      }(*pair.runtime, *a),
      "aborter");
  const RunReport report = pair.runtime->RunFor(std::chrono::seconds(10));
  EXPECT_TRUE(closed) << report.ToString();
  pair.runtime->DestroyTasks();
  pair.a.reset();
  pair.b.reset();
}

}  // namespace
}  // namespace flowcheck::conformance
