// conformance/observe.h: spec-silent observations -- what an implementation
// does where the contract says nothing (shared/flow-spec.md): a second
// close, zero-length writes, concurrent writers and readers on one
// endpoint, how much a write accepts before it waits, a read after the
// endpoint's own close while the peer is silent. Reported, never judged.
#ifndef FLOWCHECK_CONFORMANCE_OBSERVE_H_
#define FLOWCHECK_CONFORMANCE_OBSERVE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conformance/certificate.h"
#include "conformance/subject.h"

namespace flowcheck::conformance {

// One spec-silent observation: its name and how to make it on a fresh pair
// from `flow`.
struct ObservationCase {
  std::string name;  // "double close", as in Observation::name
  std::function<Observation(const FlowUnderTest& flow, std::uint64_t seed)> run;
};

// Every observation, in report order.
const std::vector<ObservationCase>& AllObservations();

// Their names, in the same order.
std::vector<std::string> ObservationNames();

// Runs each observation on a fresh pair from `flow`, in this process.
std::vector<Observation> Observe(const FlowUnderTest& flow, std::uint64_t seed);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_OBSERVE_H_
