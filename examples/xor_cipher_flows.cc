#include "examples/xor_cipher_flows.h"

#include <memory>
#include <utility>

#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"
#include "examples/xor_cipher_flow.h"
#include "flows/asio_runtime.h"
#include "flows/pairs.h"

namespace xorcipher {

constexpr std::uint8_t kKey = 42;

flowcheck::conformance::FlowUnderTest XorOverSim() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "xor-over-sim";
  flow.description = "the XOR cipher layered over the simulated flow";
  flow.capabilities = flowcheck::conformance::kSimCapabilities;
  flow.make = [](std::uint64_t seed) {
    flowcheck::conformance::Subject subject =
        flowcheck::conformance::SimFlowUnderTest().make(seed);
    subject.a = std::make_unique<XorCipherFlow>(std::move(subject.a), kKey);
    subject.b = std::make_unique<XorCipherFlow>(std::move(subject.b), kKey);
    return subject;
  };
  return flow;
}

flowcheck::conformance::FlowUnderTest XorOverTcp() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "xor-over-tcp";
  flow.description = "the XOR cipher layered over TCP on loopback";
  flow.capabilities.inject_reset = true;
  flow.make = [](std::uint64_t) {
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    flowcheck::flows::Endpoints tcp =
        flowcheck::flows::ConnectTcpLoopback(*runtime);
    flowcheck::flows::StreamFlow* socket_a = tcp.a.get();
    return flowcheck::conformance::MakeAsioSubject(
        std::move(runtime),
        std::make_unique<XorCipherFlow>(std::move(tcp.a), kKey),
        std::make_unique<XorCipherFlow>(std::move(tcp.b), kKey),
        [socket_a] { socket_a->Abort(); });
  };
  return flow;
}

}  // namespace xorcipher
