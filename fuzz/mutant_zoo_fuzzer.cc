// fuzz/mutant_zoo_fuzzer.cc: the "your flow" template (FLOWCHECK_FLOW_FUZZER's
// FlowFuzzTargetFor) on the simulated flow wrapped in one mutant of the zoo,
// chosen by the environment -- to show the flow fuzzers find every broken
// flow, and how many executions that takes (fuzz/zoo_detection.sh,
// docs/fuzzing.md). It finds something on purpose: it is not a fuzzer to
// run for coverage, and its corpus is not a test.
//
//   FLOWCHECK_FUZZ_MUTANT=drop-byte mutant_zoo_fuzzer -runs=100000 EMPTY_DIR
//   FLOWCHECK_FUZZ_DETERMINISM_EVERY=1 (optional; default the template's)
//
// A finding's replay line needs the same FLOWCHECK_FUZZ_MUTANT in front.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "conformance/mutants.h"
#include "conformance/sim_subject.h"
#include "fuzz/flow_fuzzer.h"

namespace {

flowcheck::fuzz::FlowFuzzTarget MakeTarget() {
  const char* name = std::getenv("FLOWCHECK_FUZZ_MUTANT");
  const flowcheck::conformance::Mutant* mutant =
      name == nullptr ? nullptr : flowcheck::conformance::FindMutant(name);
  if (mutant == nullptr) {
    std::fprintf(stderr,
                 "mutant_zoo_fuzzer: set FLOWCHECK_FUZZ_MUTANT to a mutant of "
                 "the zoo ('%s' is not one); they are:\n",
                 name == nullptr ? "" : name);
    for (const auto& each : flowcheck::conformance::AllMutants()) {
      std::fprintf(stderr, "  %s\n", each.name.c_str());
    }
    std::_Exit(2);
  }
  flowcheck::fuzz::FlowFuzzTarget target = flowcheck::fuzz::FlowFuzzTargetFor(
      "mutant_zoo_fuzzer",
      flowcheck::conformance::Mutate(
          flowcheck::conformance::SimFlowUnderTest(/*shaped=*/true), *mutant));
  if (const char* every = std::getenv("FLOWCHECK_FUZZ_DETERMINISM_EVERY")) {
    target.determinism_every =
        static_cast<std::uint32_t>(std::strtoul(every, nullptr, 10));
  }
  return target;
}

}  // namespace

FLOWCHECK_FLOW_FUZZER_INITIALIZE()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const flowcheck::fuzz::FlowFuzzTarget target = MakeTarget();
  return flowcheck::fuzz::FuzzFlowOneInput(target, data, size);
}
