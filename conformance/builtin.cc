#include "conformance/builtin.h"

#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"

namespace flowcheck::conformance {

std::vector<FlowUnderTest> BuiltinFlows() {
  std::vector<FlowUnderTest> flows = {SimFlowUnderTest(/*shaped=*/true),
                                      SimFlowUnderTest(/*shaped=*/false)};
  for (FlowUnderTest& flow : RealFlowsUnderTest())
    flows.push_back(std::move(flow));
  return flows;
}

std::optional<FlowUnderTest> FindBuiltinFlow(const std::string& name) {
  for (FlowUnderTest& flow : BuiltinFlows()) {
    if (flow.name == name) return flow;
  }
  return std::nullopt;
}

}  // namespace flowcheck::conformance
