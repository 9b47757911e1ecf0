#include "examples/tls/tls_flows.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "asio/ip/tcp.hpp"
#include "asio/local/connect_pair.hpp"
#include "asio/local/stream_protocol.hpp"
#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"
#include "examples/tls/tls_flow.h"
#include "examples/tls/tls_session.h"
#include "examples/tls/tls_stream.h"
#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace tlsexample {
namespace {

// TlsTraits, but the half-close skips close_notify (TlsBreakage).
template <typename Next>
struct NoCloseNotifyTraits : TlsTraits<Next> {
  static void AsyncShutdownSend(
      TlsStream<Next>& stream,
      std::function<void(const asio::error_code&)> done) {
    asio::error_code error;
    stream.next_layer().shutdown(asio::socket_base::shutdown_send, error);
    done(error);
  }
};

template <typename Next, typename Traits = TlsTraits<Next>>
flowcheck::conformance::Subject MakeTlsSubject(
    std::unique_ptr<flowcheck::flows::AsioRuntime> runtime, Next a, Next b,
    const std::string& name, bool can_reset, bool answer_close_notify = false) {
  auto [client, server] = HandshakeInMemory();
  auto flow_a = flowcheck::flows::MakeStreamFlow<TlsStream<Next>, Traits>(
      *runtime, TlsStream<Next>(std::move(a), client, answer_close_notify),
      name + " A");
  auto flow_b = flowcheck::flows::MakeStreamFlow<TlsStream<Next>, Traits>(
      *runtime, TlsStream<Next>(std::move(b), server, answer_close_notify),
      name + " B");
  flowcheck::flows::StreamFlow* raw_a = flow_a.get();
  std::function<void()> reset;
  if (can_reset) reset = [raw_a] { raw_a->Abort(); };
  return flowcheck::conformance::MakeAsioSubject(
      std::move(runtime), std::move(flow_a), std::move(flow_b),
      std::move(reset));
}

}  // namespace

flowcheck::conformance::FlowUnderTest TlsOverTcp() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "tls-over-tcp";
  flow.description =
      "TLS 1.3 (OpenSSL memory BIOs) over TCP on loopback; half-close is "
      "close_notify then shutdown(SHUT_WR)";
  flow.capabilities.inject_reset = true;
  flow.make = [](std::uint64_t) {
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    asio::io_context& io = runtime->io_context();
    asio::ip::tcp::acceptor acceptor(
        io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    asio::ip::tcp::socket a(io);
    a.connect(acceptor.local_endpoint());
    asio::ip::tcp::socket b = acceptor.accept();
    a.set_option(asio::ip::tcp::no_delay(true));
    b.set_option(asio::ip::tcp::no_delay(true));
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-over-tcp", /*can_reset=*/true);
  };
  return flow;
}

flowcheck::conformance::FlowUnderTest TlsOverSocketpair() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "tls-over-socketpair";
  flow.description = "TLS 1.3 (OpenSSL memory BIOs) over a Unix socketpair";
  flow.make = [](std::uint64_t) {
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    asio::local::stream_protocol::socket a(runtime->io_context());
    asio::local::stream_protocol::socket b(runtime->io_context());
    asio::local::connect_pair(a, b);
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-over-socketpair", /*can_reset=*/false);
  };
  return flow;
}

namespace {

// `over` (a flow over the simulated links) with TLS on each end, making
// `mistakes`.
flowcheck::conformance::FlowUnderTest TlsOver(
    const flowcheck::conformance::FlowUnderTest& over,
    TlsFlowMistakes mistakes = {}) {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "tls-over-" + over.name;
  flow.description =
      "TLS 1.3 (OpenSSL memory BIOs, TlsFlow) over " + over.description;
  flow.capabilities = over.capabilities;
  flow.make = [make = over.make, mistakes](std::uint64_t seed) {
    flowcheck::conformance::Subject subject = make(seed);
    auto [client, server] = HandshakeInMemory();
    subject.a = std::make_unique<TlsFlow>(
        *subject.runtime, std::move(subject.a), client, "tls A", mistakes);
    subject.b = std::make_unique<TlsFlow>(
        *subject.runtime, std::move(subject.b), server, "tls B", mistakes);
    // The links carry records, not the suite's bytes: their counts say
    // nothing about which side lost a byte of the plaintext.
    subject.link_evidence = nullptr;
    return subject;
  };
  if (over.under_plan) {
    flow.under_plan = [under_plan = over.under_plan,
                       mistakes](const flowcheck::sim::FaultPlan& plan) {
      return TlsOver(under_plan(plan), mistakes);
    };
  }
  return flow;
}

}  // namespace

flowcheck::conformance::FlowUnderTest TlsOverSim() {
  return TlsOver(flowcheck::conformance::SimFlowUnderTest(/*shaped=*/true));
}

std::vector<flowcheck::conformance::FlowUnderTest> TlsFlows() {
  return {TlsOverTcp(), TlsOverSocketpair(), TlsOverSim()};
}

flowcheck::conformance::FlowUnderTest BrokenTlsOverSocketpair(
    TlsBreakage breakage) {
  flowcheck::conformance::FlowUnderTest flow;
  const bool no_close_notify = breakage == TlsBreakage::kNoCloseNotify;
  flow.name = no_close_notify ? "tls-broken-no-close-notify"
                              : "tls-broken-answers-close-notify";
  flow.description =
      no_close_notify
          ? "TLS over a socketpair whose half-close sends no close_notify"
          : "TLS over a socketpair that answers close_notify at once";
  flow.make = [no_close_notify](std::uint64_t) {
    using Socket = asio::local::stream_protocol::socket;
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    Socket a(runtime->io_context());
    Socket b(runtime->io_context());
    asio::local::connect_pair(a, b);
    if (no_close_notify) {
      return MakeTlsSubject<Socket, NoCloseNotifyTraits<Socket>>(
          std::move(runtime), std::move(a), std::move(b), "tls-broken",
          /*can_reset=*/false);
    }
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-broken", /*can_reset=*/false,
                          /*answer_close_notify=*/true);
  };
  return flow;
}

}  // namespace tlsexample

namespace tlsexample {

flowcheck::conformance::FlowUnderTest BrokenTlsOverSim(TlsBreakage breakage) {
  const bool no_close_notify = breakage == TlsBreakage::kNoCloseNotify;
  flowcheck::conformance::FlowUnderTest flow =
      TlsOver(flowcheck::conformance::SimFlowUnderTest(/*shaped=*/true),
              TlsFlowMistakes{.skip_close_notify = no_close_notify,
                              .answer_close_notify = !no_close_notify});
  const std::string suffix = no_close_notify ? "-broken-no-close-notify"
                                             : "-broken-answers-close-notify";
  const std::string what = no_close_notify
                               ? ", whose close sends no close_notify"
                               : ", answering close_notify at once";
  // The same flow, same name, under a plan (FlowUnderTest::under_plan).
  const auto rename = [suffix, what](flowcheck::conformance::FlowUnderTest f) {
    f.name += suffix;
    f.description += what;
    return f;
  };
  if (flow.under_plan) {
    flow.under_plan = [under_plan = flow.under_plan,
                       rename](const flowcheck::sim::FaultPlan& plan) {
      flowcheck::conformance::FlowUnderTest planned = under_plan(plan);
      planned.under_plan = nullptr;
      return rename(std::move(planned));
    };
  }
  return rename(std::move(flow));
}

}  // namespace tlsexample
