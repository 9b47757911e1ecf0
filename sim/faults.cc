// Fault injection: when the plan's rules fire (their triggers), what each
// kind does to the connection when it fires, and who is told what it
// allows (its row in kFaultKinds). Adding a fault kind: docs/fault-plans.md.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "flow/check.h"
#include "sim/internal/connection_state.h"

namespace flowcheck::sim {

using internal::Index;
using internal::ReaderOf;
using internal::WriterOf;

namespace {

// "stall a>b at 0.002000000s": the rule, for descriptions and causes.
// Appends to `out` (a fault fires rarely, but every run of a fuzzer may
// fire some: one string grown in place, not a chain of temporaries).
void AppendRule(std::string& out, const FaultRule& rule) {
  out += FaultKindName(rule.kind);
  out += ' ';
  out += DirectionName(rule.direction);
  switch (rule.trigger.type) {
    case FaultTrigger::Type::kAtTime:
      out += " at ";
      out += FormatTime(Duration(rule.trigger.at_ns));
      break;
    case FaultTrigger::Type::kAfterBytes:
      out += " after ";
      out += std::to_string(rule.trigger.after_bytes);
      out += " bytes";
      break;
    case FaultTrigger::Type::kProbability:
      out += " with probability ";
      out += std::to_string(rule.trigger.per_million);
      out += "ppm per segment";
      break;
  }
}

// "fault.<kind>", the trace counter of the kind's fired faults: built once
// per process, not at every fault.
std::string_view FaultCounterName(FaultKind kind) {
  static const auto* const names = [] {
    auto* all = new std::array<std::string, kFaultKinds.size()>;
    for (std::size_t i = 0; i < kFaultKinds.size(); ++i) {
      (*all)[i] = "fault." + std::string(kFaultKinds[i].name);
    }
    return all;
  }();
  return (*names)[static_cast<std::size_t>(kind)];
}

}  // namespace

void ConnectionState::ArmTimers() {
  for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
    const FaultRule& rule = options_.plan.faults[i];
    if (rule.trigger.type == FaultTrigger::Type::kAtTime) {
      timers_.push_back(
          scheduler_.At(Duration(rule.trigger.at_ns), [this, i] { Fire(i); }));
    }
  }
}

void ConnectionState::InjectFault(const FaultRule& rule) {
  options_.plan.faults.push_back(rule);
  rule_fired_.push_back(false);
  rule_armed_.push_back(false);
  // Its own trigger must not fire it again later.
  options_.plan.faults.back().trigger.type = FaultTrigger::Type::kAtTime;
  Fire(options_.plan.faults.size() - 1);
}

// The write path, segment by segment, with the triggers its bytes pull.
bool ConnectionState::Send(Direction d, Buffer chunk,
                           std::uint64_t write_number) {
  internal::Link& ch = link(d);
  // Without rules no trigger can fire: the per-segment checks are skipped
  // (they would find nothing), which keeps a long write cheap.
  const bool has_rules = !options_.plan.faults.empty();
  while (!chunk.empty()) {
    if (has_rules) FireDueAfterBytes(d);
    if (reset || ch.write_failed || ch.cut) return false;
    std::uint64_t size = chunk.size();
    if (ch.options.segment_bytes_max > 0) {
      size = std::min<std::uint64_t>(
          size, ch.random.Between(ch.options.segment_bytes_min,
                                  ch.options.segment_bytes_max));
    }
    if (has_rules) {
      if (const auto threshold = NextAfterBytes(d)) {
        if (*threshold > ch.sent_bytes && *threshold < ch.sent_bytes + size) {
          size = *threshold - ch.sent_bytes;
        }
      }
    }
    if (size < chunk.size()) ++*split_segments_;
    Buffer segment = chunk.slice(0, size);
    chunk = chunk.slice(size);
    ch.sent_bytes += size;
    ++*segments_;
    if (has_rules) ApplyBreakingFaults(ch, segment);
    ch.Enqueue(std::move(segment), write_number);
    if (has_rules) {
      FireDueAfterBytes(d);
      FireByProbability(d);
    }
  }
  // Every byte went out; a fault that fired on the last one stops later
  // writes, not this one.
  return true;
}

