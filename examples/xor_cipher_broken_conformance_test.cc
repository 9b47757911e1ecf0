// A third-party flow with a bug, certified as its author would: the XOR
// cipher layer over the simulated flow, with a close that returns before
// the peer closed (the zoo's close-returns-early standing in for the bug).
// Tagged manual: it fails on purpose. .ci/run runs it with Bazel, takes the
// replay command a failing case prints and runs that command as printed,
// which must fail the same way (docs/certify.md, "Replaying a failing
// test").
#include "conformance/gtest.h"
#include "conformance/mutants.h"
#include "conformance/sim_subject.h"
#include "examples/xor_cipher_flow.h"

namespace {

flowcheck::conformance::FlowUnderTest BrokenXorOverSim() {
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
  return flowcheck::conformance::Mutate(
      flow, *flowcheck::conformance::FindMutant("close-returns-early"));
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(BrokenXor, BrokenXorOverSim(),
                                        {.seed = 3, .programs = 40});
