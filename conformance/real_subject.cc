#include "conformance/real_subject.h"

#include <memory>
#include <string>
#include <utility>

#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace flowcheck::conformance {
namespace {

class RealWorld : public World {
 public:
  RealWorld(std::unique_ptr<flows::AsioRuntime> runtime, flows::StreamFlow* a,
            bool can_reset)
      : runtime_(std::move(runtime)), a_(a), can_reset_(can_reset) {}

  Runtime& runtime() override { return *runtime_; }

  RunResult Run(Duration limit) override {
    const flows::RunReport report = flows::RunWithWatchdog(*runtime_, limit);
    RunResult result;
    result.all_done = report.all_done();
    result.evidence = report.outcome == flows::RunReport::Outcome::kTimeLimit
                          ? Evidence::kBounded
                          : Evidence::kExact;
    for (const flows::PendingTask& task : report.pending) {
      result.pending.push_back("task '" + task.name + "' waits on " +
                               task.waiting_on);
    }
    for (const std::string& io : report.pending_io) {
      result.pending.push_back("I/O: " + io);
    }
    result.elapsed = report.elapsed;
    return result;
  }

  void DestroyTasks() override { runtime_->DestroyTasks(); }

  bool can_inject_reset() const override { return can_reset_; }
  void InjectReset() override {
    if (!can_reset_) return;
    // Endpoint A crashes: its operations fail, the peer gets RST.
    if (listener_) {
      const FaultEffects broken{
          .may_fail = true, .may_lose_data = true, .connection_broken = true};
      listener_(Side::kA, "A aborted (TCP RST)", broken);
      listener_(Side::kB, "the peer aborted (TCP RST)", broken);
    }
    a_->Abort();
  }

  void set_fault_listener(FaultListener listener) override {
    listener_ = std::move(listener);
  }

 private:
  std::unique_ptr<flows::AsioRuntime> runtime_;
  flows::StreamFlow* a_;  // owned by the Subject (or its recorder)
  bool can_reset_;
  FaultListener listener_;
};

}  // namespace

Subject MakeRealSubject(const flows::Transport& transport) {
  auto runtime = std::make_unique<flows::AsioRuntime>();
  flows::Endpoints endpoints = transport.connect(*runtime);
  flows::StreamFlow* a = endpoints.a.get();
  const bool can_reset = std::string_view(transport.name) == "tcp";
  return Subject(std::make_unique<RealWorld>(std::move(runtime), a, can_reset),
                 std::move(endpoints.a), std::move(endpoints.b));
}

std::vector<FlowUnderTest> RealFlowsUnderTest() {
  std::vector<FlowUnderTest> flows;
  for (const flows::Transport& transport : flows::AllTransports()) {
    FlowUnderTest flow;
    flow.name = std::string(transport.name);
    flow.description = "real " + std::string(transport.name) +
                       " on the Asio runtime (" +
                       std::string(transport.limits) + ")";
    const flows::Transport* t = &transport;
    flow.make = [t](std::uint64_t) { return MakeRealSubject(*t); };
    flows.push_back(std::move(flow));
  }
  return flows;
}

}  // namespace flowcheck::conformance
