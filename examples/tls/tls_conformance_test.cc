// TLS 1.3 certified over TCP, over a socketpair and over the simulated flow
// (with links shaped per seed, and under a plan that splits records into
// 1..3-byte segments with latency), as a third party registers a layered
// transport (examples/tls/tls_flows.h).
#include "conformance/gtest.h"
#include "examples/tls/tls_flows.h"
#include "sim/fault_plan_text.h"

namespace {

// Every record cut into pieces of 1 to 3 bytes, each late by up to 2 ms.
flowcheck::conformance::FlowUnderTest TlsOverHarshLinks() {
  const flowcheck::sim::ParsedFaultPlan parsed =
      flowcheck::sim::ParseFaultPlan("latency=0ms..2ms split=1..3");
  return tlsexample::TlsOverSim().under_plan(parsed.plan());
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(TlsTcp, tlsexample::TlsOverTcp(),
                                        {.programs = 40});
FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(TlsSocketpair,
                                        tlsexample::TlsOverSocketpair(),
                                        {.programs = 40});
FLOWCHECK_CONFORMANCE_TEST(TlsSim, tlsexample::TlsOverSim());
FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(TlsHarshLinks, TlsOverHarshLinks(),
                                        {.programs = 40});
