#include "conformance/builtin.h"

#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"
#include "flow/check.h"

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

FlowUnderTest BuiltinFlow(const std::string& name) {
  std::optional<FlowUnderTest> flow = FindBuiltinFlow(name);
  if (!flow) {
    std::string names;
    for (const FlowUnderTest& builtin : BuiltinFlows()) {
      names += (names.empty() ? "" : ", ") + builtin.name;
    }
    FLOWCHECK_CHECK(false, "no built-in flow is called '" + name +
                               "'; the built-in flows are: " + names);
  }
  return *std::move(flow);
}

}  // namespace flowcheck::conformance