std::optional<std::uint64_t> ConnectionState::NextAfterBytes(
    Direction d) const {
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

void ConnectionState::FireDueAfterBytes(Direction d) {
  const std::uint64_t sent = link(d).sent_bytes;
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
void ConnectionState::FireByProbability(Direction d) {
  for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
    const FaultRule& rule = options_.plan.faults[i];
    if (rule_fired_[i] || rule.direction != d || BreaksContract(rule.kind) ||
        rule.trigger.type != FaultTrigger::Type::kProbability) {
      continue;
    }
    if (link(d).random.Chance(rule.trigger.per_million, 1000000)) Fire(i);
  }
}

// Contract-breaking faults act on single segments: armed ones (by time or
// bytes) on the next segment, probabilistic ones on each segment with
// their chance.
void ConnectionState::ApplyBreakingFaults(internal::Link& ch, Buffer& segment) {
  for (std::size_t i = 0; i < options_.plan.faults.size(); ++i) {
    const FaultRule& rule = options_.plan.faults[i];
    if (!BreaksContract(rule.kind) || rule.direction != ch.direction) continue;
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
        ch.Place(internal::Link::Segment{segment, Duration(0), 0});
        what =
            "duplicated a " + std::to_string(segment.size()) + "-byte segment";
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
    Announce(rule, {ReaderOf(rule.direction)}, what + " (BREAKS THE CONTRACT)");
  }
}

// Records and announces that `rule` fired: a trace event, the
// "fault.<kind>" counter, and one FaultFired for each endpoint in `told`,
// in that order, with what the kind's row in kFaultKinds allows it (as the
// reader or the writer of the rule's direction).
void ConnectionState::Announce(const FaultRule& rule,
                               std::initializer_list<Endpoint> told,
                               std::string_view what) {
  std::string description;
  description.reserve(96);
  AppendRule(description, rule);
  description += " fired at ";
  description += FormatTime(scheduler_.now());
  if (!what.empty()) {
    description += ": ";
    description += what;
  }
  trace().Add(
      scheduler_.now(), TraceKind::kFault,
      static_cast<std::uint64_t>(rule.kind),
      static_cast<std::uint64_t>(Index(rule.direction)),
      trace().keeps_text() ? options_.name + " " + description : std::string());
  const FaultKindInfo& info = Info(rule.kind);
  trace().Count(FaultCounterName(rule.kind));
  std::size_t left = told.size();
  for (const Endpoint endpoint : told) {
    FaultFired fired;
    fired.endpoint = endpoint;
    fired.kind = rule.kind;
    // The last one told takes the description over.
    fired.description = --left == 0 ? std::move(description) : description;
    fired.effects =
        endpoint == ReaderOf(rule.direction) ? info.on_reader : info.on_writer;
    fired_.push_back(fired);
    // The callback gets its own copy: one that made the connection
    // announce again would grow fired_ under a reference into it.
    if (options_.on_fault) options_.on_fault(fired);
  }
}

// What each fault kind does when it fires: the state it changes and who
// is told (Announce; what it allows them is data, in kFaultKinds).
// Contract-breaking kinds act on segments, in ApplyBreakingFaults.
void ConnectionState::Fire(std::size_t index) {
  const FaultRule& rule = options_.plan.faults[index];
  if (rule_fired_[index]) return;
  rule_fired_[index] = true;
  internal::Link& ch = link(rule.direction);
  const Endpoint writer = WriterOf(rule.direction);
  const Endpoint reader = ReaderOf(rule.direction);
  // Why operations fail from now on, for the kinds that fail them:
  // "<connection>: fault plan rule 'reset a>b at 0.010000000s' fired at
  // 0.010000000s", after `prefix`.
  const auto cause = [&](std::string_view prefix) {
    std::string out(prefix);
    out += options_.name;
    out += ": fault plan rule '";
    AppendRule(out, rule);
    out += "' fired at ";
    out += FormatTime(scheduler_.now());
    return out;
  };
  switch (rule.kind) {
    case FaultKind::kReset:
      if (reset) return;
      reset = true;
      reset_cause = cause("connection reset: ");
      for (internal::Link& c : links_) {
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
      ch.fault_cause = cause("read failed: ");
      Announce(rule, {reader, WriterOf(rule.direction)}, "");
      ch.readers.WakeAll();
      return;
    case FaultKind::kWriteError:
      ch.write_failed = true;
      ch.fault_cause = cause("write failed: ");
      Announce(rule, {writer, reader}, "");
      ch.window.WakeAll();
      ch.readers.WakeAll();
      return;
    case FaultKind::kStall:
      ch.stall_until =
          std::max(ch.stall_until,
                   AddSaturating(scheduler_.now(), Duration(rule.duration_ns)));
      Announce(rule, {reader},
               "deliveries held until " + FormatTime(ch.stall_until));
      ch.ScheduleDelivery();
      return;
    case FaultKind::kPartition:
      ch.partitioned = true;
      for (std::size_t i = 0; i < ch.in_flight.size(); ++i) {
        ch.unread_bytes -= ch.in_flight[i].bytes.size();
      }
      ch.in_flight.clear();
      ch.held.reset();
      ch.close_arrival.reset();
      Announce(rule, {reader, writer}, "");
      ch.ScheduleDelivery();
      return;
    case FaultKind::kLoseClose:
      ch.close_lost = true;
      if (!ch.close_arrived) ch.close_arrival.reset();
      Announce(rule, {reader, writer}, "");
      ch.ScheduleDelivery();
      return;
    case FaultKind::kSlowClose:
      ch.extra_close_delay_ns = AddSaturating(Duration(ch.extra_close_delay_ns),
                                              Duration(rule.duration_ns))
                                    .count();
      if (ch.close_arrival && !ch.close_arrived) {
        *ch.close_arrival =
            AddSaturating(*ch.close_arrival, Duration(rule.duration_ns));
        ch.ScheduleDelivery();
      }
      Announce(rule, {reader}, "");
      return;
    case FaultKind::kCut:
      ch.cut = true;
      ch.fault_cause = cause("");
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

void ConnectionState::WakeEverything() {
  for (internal::Link& link : links_) link.WakeAll();
  for (WaitList& drain : drains_) drain.WakeAll();
}

}  // namespace flowcheck::sim
