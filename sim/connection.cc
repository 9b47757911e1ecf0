#include "sim/connection.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "flow/check.h"
#include "sim/wait_list.h"

namespace flowcheck::sim {
namespace {

// A coalescing read copies bytes of several writes into one buffer, up to
// this many (a read of one write's bytes is never copied).
constexpr std::uint64_t kCoalesceCopyBytes = 64 * 1024;

int Index(Endpoint endpoint) { return static_cast<int>(endpoint); }
int Index(Direction direction) { return static_cast<int>(direction); }
Endpoint WriterOf(Direction d) {
  return d == Direction::kAtoB ? Endpoint::kA : Endpoint::kB;
}
Endpoint ReaderOf(Direction d) {
  return d == Direction::kAtoB ? Endpoint::kB : Endpoint::kA;
}
Direction Outgoing(Endpoint e) {
  return e == Endpoint::kA ? Direction::kAtoB : Direction::kBtoA;
}
Direction Incoming(Endpoint e) {
  return e == Endpoint::kA ? Direction::kBtoA : Direction::kAtoB;
}
std::string EndpointName(Endpoint e) { return e == Endpoint::kA ? "A" : "B"; }

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

std::string DescribeRule(const FaultRule& rule) {
  std::string out = std::string(FaultKindName(rule.kind)) + " " +
                    std::string(DirectionName(rule.direction));
  switch (rule.trigger.type) {
    case FaultTrigger::Type::kAtTime:
      out += " at " + FormatTime(Duration(rule.trigger.at_ns));
      break;
    case FaultTrigger::Type::kAfterBytes:
      out += " after " + std::to_string(rule.trigger.after_bytes) + " bytes";
      break;
    case FaultTrigger::Type::kProbability:
      out += " with probability " + std::to_string(rule.trigger.per_million) +
             "ppm per segment";
      break;
  }
  return out;
}

}  // namespace

// One direction of the connection.
struct Channel {
  struct Segment {
    Buffer bytes;
    Duration arrival{0};
    std::uint64_t write_number = 0;
  };

  Channel(Scheduler& scheduler, Direction direction, const LinkOptions& options,
          Random stream)
      : direction(direction),
        link(options),
        random(stream),
        readers(scheduler, std::string("read on ") +
                               EndpointName(ReaderOf(direction)) +
                               ": nothing readable"),
        window(scheduler, std::string("write on ") +
                              EndpointName(WriterOf(direction)) +
                              ": send window full, peer not reading"),
        closers(scheduler, std::string("close on ") +
                               EndpointName(ReaderOf(direction)) +
                               ": waiting for the peer's close") {}

  Direction direction;
  LinkOptions link;
  Random random;

  std::deque<Segment> in_flight;   // arrival order == send order
  std::deque<Buffer> arrived;      // readable
  std::uint64_t unread_bytes = 0;  // in flight + arrived: the window's measure
  std::uint64_t sent_bytes = 0;    // accepted into the link
  Duration last_arrival{0};
  Duration link_free_at{0};
  std::optional<Scheduler::TimerId> delivery_timer;
  Duration stall_until{0};

  bool close_sent = false;
  std::optional<Duration> close_arrival;
  bool close_arrived = false;
  std::int64_t extra_close_delay_ns = 0;

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
};

class ConnectionState {
 public:
  ConnectionState(Scheduler& scheduler, ConnectionOptions options)
      : scheduler_(scheduler),
        options_(WithValidPlan(scheduler, std::move(options))),
        channels_{Channel(scheduler, Direction::kAtoB, options_.plan.a_to_b,
                          scheduler.random().Fork()),
                  Channel(scheduler, Direction::kBtoA, options_.plan.b_to_a,
                          scheduler.random().Fork())},
        drains_{WaitList(scheduler, "close on A: waiting for A's writes"),
                WaitList(scheduler, "close on B: waiting for B's writes")},
        rule_fired_(options_.plan.faults.size(), false),
        rule_armed_(options_.plan.faults.size(), false),
        segments_(&scheduler.trace().Counter("sim.segments")),
        split_segments_(&scheduler.trace().Counter("sim.split-segments")) {
    for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
      const FaultRule& rule = options_.plan.faults[i];
      if (rule.trigger.type == FaultTrigger::Type::kAtTime) {
        timers_.push_back(scheduler_.At(Duration(rule.trigger.at_ns),
                                        [this, i] { Fire(i); }));
      }
    }
  }

