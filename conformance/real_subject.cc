#include "conformance/real_subject.h"

#include <memory>
#include <string>
#include <utility>

#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace flowcheck::conformance {

Subject MakeRealSubject(const flows::Transport& transport) {
  auto runtime = std::make_unique<flows::AsioRuntime>();
  flows::Endpoints endpoints = transport.connect(*runtime);
  // Owned by the Subject (or the recorder that takes it over); the hook is
  // dropped before the flows could be used after their destruction.
  flows::StreamFlow* a = endpoints.a.get();
  Subject subject(std::move(runtime), std::move(endpoints.a),
                  std::move(endpoints.b));
  if (transport.can_inject_reset) {
    subject.inject_reset = [a, faults = subject.faults] {
      // Endpoint A crashes: its operations fail, the peer gets RST.
      faults->ReportReset("A aborted (TCP RST)", "the peer aborted (TCP RST)");
      a->Abort();
    };
  }
  return subject;
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
