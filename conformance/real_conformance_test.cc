// The real transports of flows/, certified by the one-line GoogleTest
// registration (in real time, with watchdogs).
#include "conformance/gtest.h"
#include "conformance/real_subject.h"

namespace {
flowcheck::conformance::FlowUnderTest Real(int index) {
  return flowcheck::conformance::RealFlowsUnderTest().at(index);
}
}  // namespace

FLOWCHECK_CONFORMANCE_TEST(Socketpair, Real(0));
FLOWCHECK_CONFORMANCE_TEST(Tcp, Real(1));
FLOWCHECK_CONFORMANCE_TEST(Pipes, Real(2));
