// conformance/sim_subject.h: the simulated flow (sim/connection.h) as a
// conformance Subject.
//
// Every choice comes from the seed given to the factory; a run ends exactly
// at quiescence (Evidence::kExact). The world can inject a reset. A plan
// may shape the links (latency, splitting, windows); with contract-keeping
// plans the simulated flow must still pass every clause.
#ifndef FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_

#include <cstdint>

#include "conformance/subject.h"
#include "sim/fault_plan.h"
#include "sim/scheduler.h"

namespace flowcheck::conformance {

// A fresh simulated pair for `seed`, shaped by `plan`.
Subject MakeSimSubject(std::uint64_t seed, const sim::FaultPlan& plan = {});

// The simulated flow as a FlowUnderTest. With `shaped`, each pair's links
// are drawn by sim::SwarmPlan(contract_keeping_only = true) from its seed.
FlowUnderTest SimFlowUnderTest(bool shaped = true);

// The simulated flow with every pair's links and faults given by `plan`
// (e.g. parsed from text, sim/fault_plan_text.h). Named "sim[PLAN TEXT]".
FlowUnderTest SimFlowUnderPlan(const sim::FaultPlan& plan);

// The simulated world of a Subject made by MakeSimSubject (for tests that
// need the scheduler itself), or null for other worlds.
sim::Scheduler* SimSchedulerOf(Subject& subject);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SIM_SUBJECT_H_
