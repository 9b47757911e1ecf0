// The conformance suite registered for a broken flow, as a user registers
// theirs (conformance/gtest.h): the simulated flow on ideal links, broken as
// the environment variable FLOWCHECK_BREAKAGE says (segfault, abort, throw,
// spin, leak, exit0, close-pipe-spin; conformance/broken_flows.h). Run by
// broken_conformance_test.sh, which expects every breakage to fail.
#include <cstdlib>
#include <iostream>
#include <string>

#include "conformance/broken_flows.h"
#include "conformance/gtest.h"
#include "conformance/sim_subject.h"

namespace {

flowcheck::conformance::FlowUnderTest BrokenFromEnvironment() {
  const char* name = std::getenv("FLOWCHECK_BREAKAGE");
  const auto breakage = flowcheck::conformance::ParseBreakage(
      name == nullptr ? "" : std::string(name));
  if (!breakage) {
    std::cerr << "broken_conformance_main: set FLOWCHECK_BREAKAGE to one of:";
    for (auto known : flowcheck::conformance::AllBreakages()) {
      std::cerr << " " << flowcheck::conformance::BreakageName(known);
    }
    std::cerr << "\n";
    std::exit(2);
  }
  return flowcheck::conformance::Break(
      flowcheck::conformance::SimFlowUnderTest(/*shaped=*/false), *breakage);
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST(Broken, BrokenFromEnvironment());
