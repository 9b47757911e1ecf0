// sim/connection.h: a simulated connection -- two Flow endpoints, A and B,
// joined by two simulated links (A->B and B->A) that delay, split, coalesce,
// throttle and fault bytes as a FaultPlan says, deterministically from the
// Scheduler's seed.
//
// With a default plan the connection is an ideal flow that keeps every
// clause of the contract exactly (docs/spec.md), half-close (C3) and close
// waiting for the peer's close (C4) included. How each clause is kept:
//  - Bytes travel as Buffer slices of the written buffers (zero-copy); a
//    read returns arrived bytes, merging segments (no copy when they are
//    neighbours in one buffer; one copy across writes), never 0 bytes (R2,
//    R3, R4, W3, W4).
//  - close() waits for this endpoint's writes in progress, then sends a
//    close signal after the last data segment (C1); the peer reads Eof once
//    everything before it was read (R5, R6, C2) and from then on (R7).
//    close() returns once the peer's close signal has arrived (C4, C5);
//    reads keep working meanwhile (C3). Writes after close: Closed (W2).
//  - A send window makes write() wait while the peer does not read
//    (backpressure), never while it reads (W1, X1).
//  - Faults that relax the contract (reset, errors, partition, lost close,
//    cut) are announced through ConnectionOptions::on_fault with what they
//    allow, so a checker can judge the run; contract-breaking faults are
//    announced too, flagged as such, and allow nothing.
//
// Every fault that fires is a trace event (TraceKind::kFault) and counted
// in the trace as "fault.<kind>"; segments, splits and copying merges are
// counted as "sim.segments", "sim.split-segments", "sim.copied-reads",
// "sim.window-waits".
//
// Ownership and lifetime: MakeConnection returns both endpoints; they share
// the connection's state, which lives until both are gone. The Scheduler
// must outlive the endpoints. All operations run inside scheduler tasks.
#ifndef FLOWCHECK_SIM_CONNECTION_H_
#define FLOWCHECK_SIM_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flow/fault_effects.h"
#include "flow/flow.h"
#include "sim/fault_plan.h"
#include "sim/scheduler.h"

namespace flowcheck::sim {

enum class Endpoint { kA = 0, kB = 1 };

// A fault that fired, as seen from one endpoint, with what it allows that
// endpoint's operations from now on. Faults that only change timing and
// contract-breaking faults allow nothing (effects.relaxes_anything() is
// false).
struct FaultFired {
  Endpoint endpoint = Endpoint::kA;
  FaultKind kind = FaultKind::kReset;
  std::string description;  // "reset a>b at=10ms fired at 0.010000000s"
  FaultEffects effects;
};

// A caller that changed a buffer after handing it to write/writev (a
// caller obligation, see docs/spec.md).
struct ObligationViolation {
  Endpoint endpoint = Endpoint::kA;
  std::uint64_t write_number = 0;  // 1 = the endpoint's first write/writev
  std::string description;
};

struct ConnectionOptions {
  FaultPlan plan;
  // Fingerprint every written buffer and check it when its last byte is
  // delivered; report buffers the caller changed meanwhile.
  bool check_caller_obligations = false;
  // Called when a fault fires (once per affected endpoint). May be empty.
  std::function<void(const FaultFired&)> on_fault;
  // Names the connection in traces and error messages.
  std::string name = "conn";
};

class ConnectionState;

// What a simulated connection observed, for tests and reports.
class ConnectionInfo {
 public:
  explicit ConnectionInfo(std::shared_ptr<ConnectionState> state)
      : state_(std::move(state)) {}
  const std::vector<FaultFired>& faults_fired() const;

  // What one direction's link saw so far: the evidence for blaming a side
  // when bytes go missing between a writer and a reader.
  struct DirectionStats {
    std::uint64_t bytes_sent = 0;  // handed to the link by the writer's
                                   // endpoint (accepted into the link)
    std::uint64_t bytes_read = 0;  // taken from the link by the reader's
                                   // endpoint's reads
    bool close_sent = false;       // the writer's endpoint sent its close
    bool close_arrived = false;    // ... and the reader's side received it
  };
  DirectionStats stats(Direction direction) const;
  const std::vector<ObligationViolation>& obligation_violations() const;

  // Fires `rule` now, as if the plan had it with a trigger that just
  // matched (its own trigger is ignored; contract-breaking kinds act on the
  // next segment). For tests that inject faults by hand, e.g. a reset.
  void InjectFault(const FaultRule& rule);

 private:
  std::shared_ptr<ConnectionState> state_;
};

struct ConnectedPair {
  std::unique_ptr<Flow> a;
  std::unique_ptr<Flow> b;
  ConnectionInfo info;
};

// Creates a connection on `scheduler` shaped by `options`. Never fails. A
// valid plan (ValidateFaultPlan in sim/fault_plan.h) runs as written; one
// that is not (e.g. a uniform latency with min > max) runs as
// ClampToValid(plan), and the trace notes "plan clamped: " and the
// validator's sentence.
ConnectedPair MakeConnection(Scheduler& scheduler, ConnectionOptions options);

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_CONNECTION_H_
