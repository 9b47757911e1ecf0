#include "sim/internal/link.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace flowcheck::sim::internal {
namespace {

// A coalescing read copies bytes of several writes into one buffer, up to
// this many (a read of one write's bytes is never copied).
constexpr std::uint64_t kCoalesceCopyBytes = 64 * 1024;

}  // namespace

void FlowEvent(Scheduler& scheduler, std::string_view connection,
               Endpoint endpoint, std::string_view what, std::uint64_t a,
               std::uint64_t b) {
  Trace& trace = scheduler.trace();
  trace.Add(scheduler.now(), TraceKind::kFlow,
            static_cast<std::uint64_t>(Index(endpoint)) << 32 | a, b,
            trace.keeps_text()
                ? std::string(connection) + " " + EndpointName(endpoint) + " " +
                      std::string(what) + " " + std::to_string(a)
                : std::string());
}

Link::Link(Scheduler& scheduler, std::string_view connection,
           Direction direction, const LinkOptions& options, Random stream)
    : direction(direction),
      options(options),
      random(stream),
      // The names are literals (WaitList::Literal: not copied), one per
      // direction.
      readers(scheduler,
              direction == Direction::kAtoB
                  ? WaitList::Literal("read on B: nothing readable")
                  : WaitList::Literal("read on A: nothing readable")),
      window(scheduler,
             direction == Direction::kAtoB
                 ? WaitList::Literal(
                       "write on A: send window full, peer not reading")
                 : WaitList::Literal(
                       "write on B: send window full, peer not reading")),
      closers(
          scheduler,
          direction == Direction::kAtoB
              ? WaitList::Literal("close on B: waiting for the peer's close")
              : WaitList::Literal("close on A: waiting for the peer's close")),
      scheduler_(scheduler),
      connection_(connection) {}

Link::~Link() {
  if (delivery_timer) scheduler_.Cancel(*delivery_timer);
}

void Link::Enqueue(Buffer segment, std::uint64_t write_number) {
  if (partitioned) {
    scheduler_.trace().Count("sim.bytes-lost-to-partition", segment.size());
    return;
  }
  if (segment.empty()) return;
  Segment item{std::move(segment), Duration(0), write_number};
  if (reorder_next) {
    reorder_next = false;
    if (!held) {
      held = std::move(item);
      return;
    }
  }
  Place(std::move(item));
  if (held) {
    Segment held_back = std::move(*held);
    held.reset();
    Place(std::move(held_back));
  }
}

void Link::Place(Segment item) {
  const std::uint64_t size = item.bytes.size();
  Duration start = scheduler_.now();
  if (options.bandwidth_bytes_per_second > 0) {
    start = std::max(start, link_free_at);
    const unsigned __int128 ns =
        (static_cast<unsigned __int128>(size) * 1000000000u +
         options.bandwidth_bytes_per_second - 1) /
        options.bandwidth_bytes_per_second;
    const unsigned __int128 longest = static_cast<unsigned __int128>(INT64_MAX);
    link_free_at = AddSaturating(
        start,
        Duration(static_cast<std::int64_t>(ns < longest ? ns : longest)));
    start = link_free_at;
  }
  item.arrival =
      std::max(AddSaturating(start, Duration(SampleLatency())), last_arrival);
  last_arrival = item.arrival;
  unread_bytes += size;
  FlowEvent(scheduler_, connection_, WriterOf(direction),
            "segment in flight, bytes:", size,
            static_cast<std::uint64_t>(item.arrival.count()));
  in_flight.push_back(std::move(item));
  // Arrivals never go backwards, so a pending delivery timer (for the
  // front segment) is still right; setting one per segment cost a
  // std::function and two map operations each.
  if (!delivery_timer) ScheduleDelivery();
}

void Link::SendClose() {
  if (close_sent) return;
  close_sent = true;
  FlushHeld();
  if (partitioned || close_lost) {
    scheduler_.trace().Count("sim.close-signals-lost");
    return;
  }
  const Duration start = std::max(scheduler_.now(), last_arrival);
  close_arrival = AddSaturating(
      AddSaturating(AddSaturating(start, Duration(SampleLatency())),
                    Duration(options.close_delay_ns)),
      Duration(extra_close_delay_ns));
  ScheduleDelivery();
}

