// The conformance suite registered for a broken flow, as a user registers
// theirs (conformance/gtest.h): the simulated flow on ideal links, broken as
// the environment variable FLOWCHECK_BREAKAGE says (segfault, abort, throw,
// spin, leak, exit0, close-pipe-spin; conformance/broken_flows.h) or, with
// FLOWCHECK_MUTANT instead, wrapped in that mutant of the zoo (a flow that
// fails clauses without crashing). Run by broken_conformance_test.sh, which
// expects every breakage to fail.
#include <cstdlib>
#include <iostream>
#include <string>

#include "conformance/broken_flows.h"
#include "conformance/gtest.h"
#include "conformance/mutants.h"
#include "conformance/sim_subject.h"

namespace {

flowcheck::conformance::FlowUnderTest BrokenFromEnvironment() {
  if (const char* mutant_name = std::getenv("FLOWCHECK_MUTANT")) {
    const flowcheck::conformance::Mutant* mutant =
        flowcheck::conformance::FindMutant(mutant_name);
    if (mutant == nullptr) {
      std::cerr << "broken_conformance_main: unknown FLOWCHECK_MUTANT '"
                << mutant_name << "'\n";
      std::exit(2);
    }
    return flowcheck::conformance::Mutate(
        flowcheck::conformance::SimFlowUnderTest(/*shaped=*/false), *mutant);
  }
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
