#include "conformance/sim_subject.h"

#include <memory>
#include <utility>

#include "sim/connection.h"
#include "sim/fault_plan_text.h"
#include "sim/scheduler.h"

namespace flowcheck::conformance {
namespace {

Side ToSide(sim::Endpoint endpoint) {
  return endpoint == sim::Endpoint::kA ? Side::kA : Side::kB;
}

bool keep_traces = false;

}  // namespace

void KeepSimulationTraces(bool keep) { keep_traces = keep; }

Subject MakeSimSubject(std::uint64_t seed, sim::FaultPlan plan) {
  // The subject first: the connection reports to the subject's own
  // reporter (no second one made and dropped on every run).
  Subject subject;
  auto scheduler = std::make_unique<sim::Scheduler>(
      sim::SchedulerOptions{.seed = seed, .keep_trace_text = keep_traces});
  sim::Scheduler& world = *scheduler;
  subject.runtime = std::move(scheduler);
  sim::ConnectionOptions options;
  options.plan = std::move(plan);
  // Every fault is reported, also those that relax nothing (timing-only and
  // contract-breaking ones): the history keeps the relaxing ones, the
  // execution lists them all.
  options.on_fault = [faults = subject.faults](const sim::FaultFired& fault) {
    faults->Report(ToSide(fault.endpoint), fault.description, fault.effects);
  };
  sim::ConnectedPair pair = sim::MakeConnection(world, std::move(options));
  subject.a = std::move(pair.a);
  subject.b = std::move(pair.b);
  subject.link_evidence = [info = pair.info](Side writer) {
    const sim::ConnectionInfo::DirectionStats stats = info.stats(
        writer == Side::kA ? sim::Direction::kAtoB : sim::Direction::kBtoA);
    return LinkEvidence{stats.bytes_sent, stats.bytes_read, stats.close_sent};
  };
  subject.inject_reset = [info = pair.info]() mutable {
    sim::FaultRule reset;
    reset.kind = sim::FaultKind::kReset;
    // Fires now; the connection announces it through on_fault.
    info.InjectFault(reset);
  };
  return subject;
}

FlowUnderTest SimFlowUnderTest(bool shaped) {
  FlowUnderTest flow;
  flow.name = shaped ? "sim" : "sim-ideal";
  flow.description =
      shaped ? "the simulated flow, links shaped per seed (latency, "
               "splitting, coalescing, windows)"
             : "the simulated flow on ideal links";
  flow.capabilities = kSimCapabilities;
  flow.make = [shaped](std::uint64_t seed) {
    sim::FaultPlan plan;
    if (shaped) {
      sim::Random random(seed ^ 0x5eed5eed5eed5eedULL);
      plan = sim::SwarmPlan(random, /*contract_keeping_only=*/true);
    }
    return MakeSimSubject(seed, std::move(plan));
  };
  flow.under_plan = SimFlowUnderPlan;
  return flow;
}

FlowUnderTest SimFlowUnderPlan(const sim::FaultPlan& plan) {
  FlowUnderTest flow;
  flow.name = "sim";
  flow.description = "the simulated flow under the plan '" +
                     sim::PrintFaultPlan(plan) + "'" +
                     (plan.breaks_contract() ? " (BREAKS THE CONTRACT)" : "");
  flow.capabilities = kSimCapabilities;
  flow.make = [plan](std::uint64_t seed) { return MakeSimSubject(seed, plan); };
  flow.under_plan = SimFlowUnderPlan;
  return flow;
}

}  // namespace flowcheck::conformance
