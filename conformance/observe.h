// conformance/observe.h: spec-silent observations -- what an implementation
// does where the contract says nothing (shared/flow-spec.md): a second
// close, zero-length writes, concurrent writers and readers on one
// endpoint, how much a write accepts before it waits, a read after the
// endpoint's own close while the peer is silent. Reported, never judged.
#ifndef FLOWCHECK_CONFORMANCE_OBSERVE_H_
#define FLOWCHECK_CONFORMANCE_OBSERVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/certificate.h"
#include "conformance/subject.h"

namespace flowcheck::conformance {

// Runs each observation on a fresh pair from `flow`: one Observation per
// name of ObservationNames(), in that order, each with a non-empty result.
// A flow that hangs or fails an operation is described, not judged.
std::vector<Observation> Observe(const FlowUnderTest& flow, std::uint64_t seed);

// The names of the observations Observe makes ("double close", ...), in
// its order: for tests and tools that check every one of them ran.
std::vector<std::string> ObservationNames();

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_OBSERVE_H_
