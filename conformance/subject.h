// conformance/subject.h: what the conformance suite certifies -- a pair of
// connected endpoints of some flow implementation, with the Runtime they
// run on and the optional things their world can do.
//
// An implementer plugs a flow in by writing one factory:
//
//   flowcheck::conformance::FlowUnderTest MyFlow() {
//     return {.name = "myflow",
//             .make = [](std::uint64_t seed) { return MakeMySubject(seed); }};
//   }
//
// The factory makes a fresh Subject per test case: the Runtime, the two
// endpoints A and B, and -- only where the world can do it -- a way to reset
// the connection. The suite spawns tasks on the runtime, runs it with
// Runtime::RunFor, and judges what happened; the RunReport says how exact
// the evidence is (the simulation proves that nothing more can happen, a
// real-time world can only wait a bounded time).
//
// Optional capabilities are declared on the FlowUnderTest, never guessed by
// building a pair: a check that needs a capability the world lacks is
// reported NOT APPLICABLE, never PASS.
//
// Destruction order (Subject's destructor): the runtime's tasks first, then
// the flows, then the world's hooks, then the runtime. Single-threaded, like
// the runtimes.
#ifndef FLOWCHECK_CONFORMANCE_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_SUBJECT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "flow/flow.h"
#include "flow/runtime.h"
#include "model/history.h"

namespace flowcheck::sim {
struct FaultPlan;  // sim/fault_plan.h
}  // namespace flowcheck::sim

namespace flowcheck::conformance {

// What backs a verdict about operations that stayed pending, strongest
// first. Only a deterministic world can prove a pending operation would
// stay pending; real time can only say the run ended by itself.
enum class Evidence {
  kExact,      // the simulation proved nothing more could happen
               // (RunReport::exact, in a deterministic world)
  kCompleted,  // real time: the run ended by itself -- every task finished,
               // or the event loop ran out of work -- before any limit
  kBounded,    // a limit stopped the run (a watchdog or a time limit):
               // what was pending then was judged as if final, or not at
               // all
  kNone,       // (a certificate) no case ran to its end: every one crashed
};

// "exact (...)", "completed in real time (...)", "bounded (...)", "none
// (...)", in words a certificate reader follows; EvidenceKey gives
// "exact", "completed", "bounded", "none" (JSON).
std::string_view EvidenceName(Evidence evidence);
std::string_view EvidenceKey(Evidence evidence);

// The weaker of two pieces of evidence (a certificate is as strong as its
// weakest case).
inline Evidence Weaker(Evidence a, Evidence b) { return a > b ? a : b; }

// The evidence a run gives.
inline Evidence EvidenceOf(const RunReport& report) {
  if (!report.exact) return Evidence::kBounded;
  return report.trace_hash ? Evidence::kExact : Evidence::kCompleted;
}

// Called when a fault fires on a side, with what it allows.
using FaultListener = std::function<void(Side side, const std::string& name,
                                         const FaultEffects& effects)>;

// Where a world reports the faults it injects (its fault plan firing, or an
// injected reset), so that the recorded history knows what they allow. The
// world keeps a shared_ptr to it; the suite installs a listener per run.
class FaultReporter {
 public:
  // Reports a fault to the listener, if one is installed.
  void Report(Side side, const std::string& name,
              const FaultEffects& effects) const {
    if (listener_) listener_(side, name, effects);
  }
  // Reports an injected reset of the whole connection on both sides (each
  // side's pending and later operations may fail and lose data), named as
  // each side sees it.
  void ReportReset(const std::string& name_at_a,
                   const std::string& name_at_b) const {
    const FaultEffects broken{
        .may_fail = true, .may_lose_data = true, .connection_broken = true};
    Report(Side::kA, name_at_a, broken);
    Report(Side::kB, name_at_b, broken);
  }
  // Installs `listener` (empty: none).
  void Listen(FaultListener listener) { listener_ = std::move(listener); }

 private:
  FaultListener listener_;
};

// What a world's own link saw of one direction, for blaming a side when
// bytes go missing: the simulation knows which bytes the writer's endpoint
// really handed over and whether its close signal went out. Real worlds
// cannot tell (the kernel's buffers are opaque), so they give none.
struct LinkEvidence {
  std::uint64_t bytes_sent = 0;  // handed to the link by the writer
  std::uint64_t bytes_read = 0;  // taken from the link by the reader's reads
  bool close_sent = false;       // the writer's close signal went out
};

// What a flow's world can do besides running tasks.
struct Capabilities {
  // The world can reset the connection on request (Subject::inject_reset):
  // both endpoints' pending and later operations must then fail (E1).
  bool inject_reset = false;
  // The flow holds the very Buffers the suite hands to write and gets back
  // from read (it runs in this process). False for a flow behind a driver
  // (conformance/driver_subject.h): whether it changes a buffer cannot be
  // seen, so R3 and W4 are NOT APPLICABLE there.
  bool shares_buffers = true;
};

// One connected pair under test.
struct Subject {
  Subject() = default;
  Subject(std::unique_ptr<Runtime> runtime_in, std::unique_ptr<Flow> a_in,
          std::unique_ptr<Flow> b_in)
      : runtime(std::move(runtime_in)),
        a(std::move(a_in)),
        b(std::move(b_in)) {}
  Subject(Subject&&) = default;
  Subject& operator=(Subject&&) = default;
  ~Subject() {
    if (runtime) runtime->DestroyTasks();
    a.reset();
    b.reset();
    inject_reset = nullptr;
    link_evidence = nullptr;
    world_failure = nullptr;
    world_log = nullptr;
    faults.reset();
    runtime.reset();
  }

  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<Flow> a;
  std::unique_ptr<Flow> b;
  // Faults the world injects are reported here.
  std::shared_ptr<FaultReporter> faults = std::make_shared<FaultReporter>();
  // Resets the connection now, reporting the fault to `faults` first.
  // Set exactly when the FlowUnderTest declares Capabilities::inject_reset.
  std::function<void()> inject_reset;
  // What the world's link saw of the direction `writer` writes, or empty
  // where the world cannot see it (real transports). Flows layered over
  // the simulated flow keep the simulated world's, so the blame is theirs.
  std::function<LinkEvidence(Side writer)> link_evidence;
  // Why the world itself broke during the run, if it did -- not the flow:
  // a driver process that died, hung at a handshake or broke its protocol
  // (docs/driver-protocol.md). Asked after every run; a failure ends the
  // case as a CRASH line with this sentence, never as a verdict on a
  // clause. Empty: the world cannot break apart from its flow.
  std::function<std::optional<std::string>()> world_failure;
  // What the world's own processes said during the run -- a relay's or a
  // driver's stderr -- for the counterexamples of a failing case; already
  // labelled ("the relay's stderr:\n  | ..."). Empty: nothing to add.
  std::function<std::string()> world_log;
};

// A flow implementation to certify: a name, what it can do, and a factory
// of fresh pairs. `make(seed)` must return a new, connected pair each call;
// simulated worlds use the seed for every choice, real ones may ignore it.
struct FlowUnderTest {
  std::string name;
  std::string description;
  Capabilities capabilities;
  std::function<Subject(std::uint64_t seed)> make;
  // Set by flows built over flowcheck's simulated flow (the simulated flow
  // itself, a TLS layer over it): the same flow, same name, with every
  // pair's simulated links and faults given by `plan` instead of drawn from
  // the seed. `flowcheck certify --flow=NAME --plan=SPEC` uses it; empty
  // for flows with no simulated links (--plan is then refused).
  std::function<FlowUnderTest(const sim::FaultPlan& plan)> under_plan;
};

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SUBJECT_H_
