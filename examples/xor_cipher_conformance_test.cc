// Certifying a third-party flow: the XOR cipher layer of
// examples/xor_cipher_flow.h, layered over flowcheck's simulated flow, gets
// the whole conformance suite -- one test per clause scenario, the property
// programs and the observations -- from one line.
#include "conformance/gtest.h"
#include "conformance/sim_subject.h"
#include "examples/xor_cipher_flow.h"

namespace {

flowcheck::conformance::FlowUnderTest XorOverSim() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "xor-over-sim";
  flow.description = "the XOR cipher layered over the simulated flow";
  flow.make = [](std::uint64_t seed) {
    flowcheck::conformance::Subject subject =
        flowcheck::conformance::MakeSimSubject(seed);
    subject.a = std::make_unique<xorcipher::XorCipherFlow>(std::move(subject.a),
                                                           /*key=*/42);
    subject.b = std::make_unique<xorcipher::XorCipherFlow>(std::move(subject.b),
                                                           /*key=*/42);
    return subject;
  };
  return flow;
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST(XorCipher, XorOverSim());
