// conformance/builtin.h: the flows flowcheck can certify by name -- its own
// simulated flow and the real transports in flows/.
#ifndef FLOWCHECK_CONFORMANCE_BUILTIN_H_
#define FLOWCHECK_CONFORMANCE_BUILTIN_H_

#include <optional>
#include <string>
#include <vector>

#include "conformance/subject.h"

namespace flowcheck::conformance {

// Every built-in flow, in the order `--flow=all` certifies them.
std::vector<FlowUnderTest> BuiltinFlows();

// The built-in flow called `name`, or nullopt.
std::optional<FlowUnderTest> FindBuiltinFlow(const std::string& name);

// The built-in flow called `name`, for code that names one in its source
// (tests, fuzz targets), so that reordering BuiltinFlows() cannot silently
// swap flows. A failed check (FLOWCHECK_CHECK, naming every built-in flow)
// if there is none: a typo in the caller, never a runtime condition.
FlowUnderTest BuiltinFlow(const std::string& name);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_BUILTIN_H_