  ~ConnectionState() {
    for (const Scheduler::TimerId& timer : timers_) scheduler_.Cancel(timer);
    for (Channel& channel : channels_) {
      if (channel.delivery_timer) scheduler_.Cancel(*channel.delivery_timer);
    }
  }

  Scheduler& scheduler() { return scheduler_; }
  Trace& trace() { return scheduler_.trace(); }
  Channel& channel(Direction d) { return channels_[Index(d)]; }
  const std::vector<FaultFired>& fired() const { return fired_; }
  const std::vector<ObligationViolation>& violations() const {
    return violations_;
  }

  // ---- State the endpoints share. ----
  bool reset = false;
  std::string reset_cause;
  bool closed[2] = {false, false};
  bool saw_eof[2] = {false, false};
  int writes_in_progress[2] = {0, 0};
  std::uint64_t write_count[2] = {0, 0};

  WaitList& drain(Endpoint e) { return drains_[Index(e)]; }

  // The error a write on `writer` gets now, if any.
  std::optional<Error> WriteError(Endpoint writer) {
    if (reset) return Error(ErrorCode::kConnectionReset, reset_cause);
    Channel& out = channel(Outgoing(writer));
    if (out.write_failed) return Error(ErrorCode::kIo, out.fault_cause);
    if (out.cut) {
      return Error(ErrorCode::kBrokenPipe,
                   "the connection was cut: " + out.fault_cause);
    }
    return std::nullopt;
  }

  void FlowEvent(Endpoint endpoint, std::string_view what, std::uint64_t a,
                 std::uint64_t b = 0) {
    trace().Add(scheduler_.now(), TraceKind::kFlow,
                static_cast<std::uint64_t>(Index(endpoint)) << 32 | a, b,
                trace().keeps_text()
                    ? options_.name + " " + EndpointName(endpoint) + " " +
                          std::string(what) + " " + std::to_string(a)
                    : std::string());
  }

  // Sends `chunk` (a slice of write number `write_number`) into the
  // direction, as segments. Returns false if a fault stopped it.
  bool Send(Direction d, Buffer chunk, std::uint64_t write_number) {
    Channel& ch = channel(d);
    while (!chunk.empty()) {
      FireDueAfterBytes(d);
      if (reset || ch.write_failed || ch.cut) return false;
      std::uint64_t size = chunk.size();
      if (ch.link.segment_bytes_max > 0) {
        size = std::min<std::uint64_t>(
            size, ch.random.Between(ch.link.segment_bytes_min,
                                    ch.link.segment_bytes_max));
      }
      if (const auto threshold = NextAfterBytes(d)) {
        if (*threshold > ch.sent_bytes && *threshold < ch.sent_bytes + size) {
          size = *threshold - ch.sent_bytes;
        }
      }
      if (size < chunk.size()) ++*split_segments_;
      Buffer segment = chunk.slice(0, size);
      chunk = chunk.slice(size);
      ch.sent_bytes += size;
      Enqueue(ch, std::move(segment), write_number);
      FireDueAfterBytes(d);
      FireByProbability(d);
    }
    // Every byte went out; a fault that fired on the last one stops later
    // writes, not this one.
    return true;
  }

  // Sends the close signal of direction `d`, after every data segment.
  void SendClose(Direction d) {
    Channel& ch = channel(d);
    if (ch.close_sent) return;
    ch.close_sent = true;
    FlushHeld(ch);
    if (ch.partitioned || ch.close_lost) {
      trace().Count("sim.close-signals-lost");
      return;
    }
    const Duration start = std::max(scheduler_.now(), ch.last_arrival);
    ch.close_arrival = start + Duration(SampleLatency(ch)) +
                       Duration(ch.link.close_delay_ns) +
                       Duration(ch.extra_close_delay_ns);
    ScheduleDelivery(ch);
  }

