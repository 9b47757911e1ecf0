#include "sim/fault_plan.h"

namespace flowcheck::sim {

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kAtoB ? "a>b" : "b>a";
}

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kReset:
      return "reset";
    case FaultKind::kReadError:
      return "read-error";
    case FaultKind::kWriteError:
      return "write-error";
    case FaultKind::kStall:
      return "stall";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kLoseClose:
      return "lose-close";
    case FaultKind::kSlowClose:
      return "slow-close";
    case FaultKind::kCut:
      return "cut";
    case FaultKind::kCorrupt:
      return "corrupt";
    case FaultKind::kDuplicate:
      return "duplicate";
    case FaultKind::kReorder:
      return "reorder";
    case FaultKind::kTruncate:
      return "truncate";
  }
  return "?";
}

bool BreaksContract(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCorrupt:
    case FaultKind::kDuplicate:
    case FaultKind::kReorder:
    case FaultKind::kTruncate:
      return true;
    default:
      return false;
  }
}

bool KeepsContract(FaultKind kind) {
  return kind == FaultKind::kStall || kind == FaultKind::kSlowClose;
}

bool FaultPlan::breaks_contract() const {
  for (const FaultRule& rule : faults) {
    if (BreaksContract(rule.kind)) return true;
  }
  return false;
}

namespace {

std::string DebugFields(const LinkOptions& link) {
  return "shape=" + std::to_string(static_cast<int>(link.latency_shape)) +
         " min=" + std::to_string(link.latency_ns_min) +
         " max=" + std::to_string(link.latency_ns_max) +
         " mean=" + std::to_string(link.latency_ns_mean) +
         " tail=" + std::to_string(link.tail_per_million) + ":" +
         std::to_string(link.tail_latency_ns) +
         " bandwidth=" + std::to_string(link.bandwidth_bytes_per_second) +
         " split=" + std::to_string(link.segment_bytes_min) + ".." +
         std::to_string(link.segment_bytes_max) +
         " coalesce=" + std::to_string(link.coalesce) +
         " read_max=" + std::to_string(link.read_bytes_max) +
         " window=" + std::to_string(link.window_bytes) +
         " close_delay=" + std::to_string(link.close_delay_ns);
}

}  // namespace

std::string DebugFields(const FaultPlan& plan) {
  std::string out = "a>b: " + DebugFields(plan.a_to_b) +
                    "\nb>a: " + DebugFields(plan.b_to_a) + "\n";
  for (const FaultRule& rule : plan.faults) {
    out += "fault kind=" + std::to_string(static_cast<int>(rule.kind)) +
           " dir=" + std::to_string(static_cast<int>(rule.direction)) +
           " trigger=" + std::to_string(static_cast<int>(rule.trigger.type)) +
           " at=" + std::to_string(rule.trigger.at_ns) +
           " after=" + std::to_string(rule.trigger.after_bytes) +
           " p=" + std::to_string(rule.trigger.per_million) +
           " duration=" + std::to_string(rule.duration_ns) + "\n";
  }
  return out;
}

namespace {

constexpr std::int64_t kMicro = 1000;
constexpr std::int64_t kMilli = 1000 * kMicro;

LinkOptions SwarmLink(Random& random) {
  LinkOptions link;
  switch (random.Uniform(4)) {
    case 0:
      break;  // ideal
    case 1:
      link.latency_shape = LatencyShape::kFixed;
      link.latency_ns_min =
          static_cast<std::int64_t>(random.Between(1, 5000)) * kMicro;
      break;
    case 2:
      link.latency_shape = LatencyShape::kUniform;
      link.latency_ns_min =
          static_cast<std::int64_t>(random.Uniform(1000)) * kMicro;
      link.latency_ns_max =
          link.latency_ns_min +
          static_cast<std::int64_t>(random.Between(1, 10000)) * kMicro;
      break;
    case 3:
      link.latency_shape = LatencyShape::kExponential;
      link.latency_ns_min =
          static_cast<std::int64_t>(random.Uniform(500)) * kMicro;
      link.latency_ns_mean =
          static_cast<std::int64_t>(random.Between(1, 5000)) * kMicro;
      break;
  }
  if (random.Chance(1, 4)) {
    link.tail_per_million =
        static_cast<std::uint32_t>(random.Between(1, 20000));
    link.tail_latency_ns =
        static_cast<std::int64_t>(random.Between(10, 500)) * kMilli;
  }
  if (random.Chance(1, 4)) {
    link.bandwidth_bytes_per_second =
        random.Between(64 * 1024, 1024 * 1024 * 1024);
  }
  if (random.Chance(1, 2)) {
    link.segment_bytes_min = random.Between(1, 64);
    link.segment_bytes_max = link.segment_bytes_min + random.Uniform(4096);
  }
  link.coalesce = random.Chance(2, 3);
  if (random.Chance(1, 3)) link.read_bytes_max = random.Between(1, 8192);
  if (random.Chance(1, 2)) link.window_bytes = random.Between(1, 256 * 1024);
  if (random.Chance(1, 4)) {
    link.close_delay_ns =
        static_cast<std::int64_t>(random.Between(1, 100)) * kMilli;
  }
  return link;
}

FaultTrigger SwarmTrigger(Random& random) {
  FaultTrigger trigger;
  switch (random.Uniform(3)) {
    case 0:
      trigger.type = FaultTrigger::Type::kAtTime;
      trigger.at_ns = static_cast<std::int64_t>(random.Uniform(2000)) * kMilli;
      break;
    case 1:
      trigger.type = FaultTrigger::Type::kAfterBytes;
      trigger.after_bytes = random.Uniform(1 << 20);
      break;
    default:
      trigger.type = FaultTrigger::Type::kProbability;
      trigger.per_million =
          static_cast<std::uint32_t>(random.Between(1, 50000));
      break;
  }
  return trigger;
}

}  // namespace

FaultPlan SwarmPlan(Random& random, bool contract_keeping_only) {
  FaultPlan plan;
  plan.a_to_b = SwarmLink(random);
  plan.b_to_a = random.Chance(1, 2) ? plan.a_to_b : SwarmLink(random);
  const std::uint64_t count = random.Uniform(4);
  for (std::uint64_t i = 0; i < count; ++i) {
    FaultRule rule;
    if (contract_keeping_only) {
      rule.kind =
          random.Chance(1, 2) ? FaultKind::kStall : FaultKind::kSlowClose;
    } else {
      static constexpr FaultKind kNetworkFaults[] = {
          FaultKind::kReset,     FaultKind::kReadError, FaultKind::kWriteError,
          FaultKind::kStall,     FaultKind::kPartition, FaultKind::kLoseClose,
          FaultKind::kSlowClose, FaultKind::kCut};
      rule.kind = kNetworkFaults[random.Uniform(std::size(kNetworkFaults))];
    }
    rule.direction = random.Chance(1, 2) ? Direction::kAtoB : Direction::kBtoA;
    rule.trigger = SwarmTrigger(random);
    if (rule.kind == FaultKind::kStall || rule.kind == FaultKind::kSlowClose) {
      rule.duration_ns =
          static_cast<std::int64_t>(random.Between(1, 500)) * kMilli;
    }
    plan.faults.push_back(rule);
  }
  return plan;
}

}  // namespace flowcheck::sim
