// sim/internal/link.h: Link, one direction of a simulated connection -- the
// link model. Internal to //sim:connection (listed in its srcs, not its
// hdrs); users see sim/connection.h.
//
// A Link carries what its writer's endpoint sends to its reader's endpoint.
// It gives each segment an arrival time (latency shape, long tail,
// bandwidth), keeps arrival order equal to send order, delivers segments on
// one timer in virtual time, hands arrived bytes to reads (merging them as
// LinkOptions::coalesce says), counts the bytes written but not yet read
// (the send window's measure) and carries the close signal after the last
// segment. What faults did to the direction is state here too (a stall, a
// partition, a lost or delayed close, failed reads or writes, a cut, a
// segment held back): the fault injection (sim/faults.cc) sets it, the link
// and the endpoints (sim/connection.cc) act on it.
//
// Ownership and threads: the connection's state owns its two Links. A Link
// refers to the Scheduler, which must outlive it, and cancels its delivery
// timer when destroyed. Single-threaded, like the Scheduler.
#ifndef FLOWCHECK_SIM_INTERNAL_LINK_H_
#define FLOWCHECK_SIM_INTERNAL_LINK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "flow/buffer.h"
#include "sim/connection.h"
#include "sim/fault_plan.h"
#include "sim/internal/ring.h"
#include "sim/random.h"
#include "sim/scheduler.h"
#include "sim/wait_list.h"

namespace flowcheck::sim::internal {

// Endpoints and directions: which endpoint writes and reads a direction,
// and which direction an endpoint writes and reads.
inline int Index(Endpoint endpoint) { return static_cast<int>(endpoint); }
inline int Index(Direction direction) { return static_cast<int>(direction); }
inline Endpoint WriterOf(Direction d) {
  return d == Direction::kAtoB ? Endpoint::kA : Endpoint::kB;
}
inline Endpoint ReaderOf(Direction d) {
  return d == Direction::kAtoB ? Endpoint::kB : Endpoint::kA;
}
inline Direction Outgoing(Endpoint e) {
  return e == Endpoint::kA ? Direction::kAtoB : Direction::kBtoA;
}
inline Direction Incoming(Endpoint e) {
  return e == Endpoint::kA ? Direction::kBtoA : Direction::kAtoB;
}
inline std::string EndpointName(Endpoint e) {
  return e == Endpoint::kA ? "A" : "B";
}

// Adds a kFlow event about `endpoint` of the connection named `connection`
// to the scheduler's trace (its text only when the trace keeps text).
void FlowEvent(Scheduler& scheduler, std::string_view connection,
               Endpoint endpoint, std::string_view what, std::uint64_t a,
               std::uint64_t b = 0);

class Link {
 public:
  struct Segment {
    Buffer bytes;
    Duration arrival{0};
    std::uint64_t write_number = 0;  // 0: not a write's (a duplicate)
  };

  // A link in `direction` of the connection named `connection`, shaped by
  // `options` (valid: ValidateFaultPlan), drawing from `stream`.
  Link(Scheduler& scheduler, std::string_view connection, Direction direction,
       const LinkOptions& options, Random stream);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Puts a segment of write `write_number` on the link: lost if the link is
  // partitioned, held back if a reorder fault asked for it, otherwise (and
  // then the held one after it) in flight. An empty segment is dropped.
  void Enqueue(Buffer segment, std::uint64_t write_number);

  // Gives `item` its arrival time and puts it in flight (no fault applies:
  // a duplicate goes through here).
  void Place(Segment item);

  // Sends the close signal once, after every data segment (a held segment
  // goes first); lost if the link is partitioned or its close is lost.
  void SendClose();

  // A read's bytes: the arrived bytes a read takes, at most
  // options.read_bytes_max, one segment or (coalescing) a merge. REQUIRES:
  // !arrived.empty(). Wakes writers waiting for room.
  Buffer TakeArrived();

  // Sets the delivery timer for the next arrival (segment or close signal),
  // not before stall_until; cancels it when nothing is in flight. Call it
  // after a fault changes what is in flight or when.
  void ScheduleDelivery();

  // A sample of the latency a segment or close signal takes.
  std::int64_t SampleLatency();

  // Wakes every task waiting on the link: reads, writes, closes.
  void WakeAll();

  // Called with each segment as it arrives, before a read can take it
  // (caller obligations). May be empty.
  std::function<void(const Segment&)> on_delivered;

  const Direction direction;
  const LinkOptions options;
  Random random;

  // Four entries in place: most runs never queue more.
  Ring<Segment, 4> in_flight;      // arrival order == send order
  Ring<Buffer, 4> arrived;         // readable
  std::uint64_t unread_bytes = 0;  // in flight + arrived: the window's measure
  std::uint64_t sent_bytes = 0;    // accepted into the link
  Duration last_arrival{0};
  Duration link_free_at{0};
  std::optional<Scheduler::TimerId> delivery_timer;

  bool close_sent = false;
  std::optional<Duration> close_arrival;
  bool close_arrived = false;

  // What faults did to this direction (sim/faults.cc).
  Duration stall_until{0};                // stall: no delivery before
  std::int64_t extra_close_delay_ns = 0;  // slow-close
  bool partitioned = false;
  bool close_lost = false;
  bool read_failed = false;
  bool write_failed = false;
  bool cut = false;
  std::string fault_cause;
  bool reorder_next = false;    // reorder: hold the next segment back
  std::optional<Segment> held;  // reorder: held back behind the next one

  WaitList readers;  // reads on the reader side
  WaitList window;   // writes on the writer side waiting for room
  WaitList closers;  // the reader side's close, waiting for this signal

 private:
  // Takes arrived segments and the close signal whose time has come.
  void Deliver();
  // Puts the held segment, if any, in flight.
  void FlushHeld();

  Scheduler& scheduler_;
  const std::string connection_;
};

}  // namespace flowcheck::sim::internal

#endif  // FLOWCHECK_SIM_INTERNAL_LINK_H_