  // A read on `reader` takes arrived bytes. Requires some.
  Buffer TakeArrived(Endpoint reader) {
    Channel& ch = channel(Incoming(reader));
    const std::uint64_t limit =
        ch.link.read_bytes_max > 0 ? ch.link.read_bytes_max : UINT64_MAX;
    std::uint64_t taken = 0;
    // Takes up to `room` bytes of the front arrived buffer.
    auto take = [&ch, &taken](std::uint64_t room) {
      Buffer& front = ch.arrived.front();
      Buffer piece = front;
      if (piece.size() > room) {
        piece = front.slice(0, room);
        front = front.slice(room);
      } else {
        ch.arrived.pop_front();
      }
      taken += piece.size();
      return piece;
    };
    // Without coalescing: one segment. With it, first a zero-copy run: the
    // front buffer and its neighbours in the same storage (segments of one
    // write).
    Buffer run = take(limit);
    while (ch.link.coalesce && !ch.arrived.empty() && taken < limit) {
      auto joined = run.JoinAdjacent(ch.arrived.front().slice(
          0,
          std::min<std::uint64_t>(ch.arrived.front().size(), limit - taken)));
      if (!joined) break;
      take(limit - taken);
      run = *joined;
    }
    Buffer result = run;
    // Then, when coalescing, bytes of later writes, copied into one buffer
    // -- at most kCoalesceCopyBytes in all, so a read never copies much.
    const std::uint64_t copy_limit = std::min(limit, kCoalesceCopyBytes);
    if (ch.link.coalesce && !ch.arrived.empty() && taken < copy_limit) {
      std::vector<Buffer> pieces = {run};
      while (!ch.arrived.empty() && taken < copy_limit) {
        pieces.push_back(take(copy_limit - taken));
      }
      result = Concat(pieces);
      trace().Count("sim.copied-reads");
    }
    ch.unread_bytes -= taken;
    ch.window.WakeAll();
    return result;
  }

  void InjectFault(const FaultRule& rule) {
    options_.plan.faults.push_back(rule);
    rule_fired_.push_back(false);
    rule_armed_.push_back(false);
    // Its own trigger must not fire it again later.
    options_.plan.faults.back().trigger.type = FaultTrigger::Type::kAtTime;
    Fire(options_.plan.faults.size() - 1);
  }

  void RecordWrite(Endpoint writer, std::uint64_t number,
                   const std::vector<Buffer>& buffers) {
    if (!options_.check_caller_obligations) return;
    const std::uint64_t total = TotalSize(buffers);
    if (total == 0) return;
    obligations_.emplace(std::make_pair(Index(writer), number),
                         Obligation{buffers, Fingerprint(buffers), total});
  }

 private:
  struct Obligation {
    std::vector<Buffer> buffers;
    std::uint64_t fingerprint = 0;
    std::uint64_t undelivered = 0;
  };

  // `options` with a plan the connection can run: a plan ValidateFaultPlan
  // rejects is clamped to a valid one (ClampToValid), and the trace notes
  // why. A valid plan is kept as it is.
  static ConnectionOptions WithValidPlan(Scheduler& scheduler,
                                         ConnectionOptions options) {
    if (const auto problem = ValidateFaultPlan(options.plan)) {
      scheduler.trace().Add(scheduler.now(), TraceKind::kNote, 0, 0,
                            "plan clamped: " + *problem);
      options.plan = ClampToValid(std::move(options.plan));
    }
    return options;
  }