Buffer Link::TakeArrived() {
  const std::uint64_t limit =
      options.read_bytes_max > 0 ? options.read_bytes_max : UINT64_MAX;
  std::uint64_t taken = 0;
  // Takes up to `room` bytes of the front arrived buffer.
  auto take = [this, &taken](std::uint64_t room) {
    Buffer& front = arrived.front();
    Buffer piece;
    if (front.size() > room) {
      piece = front.slice(0, room);
      front = front.slice(room);
    } else {
      piece = std::move(front);
      arrived.pop_front();
    }
    taken += piece.size();
    return piece;
  };
  // Without coalescing: one segment. With it, first a zero-copy run: the
  // front buffer and its neighbours in the same storage (segments of one
  // write).
  Buffer run = take(limit);
  while (options.coalesce && !arrived.empty() && taken < limit) {
    auto joined = run.JoinAdjacent(arrived.front().slice(
        0, std::min<std::uint64_t>(arrived.front().size(), limit - taken)));
    if (!joined) break;
    take(limit - taken);
    run = std::move(*joined);
  }
  // Then, when coalescing, bytes of later writes, copied into one buffer
  // -- at most kCoalesceCopyBytes in all, so a read never copies much.
  const std::uint64_t copy_limit = std::min(limit, kCoalesceCopyBytes);
  if (options.coalesce && !arrived.empty() && taken < copy_limit) {
    std::vector<Buffer> pieces;
    pieces.push_back(std::move(run));
    while (!arrived.empty() && taken < copy_limit) {
      pieces.push_back(take(copy_limit - taken));
    }
    run = Concat(pieces);
    scheduler_.trace().Count("sim.copied-reads");
  }
  unread_bytes -= taken;
  window.WakeAll();
  return run;
}

void Link::ScheduleDelivery() {
  std::optional<Duration> next;
  if (!in_flight.empty()) {
    next = in_flight.front().arrival;
  } else if (close_arrival && !close_arrived) {
    next = *close_arrival;
  }
  if (delivery_timer) {
    scheduler_.Cancel(*delivery_timer);
    delivery_timer.reset();
  }
  if (!next) return;
  const Duration at = std::max(*next, stall_until);
  delivery_timer = scheduler_.At(at, [this] { Deliver(); });
}

std::int64_t Link::SampleLatency() {
  std::int64_t latency = options.latency_ns_min;
  switch (options.latency_shape) {
    case LatencyShape::kFixed:
      break;
    case LatencyShape::kUniform:
      latency = static_cast<std::int64_t>(
          random.Between(static_cast<std::uint64_t>(options.latency_ns_min),
                         static_cast<std::uint64_t>(options.latency_ns_max)));
      break;
    case LatencyShape::kExponential: {
      const std::uint64_t draw = random.Exponential(static_cast<std::uint64_t>(
          std::max<std::int64_t>(0, options.latency_ns_mean)));
      latency = AddSaturating(Duration(latency),
                              Duration(static_cast<std::int64_t>(
                                  std::min<std::uint64_t>(draw, INT64_MAX))))
                    .count();
      break;
    }
  }
  if (options.tail_per_million > 0 &&
      random.Chance(options.tail_per_million, 1000000)) {
    latency =
        AddSaturating(Duration(latency), Duration(options.tail_latency_ns))
            .count();
    scheduler_.trace().Count("sim.tail-latencies");
  }
  return latency;
}

void Link::WakeAll() {
  readers.WakeAll();
  window.WakeAll();
  closers.WakeAll();
}

void Link::Deliver() {
  delivery_timer.reset();
  const Duration now = scheduler_.now();
  if (now < stall_until) {
    ScheduleDelivery();
    return;
  }
  bool delivered = false;
  while (!in_flight.empty() && in_flight.front().arrival <= now) {
    Segment item = std::move(in_flight.front());
    in_flight.pop_front();
    FlowEvent(scheduler_, connection_, ReaderOf(direction),
              "segment arrived, bytes:", item.bytes.size());
    if (on_delivered) on_delivered(item);
    arrived.push_back(std::move(item.bytes));
    delivered = true;
  }
  if (in_flight.empty() && close_arrival && !close_arrived &&
      *close_arrival <= now) {
    close_arrived = true;
    FlowEvent(scheduler_, connection_, ReaderOf(direction),
              "close signal arrived", 0);
    closers.WakeAll();
    delivered = true;
  }
  if (delivered) readers.WakeAll();
  ScheduleDelivery();
}

void Link::FlushHeld() {
  if (!held) return;
  Segment held_back = std::move(*held);
  held.reset();
  Place(std::move(held_back));
}

}  // namespace flowcheck::sim::internal
