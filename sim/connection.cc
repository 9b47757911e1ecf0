#include "sim/connection.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "flow/check.h"
#include "sim/internal/connection_state.h"
#include "sim/internal/link.h"

// The endpoints: ConnectionState's construction and the caller
// obligations, and SimFlow, the Flow each endpoint is. The link model is
// sim/link.cc, fault injection (and the write path through its triggers)
// sim/faults.cc.

namespace flowcheck::sim {

using internal::EndpointName;
using internal::Incoming;
using internal::Index;
using internal::Outgoing;
using internal::WriterOf;

namespace {

std::uint64_t Fingerprint(std::span<const Buffer> buffers) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const Buffer& buffer : buffers) {
    for (char c : buffer.view()) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;  // buffer boundary
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

ConnectionState::ConnectionState(Scheduler& scheduler,
                                 ConnectionOptions options)
    : scheduler_(scheduler),
      options_(WithValidPlan(scheduler, std::move(options))),
      links_{internal::Link(scheduler, options_.name, Direction::kAtoB,
                            options_.plan.a_to_b, scheduler.random().Fork()),
             internal::Link(scheduler, options_.name, Direction::kBtoA,
                            options_.plan.b_to_a, scheduler.random().Fork())},
      drains_{WaitList(scheduler,
                       WaitList::Literal("close on A: waiting for A's writes")),
              WaitList(scheduler, WaitList::Literal(
                                      "close on B: waiting for B's writes"))},
      rule_fired_(options_.plan.faults.size(), false),
      rule_armed_(options_.plan.faults.size(), false),
      segments_(&scheduler.trace().Counter("sim.segments")),
      split_segments_(&scheduler.trace().Counter("sim.split-segments")) {
  if (options_.check_caller_obligations) {
    for (internal::Link& link : links_) {
      const Endpoint writer = WriterOf(link.direction);
      link.on_delivered = [this, writer](const internal::Link::Segment& item) {
        CheckObligation(writer, item);
      };
    }
  }
  // Each rule tells at most both endpoints: no growing while faults fire.
  fired_.reserve(2 * options_.plan.faults.size());
  ArmTimers();
}

ConnectionState::~ConnectionState() {
  for (const Scheduler::TimerId& timer : timers_) scheduler_.Cancel(timer);
  // Each Link cancels its own delivery timer.
}

// `options` with a plan the connection can run: a plan ValidateFaultPlan
// rejects is clamped to a valid one (ClampToValid), and the trace notes
// why. A valid plan is kept as it is.
ConnectionOptions ConnectionState::WithValidPlan(Scheduler& scheduler,
                                                 ConnectionOptions options) {
  if (const auto problem = ValidateFaultPlan(options.plan)) {
    scheduler.trace().Add(scheduler.now(), TraceKind::kNote, 0, 0,
                          "plan clamped: " + *problem);
    options.plan = ClampToValid(std::move(options.plan));
  }
  return options;
}

std::optional<Error> ConnectionState::WriteError(Endpoint writer) {
  if (reset) return Error(ErrorCode::kConnectionReset, reset_cause);
  const internal::Link& out = link(Outgoing(writer));
  if (out.write_failed) return Error(ErrorCode::kIo, out.fault_cause);
  if (out.cut) {
    return Error(ErrorCode::kBrokenPipe,
                 "the connection was cut: " + out.fault_cause);
  }
  return std::nullopt;
}

void ConnectionState::RecordWrite(Endpoint writer, std::uint64_t number,
                                  std::span<const Buffer> buffers) {
  if (!options_.check_caller_obligations) return;
  const std::uint64_t total = TotalSize(buffers);
  if (total == 0) return;
  obligations_.emplace(
      std::make_pair(Index(writer), number),
      Obligation{std::vector<Buffer>(buffers.begin(), buffers.end()),
                 Fingerprint(buffers), total});
}

void ConnectionState::CheckObligation(Endpoint writer,
                                      const internal::Link::Segment& item) {
  if (!options_.check_caller_obligations) return;
  auto it = obligations_.find(std::make_pair(Index(writer), item.write_number));
  if (it == obligations_.end()) return;
  Obligation& obligation = it->second;
  obligation.undelivered -=
      std::min<std::uint64_t>(obligation.undelivered, item.bytes.size());
  if (obligation.undelivered > 0) return;
  if (Fingerprint(obligation.buffers) != obligation.fingerprint) {
    ObligationViolation violation;
    violation.endpoint = writer;
    violation.write_number = item.write_number;
    violation.description =
        "the caller changed a buffer handed to " + EndpointName(writer) +
        "'s write number " + std::to_string(item.write_number) +
        " before all of its bytes were delivered (at " +
        FormatTime(scheduler_.now()) +
        "): buffers handed to write/writev must not be modified";
    trace().Add(scheduler_.now(), TraceKind::kNote, item.write_number, 0,
                violation.description);
    trace().Count("sim.obligation-violations");
    violations_.push_back(std::move(violation));
  }
  obligations_.erase(it);
}

namespace {

class SimFlow : public Flow {
 public:
  SimFlow(std::shared_ptr<ConnectionState> state, Endpoint self)
      : state_(std::move(state)), self_(self) {}

  Task<ReadResult> read() override {
    ConnectionState& st = *state_;
    internal::Link& in = st.link(Incoming(self_));
    while (true) {
      if (st.saw_eof[Index(self_)]) co_return ReadResult::Eof();
      if (st.reset) {
        co_return ReadResult::Failure(
            Error(ErrorCode::kConnectionReset, st.reset_cause));
      }
      if (in.read_failed) {
        co_return ReadResult::Failure(Error(ErrorCode::kIo, in.fault_cause));
      }
      if (!in.arrived.empty()) {
        Buffer data = in.TakeArrived();
        st.FlowEvent(self_, "read -> Data, bytes:", data.size());
        co_return ReadResult::Data(std::move(data));
      }
      if (in.in_flight.empty() && in.write_failed) {
        co_return ReadResult::Failure(
            Error(ErrorCode::kBrokenPipe,
                  "the peer's writes failed, no more data will come: " +
                      in.fault_cause));
      }
      if (in.close_arrived || (in.cut && in.in_flight.empty())) {
        st.saw_eof[Index(self_)] = true;
        st.FlowEvent(self_, "read -> Eof", 0);
        co_return ReadResult::Eof();
      }
      co_await in.readers.Wait();
    }
  }

  // A write is a writev of one part that needs no vector (one allocation
  // less per write).
  Task<WriteResult> write(Buffer buffer) override {
    return Write(std::move(buffer), {});
  }

  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    return Write(Buffer(), std::move(buffers));
  }

  Task<void> close() override {
    ConnectionState& st = *state_;
    st.closed[Index(self_)] = true;
    st.FlowEvent(self_, "close", 0);
    // C1: bytes of writes still in progress go out before the close signal.
    while (st.writes_in_progress[Index(self_)] > 0 && !st.reset) {
      co_await st.drain(self_).Wait();
    }
    st.link(Outgoing(self_)).SendClose();
    // C4: return once the peer's close has arrived here.
    internal::Link& in = st.link(Incoming(self_));
    while (!in.close_arrived && !st.reset) co_await in.closers.Wait();
    st.FlowEvent(self_, "close returns", 0);
  }

 private:
  // Keeps writes_in_progress right even if the write's Task is destroyed
  // while it waits.
  class InProgress {
   public:
    InProgress(ConnectionState& st, Endpoint e) : st_(st), e_(e) {
      ++st_.writes_in_progress[Index(e_)];
    }
    ~InProgress() {
      if (--st_.writes_in_progress[Index(e_)] == 0) st_.drain(e_).WakeAll();
    }
    InProgress(const InProgress&) = delete;
    InProgress& operator=(const InProgress&) = delete;

   private:
    ConnectionState& st_;
    Endpoint e_;
  };

  // Writes `single` (a write) or `parts` (a writev, `single` empty then).
  Task<WriteResult> Write(Buffer single, std::vector<Buffer> parts) {
    const std::span<const Buffer> buffers =
        parts.empty() ? std::span<const Buffer>(&single, 1)
                      : std::span<const Buffer>(parts);
    ConnectionState& st = *state_;
    const std::uint64_t number = ++st.write_count[Index(self_)];
    if (st.closed[Index(self_)]) co_return WriteResult::Closed();
    if (auto error = st.WriteError(self_)) {
      co_return WriteResult::Failure(std::move(*error));
    }
    InProgress in_progress(st, self_);
    st.RecordWrite(self_, number, buffers);
    const Direction d = Outgoing(self_);
    internal::Link& out = st.link(d);
    st.FlowEvent(self_, "write, bytes:", TotalSize(buffers), number);
    for (const Buffer& buffer : buffers) {
      std::uint64_t offset = 0;
      while (offset < buffer.size()) {
        std::uint64_t room = buffer.size() - offset;
        if (out.options.window_bytes > 0) {
          while (out.unread_bytes >= out.options.window_bytes) {
            if (auto error = st.WriteError(self_)) {
              co_return WriteResult::Failure(std::move(*error));
            }
            st.trace().Count("sim.window-waits");
            co_await out.window.Wait();
          }
          room = std::min(room, out.options.window_bytes - out.unread_bytes);
        }
        if (auto error = st.WriteError(self_)) {
          co_return WriteResult::Failure(std::move(*error));
        }
        if (!st.Send(d, buffer.slice(offset, room), number)) {
          co_return WriteResult::Failure(st.WriteError(self_).value_or(
              Error(ErrorCode::kIo, "write stopped by a fault")));
        }
        offset += room;
      }
    }
    co_return WriteResult::Ok();
  }

  std::shared_ptr<ConnectionState> state_;
  Endpoint self_;
};

}  // namespace

const std::vector<FaultFired>& ConnectionInfo::faults_fired() const {
  return state_->fired();
}

const std::vector<ObligationViolation>& ConnectionInfo::obligation_violations()
    const {
  return state_->violations();
}

ConnectionInfo::DirectionStats ConnectionInfo::stats(
    Direction direction) const {
  const internal::Link& link = state_->link(direction);
  DirectionStats stats;
  stats.bytes_sent = link.sent_bytes;
  // (Duplicated segments can make unread exceed sent: then nothing counts
  // as read.)
  stats.bytes_read = link.sent_bytes > link.unread_bytes
                         ? link.sent_bytes - link.unread_bytes
                         : 0;
  stats.close_sent = link.close_sent;
  stats.close_arrived = link.close_arrived;
  return stats;
}

void ConnectionInfo::InjectFault(const FaultRule& rule) {
  state_->InjectFault(rule);
}

ConnectedPair MakeConnection(Scheduler& scheduler, ConnectionOptions options) {
  auto state = std::make_shared<ConnectionState>(scheduler, std::move(options));
  return ConnectedPair{std::make_unique<SimFlow>(state, Endpoint::kA),
                       std::make_unique<SimFlow>(state, Endpoint::kB),
                       ConnectionInfo(state)};
}

}  // namespace flowcheck::sim