  std::int64_t SampleLatency(Channel& ch) {
    const LinkOptions& link = ch.link;
    std::int64_t latency = link.latency_ns_min;
    switch (link.latency_shape) {
      case LatencyShape::kFixed:
        break;
      case LatencyShape::kUniform:
        latency = static_cast<std::int64_t>(
            ch.random.Between(static_cast<std::uint64_t>(link.latency_ns_min),
                              static_cast<std::uint64_t>(link.latency_ns_max)));
        break;
      case LatencyShape::kExponential:
        latency += static_cast<std::int64_t>(
            ch.random.Exponential(static_cast<std::uint64_t>(
                std::max<std::int64_t>(0, link.latency_ns_mean))));
        break;
    }
    if (link.tail_per_million > 0 &&
        ch.random.Chance(link.tail_per_million, 1000000)) {
      latency += link.tail_latency_ns;
      trace().Count("sim.tail-latencies");
    }
    return latency;
  }

  void Enqueue(Channel& ch, Buffer segment, std::uint64_t write_number) {
    ++*segments_;
    ApplyBreakingFaults(ch, segment);
    if (ch.partitioned) {
      trace().Count("sim.bytes-lost-to-partition", segment.size());
      return;
    }
    if (segment.empty()) return;
    Channel::Segment item{std::move(segment), Duration(0), write_number};
    if (ch.reorder_next) {
      ch.reorder_next = false;
      if (!ch.held) {
        ch.held = std::move(item);
        return;
      }
    }
    Place(ch, std::move(item));
    if (ch.held) {
      Channel::Segment held = std::move(*ch.held);
      ch.held.reset();
      Place(ch, std::move(held));
    }
  }

  // Gives `item` its arrival time and puts it in flight.
  void Place(Channel& ch, Channel::Segment item) {
    const std::uint64_t size = item.bytes.size();
    Duration start = scheduler_.now();
    if (ch.link.bandwidth_bytes_per_second > 0) {
      start = std::max(start, ch.link_free_at);
      const unsigned __int128 ns =
          (static_cast<unsigned __int128>(size) * 1000000000u +
           ch.link.bandwidth_bytes_per_second - 1) /
          ch.link.bandwidth_bytes_per_second;
      ch.link_free_at = start + Duration(static_cast<std::int64_t>(ns));
      start = ch.link_free_at;
    }
    item.arrival =
        std::max(start + Duration(SampleLatency(ch)), ch.last_arrival);
    ch.last_arrival = item.arrival;
    ch.unread_bytes += size;
    FlowEvent(WriterOf(ch.direction), "segment in flight, bytes:", size,
              static_cast<std::uint64_t>(item.arrival.count()));
    ch.in_flight.push_back(std::move(item));
    // Arrivals never go backwards, so a pending delivery timer (for the
    // front segment) is still right; setting one per segment cost a
    // std::function and two map operations each.
    if (!ch.delivery_timer) ScheduleDelivery(ch);
  }

  void FlushHeld(Channel& ch) {
    if (!ch.held) return;
    Channel::Segment held = std::move(*ch.held);
    ch.held.reset();
    Place(ch, std::move(held));
  }

  void ScheduleDelivery(Channel& ch) {
    std::optional<Duration> next;
    if (!ch.in_flight.empty()) {
      next = ch.in_flight.front().arrival;
    } else if (ch.close_arrival && !ch.close_arrived) {
      next = *ch.close_arrival;
    }
    if (ch.delivery_timer) {
      scheduler_.Cancel(*ch.delivery_timer);
      ch.delivery_timer.reset();
    }
    if (!next) return;
    const Duration at = std::max(*next, ch.stall_until);
    Channel* target = &ch;
    ch.delivery_timer = scheduler_.At(at, [this, target] { Deliver(*target); });
  }

