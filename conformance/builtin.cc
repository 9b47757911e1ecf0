#include "conformance/builtin.h"

#include "conformance/sim_subject.h"

namespace flowcheck::conformance {

std::vector<FlowUnderTest> BuiltinFlows() {
  return {SimFlowUnderTest(/*shaped=*/true), SimFlowUnderTest(/*shaped=*/false)};
}

std::optional<FlowUnderTest> FindBuiltinFlow(const std::string& name) {
  for (FlowUnderTest& flow : BuiltinFlows()) {
    if (flow.name == name) return flow;
  }
  return std::nullopt;
}

}  // namespace flowcheck::conformance
