// sim/internal/connection_state.h: ConnectionState, what the two endpoints
// of one simulated connection share. Internal to //sim:connection (listed
// in its srcs, not its hdrs); users see sim/connection.h.
//
// It has three parts, each in its own file:
//  - the two Links, one per direction (sim/internal/link.h, sim/link.cc);
//  - fault injection: the plan's rules, their triggers (with the write
//    path that pulls them, segment by segment), what each kind does when
//    it fires, and the announcements (sim/faults.cc);
//  - the endpoints' shared state and the caller-obligation checks
//    (sim/connection.cc, beside the endpoints).
//
// Ownership and threads: the endpoints and ConnectionInfo share it through
// a shared_ptr; it refers to the Scheduler, which must outlive it, and
// cancels its timers when destroyed. Single-threaded, like the Scheduler.
#ifndef FLOWCHECK_SIM_INTERNAL_CONNECTION_STATE_H_
#define FLOWCHECK_SIM_INTERNAL_CONNECTION_STATE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flow/buffer.h"
#include "flow/result.h"
#include "sim/connection.h"
#include "sim/fault_plan.h"
#include "sim/internal/link.h"
#include "sim/scheduler.h"
#include "sim/wait_list.h"

namespace flowcheck::sim {

class ConnectionState {
 public:
  // A connection shaped by `options`; an invalid plan runs clamped
  // (ClampToValid), noted in the trace.
  ConnectionState(Scheduler& scheduler, ConnectionOptions options);
  ~ConnectionState();
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;

  Scheduler& scheduler() { return scheduler_; }
  Trace& trace() { return scheduler_.trace(); }
  internal::Link& link(Direction d) { return links_[internal::Index(d)]; }
  const internal::Link& link(Direction d) const {
    return links_[internal::Index(d)];
  }
  const std::vector<FaultFired>& fired() const { return fired_; }
  const std::vector<ObligationViolation>& violations() const {
    return violations_;
  }

  // ---- The endpoints' shared state (sim/connection.cc). ----
  bool reset = false;
  std::string reset_cause;
  bool closed[2] = {false, false};
  bool saw_eof[2] = {false, false};
  int writes_in_progress[2] = {0, 0};
  std::uint64_t write_count[2] = {0, 0};

  WaitList& drain(Endpoint e) { return drains_[internal::Index(e)]; }

  // The error a write on `writer` gets now, if any.
  std::optional<Error> WriteError(Endpoint writer);

  // A kFlow trace event about `endpoint`.
  void FlowEvent(Endpoint endpoint, std::string_view what, std::uint64_t a,
                 std::uint64_t b = 0) {
    internal::FlowEvent(scheduler_, options_.name, endpoint, what, a, b);
  }

  // Remembers the buffers of write `number` to check, as their last byte
  // arrives, that the caller left them alone.
  void RecordWrite(Endpoint writer, std::uint64_t number,
                   std::span<const Buffer> buffers);

  // ---- Fault injection (sim/faults.cc). ----

  // Sends `chunk` (a slice of write number `write_number`) into the
  // direction, as segments, firing the faults its bytes trigger. Returns
  // false if a fault stopped it.
  bool Send(Direction d, Buffer chunk, std::uint64_t write_number);

  // Fires `rule` now (ConnectionInfo::InjectFault).
  void InjectFault(const FaultRule& rule);

 private:
  struct Obligation {
    std::vector<Buffer> buffers;
    std::uint64_t fingerprint = 0;
    std::uint64_t undelivered = 0;
  };

  // `options` with a plan the connection can run (sim/connection.cc).
  static ConnectionOptions WithValidPlan(Scheduler& scheduler,
                                         ConnectionOptions options);

  // Checks write `item.write_number`'s obligation once its last byte has
  // arrived (sim/connection.cc).
  void CheckObligation(Endpoint writer, const internal::Link::Segment& item);

  // Fault injection (sim/faults.cc): the rules' triggers ...
  void ArmTimers();
  std::optional<std::uint64_t> NextAfterBytes(Direction d) const;
  void FireDueAfterBytes(Direction d);
  void FireByProbability(Direction d);
  // ... what each kind does ...
  void Fire(std::size_t index);
  void ApplyBreakingFaults(internal::Link& link, Buffer& segment);
  // ... and who is told.
  void Announce(const FaultRule& rule, std::initializer_list<Endpoint> told,
                std::string_view what);
  void WakeEverything();

  Scheduler& scheduler_;
  ConnectionOptions options_;
  internal::Link links_[2];
  WaitList drains_[2];
  std::vector<bool> rule_fired_;
  std::vector<bool> rule_armed_;
  // Hot counters, looked up once.
  std::uint64_t* segments_;
  std::uint64_t* split_segments_;
  std::vector<Scheduler::TimerId> timers_;
  std::vector<FaultFired> fired_;
  std::vector<ObligationViolation> violations_;
  std::map<std::pair<int, std::uint64_t>, Obligation> obligations_;
};

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_INTERNAL_CONNECTION_STATE_H_