  void Deliver(Channel& ch) {
    ch.delivery_timer.reset();
    const Duration now = scheduler_.now();
    if (now < ch.stall_until) {
      ScheduleDelivery(ch);
      return;
    }
    bool delivered = false;
    while (!ch.in_flight.empty() && ch.in_flight.front().arrival <= now) {
      Channel::Segment item = std::move(ch.in_flight.front());
      ch.in_flight.pop_front();
      FlowEvent(ReaderOf(ch.direction),
                "segment arrived, bytes:", item.bytes.size());
      CheckObligation(WriterOf(ch.direction), item);
      ch.arrived.push_back(std::move(item.bytes));
      delivered = true;
    }
    if (ch.in_flight.empty() && ch.close_arrival && !ch.close_arrived &&
        *ch.close_arrival <= now) {
      ch.close_arrived = true;
      FlowEvent(ReaderOf(ch.direction), "close signal arrived", 0);
      ch.closers.WakeAll();
      delivered = true;
    }
    if (delivered) ch.readers.WakeAll();
    ScheduleDelivery(ch);
  }

  void CheckObligation(Endpoint writer, const Channel::Segment& item) {
    if (!options_.check_caller_obligations) return;
    auto it =
        obligations_.find(std::make_pair(Index(writer), item.write_number));
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

  std::optional<std::uint64_t> NextAfterBytes(Direction d) const {
    std::optional<std::uint64_t> next;
    for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
      const FaultRule& rule = options_.plan.faults[i];
      if (rule_fired_[i] || rule.direction != d ||
          rule.trigger.type != FaultTrigger::Type::kAfterBytes) {
        continue;
      }
      if (!next || rule.trigger.after_bytes < *next) {
        next = rule.trigger.after_bytes;
      }
    }
    return next;
  }

