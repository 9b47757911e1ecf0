#include "sim/fault_plan.h"

#include <algorithm>
#include <array>
#include <span>

#include "flow/check.h"

namespace flowcheck::sim {

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kAtoB ? "a>b" : "b>a";
}

namespace {

// kFaultKinds is indexed by FaultKind: row i describes FaultKind(i).
constexpr bool RowsInEnumeratorOrder() {
  for (std::size_t i = 0; i < kFaultKinds.size(); ++i) {
    if (kFaultKinds[i].kind != static_cast<FaultKind>(i)) return false;
  }
  return true;
}
static_assert(RowsInEnumeratorOrder(),
              "kFaultKinds: row i must describe FaultKind(i)");

// A kind keeps, relaxes or breaks the contract: exactly one of the three.
constexpr bool OneContractClassPerRow() {
  for (const FaultKindInfo& info : kFaultKinds) {
    const bool relaxes =
        info.on_reader.relaxes_anything() || info.on_writer.relaxes_anything();
    if (info.keeps_contract + info.breaks_contract + relaxes != 1) return false;
    if (info.breaks_contract && info.network_fault) return false;
  }
  return true;
}
static_assert(OneContractClassPerRow(),
              "kFaultKinds: each kind keeps the contract, relaxes it (sets "
              "on_reader or on_writer) or breaks it, exactly one of them; "
              "network faults never break it");

}  // namespace

const FaultKindInfo& Info(FaultKind kind) {
  FLOWCHECK_CHECK(IsNamedKind(kind), "Info() of a FaultKind that has no name");
  return kFaultKinds[static_cast<std::size_t>(kind)];
}

std::string_view FaultKindName(FaultKind kind) {
  return IsNamedKind(kind) ? Info(kind).name : "?";
}

bool BreaksContract(FaultKind kind) {
  return IsNamedKind(kind) && Info(kind).breaks_contract;
}

bool KeepsContract(FaultKind kind) {
  return IsNamedKind(kind) && Info(kind).keeps_contract;
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

// The kinds of kFaultKinds whose row satisfies `pick`, in table order.
template <bool (*pick)(const FaultKindInfo&)>
constexpr auto KindsWhere() {
  constexpr std::size_t kCount = static_cast<std::size_t>(
      std::count_if(kFaultKinds.begin(), kFaultKinds.end(), pick));
  std::array<FaultKind, kCount> kinds{};
  std::size_t next = 0;
  for (const FaultKindInfo& info : kFaultKinds) {
    if (pick(info)) kinds[next++] = info.kind;
  }
  return kinds;
}
constexpr bool IsNetworkFault(const FaultKindInfo& info) {
  return info.network_fault;
}
constexpr bool IsTimingOnly(const FaultKindInfo& info) {
  return info.keeps_contract;
}
// What SwarmPlan draws from, by the index it draws: with and without
// contract_keeping_only.
constexpr auto kSwarmNetworkFaults = KindsWhere<&IsNetworkFault>();
constexpr auto kSwarmTimingFaults = KindsWhere<&IsTimingOnly>();

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
    const std::span<const FaultKind> kinds =
        contract_keeping_only ? std::span<const FaultKind>(kSwarmTimingFaults)
                              : std::span<const FaultKind>(kSwarmNetworkFaults);
    rule.kind = kinds[random.Uniform(kinds.size())];
    rule.direction = random.Chance(1, 2) ? Direction::kAtoB : Direction::kBtoA;
    rule.trigger = SwarmTrigger(random);
    if (Info(rule.kind).needs_duration) {
      rule.duration_ns =
          static_cast<std::int64_t>(random.Between(1, 500)) * kMilli;
    }
    plan.faults.push_back(rule);
  }
  return plan;
}

}  // namespace flowcheck::sim
