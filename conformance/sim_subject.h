// conformance/sim_subject.h: the simulated flow (sim/connection.h) as a
// conformance Subject.
//
// Every choice comes from the seed given to the factory; the runtime is a
// sim::Scheduler, so a run ends exactly at quiescence (RunReport::exact) and
// reports its trace hash. The world can inject a reset. A plan may shape
// the links (latency, splitting, windows); with contract-keeping plans the
// simulated flow must still pass every clause.
#ifndef FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_

#include <cstdint>

#include "conformance/subject.h"
#include "sim/fault_plan.h"

namespace flowcheck::conformance {

// What a simulated pair can do: reset its connection on request.
inline constexpr Capabilities kSimCapabilities{.inject_reset = true};

// A fresh simulated pair for `seed`, shaped by `plan` (taken by value:
// move a plan in that is not needed after). Never fails.
Subject MakeSimSubject(std::uint64_t seed, sim::FaultPlan plan = {});

// Whether the pairs MakeSimSubject makes from now on keep their scheduling
// trace as text (every pick, delivery and fault with its virtual time), so
// that RunReport::trace_text and a counterexample carry it. Off by default
// (it costs memory and time); `flowcheck replay --trace` turns it on. A
// process-wide setting, inherited by isolated cases (they are forked).
void KeepSimulationTraces(bool keep);

// The simulated flow as a FlowUnderTest. With `shaped`, each pair's links
// are drawn by sim::SwarmPlan(contract_keeping_only = true) from its seed.
FlowUnderTest SimFlowUnderTest(bool shaped = true);

// The simulated flow with every pair's links and faults given by `plan`
// (e.g. parsed from text, sim/fault_plan_text.h). Named "sim[PLAN TEXT]".
FlowUnderTest SimFlowUnderPlan(const sim::FaultPlan& plan);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_