  void FireDueAfterBytes(Direction d) {
    const std::uint64_t sent = channel(d).sent_bytes;
    for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
      const FaultRule& rule = options_.plan.faults[i];
      if (!rule_fired_[i] && rule.direction == d &&
          rule.trigger.type == FaultTrigger::Type::kAfterBytes &&
          rule.trigger.after_bytes <= sent) {
        Fire(i);
      }
    }
  }

  // Network faults with a probability trigger: one draw per segment, fire
  // once.
  void FireByProbability(Direction d) {
    for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
      const FaultRule& rule = options_.plan.faults[i];
      if (rule_fired_[i] || rule.direction != d || BreaksContract(rule.kind) ||
          rule.trigger.type != FaultTrigger::Type::kProbability) {
        continue;
      }
      if (channel(d).random.Chance(rule.trigger.per_million, 1000000)) Fire(i);
    }
  }

  // Contract-breaking faults act on single segments: armed ones (by time or
  // bytes) on the next segment, probabilistic ones on each segment with
  // their chance.
  void ApplyBreakingFaults(Channel& ch, Buffer& segment) {
    for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
      const FaultRule& rule = options_.plan.faults[i];
      if (!BreaksContract(rule.kind) || rule.direction != ch.direction)
        continue;
      bool apply = false;
      if (rule.trigger.type == FaultTrigger::Type::kProbability) {
        apply = ch.random.Chance(rule.trigger.per_million, 1000000);
      } else if (rule_armed_[i]) {
        rule_armed_[i] = false;
        apply = true;
      }
      if (!apply || segment.empty()) continue;
      std::string what;
      switch (rule.kind) {
        case FaultKind::kCorrupt: {
          std::string bytes = segment.ToString();
          const std::size_t at = ch.random.Uniform(bytes.size());
          bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
          segment = Buffer::FromString(std::move(bytes));
          what = "corrupted byte " + std::to_string(at) + " of a " +
                 std::to_string(segment.size()) + "-byte segment";
          break;
        }
        case FaultKind::kDuplicate: {
          Channel::Segment copy{segment, Duration(0), 0};
          Place(ch, std::move(copy));
          what = "duplicated a " + std::to_string(segment.size()) +
                 "-byte segment";
          break;
        }
        case FaultKind::kReorder:
          ch.reorder_next = true;
          what = "holding a " + std::to_string(segment.size()) +
                 "-byte segment back behind the next one";
          break;
        case FaultKind::kTruncate: {
          const std::size_t keep = ch.random.Uniform(segment.size());
          what = "silently dropped " + std::to_string(segment.size() - keep) +
                 " of " + std::to_string(segment.size()) + " bytes";
          segment = segment.slice(0, keep);
          break;
        }
        case FaultKind::kReset:
        case FaultKind::kReadError:
        case FaultKind::kWriteError:
        case FaultKind::kStall:
        case FaultKind::kPartition:
        case FaultKind::kLoseClose:
        case FaultKind::kSlowClose:
        case FaultKind::kCut:
          FLOWCHECK_CHECK(false, "not a contract-breaking fault kind");
      }
      Announce(rule, {ReaderOf(rule.direction)},
               what + " (BREAKS THE CONTRACT)");
    }
  }

  // Records and announces that `rule` fired: a trace event, the
  // "fault.<kind>" counter, and one FaultFired for each endpoint in `told`,
  // in that order, with what the kind's row in kFaultKinds allows it (as the
  // reader or the writer of the rule's direction).
  void Announce(const FaultRule& rule, std::initializer_list<Endpoint> told,
                const std::string& what) {
    const std::string description = DescribeRule(rule) + " fired at " +
                                    FormatTime(scheduler_.now()) +
                                    (what.empty() ? "" : ": " + what);
    trace().Add(scheduler_.now(), TraceKind::kFault,
                static_cast<std::uint64_t>(rule.kind),
                static_cast<std::uint64_t>(Index(rule.direction)),
                trace().keeps_text() ? options_.name + " " + description
                                     : std::string());
    const FaultKindInfo& info = Info(rule.kind);
    trace().Count("fault." + std::string(info.name));
    for (const Endpoint endpoint : told) {
      FaultFired fired;
      fired.endpoint = endpoint;
      fired.kind = rule.kind;
      fired.description = description;
      fired.effects = endpoint == ReaderOf(rule.direction) ? info.on_reader
                                                           : info.on_writer;
      fired_.push_back(fired);
      if (options_.on_fault) options_.on_fault(fired);
    }
  }

  void WakeEverything() {
    for (Channel& ch : channels_) {
      ch.readers.WakeAll();
      ch.window.WakeAll();
      ch.closers.WakeAll();
    }
    for (WaitList& drain : drains_) drain.WakeAll();
  }

  // What each fault kind does when it fires: the state it changes and who
  // is told (Announce; what it allows them is data, in kFaultKinds).
  // Contract-breaking kinds act on segments, in ApplyBreakingFaults.
  void Fire(std::size_t index) {
    const FaultRule& rule = options_.plan.faults[index];
    if (rule_fired_[index]) return;
    rule_fired_[index] = true;
    Channel& ch = channel(rule.direction);
    const Endpoint writer = WriterOf(rule.direction);
    const Endpoint reader = ReaderOf(rule.direction);
    const std::string cause = options_.name + ": fault plan rule '" +
                              DescribeRule(rule) + "' fired at " +
                              FormatTime(scheduler_.now());
    switch (rule.kind) {
      case FaultKind::kReset:
        if (reset) return;
        reset = true;
        reset_cause = "connection reset: " + cause;
        for (Channel& c : channels_) {
          c.unread_bytes = 0;
          c.in_flight.clear();
          c.arrived.clear();
          c.held.reset();
        }
        Announce(rule, {Endpoint::kA, Endpoint::kB}, "");
        WakeEverything();
        return;
      case FaultKind::kReadError:
        ch.read_failed = true;
        ch.fault_cause = "read failed: " + cause;
        Announce(rule, {reader}, "");
        ch.readers.WakeAll();
        return;
      case FaultKind::kWriteError:
        ch.write_failed = true;
        ch.fault_cause = "write failed: " + cause;
        Announce(rule, {writer, reader}, "");
        ch.window.WakeAll();
        ch.readers.WakeAll();
        return;
      case FaultKind::kStall:
        ch.stall_until = std::max(
            ch.stall_until, scheduler_.now() + Duration(rule.duration_ns));
        Announce(rule, {reader},
                 "deliveries held until " + FormatTime(ch.stall_until));
        ScheduleDelivery(ch);
        return;
      case FaultKind::kPartition:
        ch.partitioned = true;
        for (const Channel::Segment& item : ch.in_flight) {
          ch.unread_bytes -= item.bytes.size();
        }
        ch.in_flight.clear();
        ch.held.reset();
        ch.close_arrival.reset();
        Announce(rule, {reader, writer}, "");
        ScheduleDelivery(ch);
        return;
      case FaultKind::kLoseClose:
        ch.close_lost = true;
        if (!ch.close_arrived) ch.close_arrival.reset();
        Announce(rule, {reader, writer}, "");
        ScheduleDelivery(ch);
        return;
      case FaultKind::kSlowClose:
        ch.extra_close_delay_ns += rule.duration_ns;
        if (ch.close_arrival && !ch.close_arrived) {
          *ch.close_arrival += Duration(rule.duration_ns);
          ScheduleDelivery(ch);
        }
        Announce(rule, {reader}, "");
        return;
      case FaultKind::kCut:
        ch.cut = true;
        ch.fault_cause = cause;
        Announce(rule, {reader, writer}, "");
        ch.window.WakeAll();
        ch.readers.WakeAll();
        return;
      case FaultKind::kCorrupt:
      case FaultKind::kDuplicate:
      case FaultKind::kReorder:
      case FaultKind::kTruncate:
        // Time and byte triggers arm it once; it acts on the next segment
        // (probabilistic ones draw per segment and never come here).
        rule_armed_[index] = true;
        return;
    }
  }

  Scheduler& scheduler_;
  ConnectionOptions options_;
  Channel channels_[2];
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

