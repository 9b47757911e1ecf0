// A third-party flow with a bug, certified as its author would: the XOR
// cipher layer over the simulated flow, with a close that returns before
// the peer closed (the zoo's close-returns-early standing in for the bug).
// Tagged manual: it fails on purpose. .ci/run runs it with Bazel, takes the
// replay command a failing case prints and runs that command as printed,
// which must fail the same way (docs/certify.md, "Replaying a failing
// test").
#include "conformance/gtest.h"
#include "conformance/mutants.h"
#include "examples/xor_cipher_flows.h"

namespace {

flowcheck::conformance::FlowUnderTest BrokenXorOverSim() {
  return flowcheck::conformance::Mutate(
      xorcipher::XorOverSim(),
      *flowcheck::conformance::FindMutant("close-returns-early"));
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(BrokenXor, BrokenXorOverSim(),
                                        {.seed = 3, .programs = 40});
