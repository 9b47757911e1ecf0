#include "conformance/sim_subject.h"

#include <memory>
#include <utility>

#include "sim/connection.h"
#include "sim/fault_plan_text.h"
#include "sim/testing.h"

namespace flowcheck::conformance {
namespace {

class SimWorld : public World {
 public:
  explicit SimWorld(std::uint64_t seed)
      : scheduler_(sim::SchedulerOptions{
            .seed = seed, .time_limit = std::chrono::hours(1)}) {}

  sim::Scheduler& scheduler() { return scheduler_; }
  void set_info(sim::ConnectionInfo info) { info_.emplace(std::move(info)); }

  Runtime& runtime() override { return scheduler_; }

  RunResult Run(Duration) override {
    const Duration start = scheduler_.now();
    const sim::RunReport report = scheduler_.RunUntilQuiescent();
    RunResult result;
    result.all_done = report.outcome == sim::RunReport::Outcome::kAllDone;
    result.evidence = report.outcome == sim::RunReport::Outcome::kTimeLimit
                          ? Evidence::kBounded
                          : Evidence::kExact;
    for (const sim::BlockedTask& task : report.blocked) {
      result.pending.push_back("task '" + task.name + "' waits on " +
                               task.waiting_on);
    }
    result.elapsed = scheduler_.now() - start;
    return result;
  }

  void DestroyTasks() override { scheduler_.DestroyTasks(); }

  bool can_inject_reset() const override { return true; }
  void InjectReset() override {
    sim::FaultRule reset;
    reset.kind = sim::FaultKind::kReset;
    info_->InjectFault(reset);
  }

  void set_fault_listener(FaultListener listener) override {
    listener_ = std::move(listener);
  }
  // Forwards a sim fault to the listener, if it relaxes anything.
  void OnFault(const sim::FaultFired& fault) {
    if (!listener_) return;
    if (const auto effects = sim::testing::EffectsOf(fault)) {
      listener_(fault.endpoint == sim::Endpoint::kA ? Side::kA : Side::kB,
                fault.description, *effects);
    }
  }

 private:
  sim::Scheduler scheduler_;
  std::optional<sim::ConnectionInfo> info_;
  FaultListener listener_;
};

}  // namespace

Subject MakeSimSubject(std::uint64_t seed, const sim::FaultPlan& plan) {
  auto world = std::make_unique<SimWorld>(seed);
  SimWorld* raw = world.get();
  sim::ConnectionOptions options;
  options.plan = plan;
  options.on_fault = [raw](const sim::FaultFired& fault) {
    raw->OnFault(fault);
  };
  sim::ConnectedPair pair = sim::MakeConnection(raw->scheduler(), options);
  raw->set_info(pair.info);
  return Subject(std::move(world), std::move(pair.a), std::move(pair.b));
}

FlowUnderTest SimFlowUnderTest(bool shaped) {
  FlowUnderTest flow;
  flow.name = shaped ? "sim" : "sim-ideal";
  flow.description =
      shaped ? "the simulated flow, links shaped per seed (latency, "
               "splitting, coalescing, windows)"
             : "the simulated flow on ideal links";
  flow.make = [shaped](std::uint64_t seed) {
    sim::FaultPlan plan;
    if (shaped) {
      sim::Random random(seed ^ 0x5eed5eed5eed5eedULL);
      plan = sim::SwarmPlan(random, /*contract_keeping_only=*/true);
    }
    return MakeSimSubject(seed, plan);
  };
  return flow;
}

FlowUnderTest SimFlowUnderPlan(const sim::FaultPlan& plan) {
  FlowUnderTest flow;
  flow.name = "sim";
  flow.description = "the simulated flow under the plan '" +
                     sim::PrintFaultPlan(plan) + "'" +
                     (plan.breaks_contract() ? " (BREAKS THE CONTRACT)" : "");
  flow.make = [plan](std::uint64_t seed) { return MakeSimSubject(seed, plan); };
  return flow;
}

sim::Scheduler* SimSchedulerOf(Subject& subject) {
  auto* world = dynamic_cast<SimWorld*>(subject.world.get());
  return world == nullptr ? nullptr : &world->scheduler();
}

}  // namespace flowcheck::conformance