namespace {

class SimFlow : public Flow {
 public:
  SimFlow(std::shared_ptr<ConnectionState> state, Endpoint self)
      : state_(std::move(state)), self_(self) {}

  Task<ReadResult> read() override {
    ConnectionState& st = *state_;
    Channel& in = st.channel(Incoming(self_));
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
        Buffer data = st.TakeArrived(self_);
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

  Task<WriteResult> write(Buffer buffer) override {
    std::vector<Buffer> buffers;
    buffers.push_back(std::move(buffer));
    return Write(std::move(buffers));
  }

  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    return Write(std::move(buffers));
  }

  Task<void> close() override {
    ConnectionState& st = *state_;
    st.closed[Index(self_)] = true;
    st.FlowEvent(self_, "close", 0);
    // C1: bytes of writes still in progress go out before the close signal.
    while (st.writes_in_progress[Index(self_)] > 0 && !st.reset) {
      co_await st.drain(self_).Wait();
    }
    st.SendClose(Outgoing(self_));
    // C4: return once the peer's close has arrived here.
    Channel& in = st.channel(Incoming(self_));
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

  Task<WriteResult> Write(std::vector<Buffer> buffers) {
    ConnectionState& st = *state_;
    const std::uint64_t number = ++st.write_count[Index(self_)];
    if (st.closed[Index(self_)]) co_return WriteResult::Closed();
    if (auto error = st.WriteError(self_)) {
      co_return WriteResult::Failure(std::move(*error));
    }
    InProgress in_progress(st, self_);
    st.RecordWrite(self_, number, buffers);
    const Direction d = Outgoing(self_);
    Channel& out = st.channel(d);
    st.FlowEvent(self_, "write, bytes:", TotalSize(buffers), number);
    for (const Buffer& buffer : buffers) {
      std::uint64_t offset = 0;
      while (offset < buffer.size()) {
        std::uint64_t room = buffer.size() - offset;
        if (out.link.window_bytes > 0) {
          while (out.unread_bytes >= out.link.window_bytes) {
            if (auto error = st.WriteError(self_)) {
              co_return WriteResult::Failure(std::move(*error));
            }
            st.trace().Count("sim.window-waits");
            co_await out.window.Wait();
          }
          room = std::min(room, out.link.window_bytes - out.unread_bytes);
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
