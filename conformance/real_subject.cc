#include "conformance/real_subject.h"

#include <memory>
#include <string>
#include <utility>

#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace flowcheck::conformance {

Subject MakeAsioSubject(std::unique_ptr<flows::AsioRuntime> runtime,
                        std::unique_ptr<Flow> a, std::unique_ptr<Flow> b,
                        std::function<void()> reset_a) {
  Subject subject(std::move(runtime), std::move(a), std::move(b));
  if (reset_a) {
    // The Subject drops this hook before its flows, so whatever reset_a
    // points into is still alive whenever it runs.
    subject.inject_reset = [reset = std::move(reset_a),
                            faults = subject.faults] {
      // Endpoint A crashes: its operations fail, the peer's too.
      faults->ReportReset("A aborted (connection reset)",
                          "the peer aborted (connection reset)");
      reset();
    };
  }
  return subject;
}

Subject MakeRealSubject(const flows::Transport& transport) {
  auto runtime = std::make_unique<flows::AsioRuntime>();
  flows::Endpoints endpoints = transport.connect(*runtime);
  flows::StreamFlow* a = endpoints.a.get();
  std::function<void()> reset;
  if (transport.can_inject_reset) reset = [a] { a->Abort(); };
  return MakeAsioSubject(std::move(runtime), std::move(endpoints.a),
                         std::move(endpoints.b), std::move(reset));
}

std::vector<FlowUnderTest> RealFlowsUnderTest() {
  std::vector<FlowUnderTest> flows;
  for (const flows::Transport& transport : flows::AllTransports()) {
    FlowUnderTest flow;
    flow.name = std::string(transport.name);
    flow.description = "real " + std::string(transport.name) +
                       " on the Asio runtime (" +
                       std::string(transport.limits) + ")";
    flow.capabilities.inject_reset = transport.can_inject_reset;
    const flows::Transport* t = &transport;
    flow.make = [t](std::uint64_t) { return MakeRealSubject(*t); };
    flows.push_back(std::move(flow));
  }
  return flows;
}

}  // namespace flowcheck::conformance
