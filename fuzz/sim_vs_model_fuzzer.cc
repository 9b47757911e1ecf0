// fuzz/sim_vs_model_fuzzer.cc: the simulated flow against the model.
//
// Each input decodes (fuzz/flow_case.h) into a seed, a fault plan that keeps
// the contract or relaxes it only in ways the checker is told about, and a
// program for each endpoint; the program runs twice in the simulation on a
// connection shaped by the plan, and the model checker judges the history
// (fuzz/flow_fuzzer.h lists what counts as a finding). A finding aborts
// with the seed, the plan as text, the program, the verdict and the
// history.
#include <cstddef>
#include <cstdint>

#include "conformance/sim_subject.h"
#include "fuzz/flow_fuzzer.h"

namespace {

const flowcheck::fuzz::FlowFuzzTarget& Target() {
  static const flowcheck::fuzz::FlowFuzzTarget target{
      .name = "sim_vs_model_fuzzer",
      .plan_source = flowcheck::fuzz::PlanSource::kDecoded,
      .make =
          [](std::uint64_t seed, const flowcheck::sim::FaultPlan& plan) {
            return flowcheck::conformance::MakeSimSubject(seed, plan);
          },
  };
  return target;
}

}  // namespace

FLOWCHECK_FLOW_FUZZER_INITIALIZE()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  return flowcheck::fuzz::FuzzFlowOneInput(Target(), data, size);
}
