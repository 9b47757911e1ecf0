#include "sim/fault_plan.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>
#include <vector>

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

std::string DurationKindNames() {
  std::vector<std::string_view> names;
  for (const FaultKindInfo& info : kFaultKinds) {
    if (info.needs_duration) names.push_back(info.name);
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
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

constexpr std::uint32_t kMillion = 1000000;

std::optional<std::string> ValidateLink(const LinkOptions& link,
                                        std::string_view direction) {
  const std::string prefix = std::string(direction) + ": ";
  const auto negative = [&](std::string_view field,
                            std::int64_t value) -> std::optional<std::string> {
    if (value >= 0) return std::nullopt;
    return prefix + std::string(field) + " is " + std::to_string(value) +
           ", but durations cannot be negative";
  };
  for (const auto& [field, value] : {std::pair<std::string_view, std::int64_t>{
                                         "latency_ns_min", link.latency_ns_min},
                                     {"latency_ns_max", link.latency_ns_max},
                                     {"latency_ns_mean", link.latency_ns_mean},
                                     {"tail_latency_ns", link.tail_latency_ns},
                                     {"close_delay_ns", link.close_delay_ns}}) {
    if (auto problem = negative(field, value)) return problem;
  }
  switch (link.latency_shape) {
    case LatencyShape::kFixed:
      if (link.latency_ns_max != 0 || link.latency_ns_mean != 0) {
        return prefix + "latency_ns_max is " +
               std::to_string(link.latency_ns_max) +
               " and latency_ns_mean is " +
               std::to_string(link.latency_ns_mean) +
               " but the latency shape is fixed (it uses latency_ns_min only)";
      }
      break;
    case LatencyShape::kUniform:
      if (link.latency_ns_mean != 0) {
        return prefix + "latency_ns_mean is " +
               std::to_string(link.latency_ns_mean) +
               " but the latency shape is uniform (only an exponential "
               "latency uses latency_ns_mean)";
      }
      if (link.latency_ns_min > link.latency_ns_max) {
        return prefix + "uniform latency with latency_ns_min " +
               std::to_string(link.latency_ns_min) + " above latency_ns_max " +
               std::to_string(link.latency_ns_max);
      }
      break;
    case LatencyShape::kExponential:
      if (link.latency_ns_max != 0) {
        return prefix + "latency_ns_max is " +
               std::to_string(link.latency_ns_max) +
               " but the latency shape is exponential (only a uniform latency "
               "uses latency_ns_max)";
      }
      break;
    default:
      return prefix + "latency_shape holds " +
             std::to_string(static_cast<int>(link.latency_shape)) +
             ", not one of kFixed, kUniform, kExponential";
  }
  if (link.tail_per_million > kMillion) {
    return prefix + "tail_per_million is " +
           std::to_string(link.tail_per_million) + ", above 1000000 (100%)";
  }
  const bool no_split =
      link.segment_bytes_min == 0 && link.segment_bytes_max == 0;
  if (!no_split && (link.segment_bytes_min == 0 ||
                    link.segment_bytes_min > link.segment_bytes_max)) {
    return prefix + "segment_bytes_min..segment_bytes_max is " +
           std::to_string(link.segment_bytes_min) + ".." +
           std::to_string(link.segment_bytes_max) +
           "; expected 0..0 (no splitting) or 1 <= min <= max";
  }
  return std::nullopt;
}

std::optional<std::string> ValidateRule(const FaultRule& rule,
                                        std::size_t index) {
  // "fault 2 (stall) ", built only for a problem: every simulated
  // connection validates its plan.
  const auto head = [&] { return "fault " + std::to_string(index + 1) + " "; };
  if (!IsNamedKind(rule.kind)) {
    return head() + "has kind " + std::to_string(static_cast<int>(rule.kind)) +
           ", not a named FaultKind";
  }
  const auto prefix = [&] {
    return head() + "(" + std::string(FaultKindName(rule.kind)) + ") ";
  };
  if (rule.direction != Direction::kAtoB &&
      rule.direction != Direction::kBtoA) {
    return prefix() + "has direction " +
           std::to_string(static_cast<int>(rule.direction)) +
           ", neither kAtoB nor kBtoA";
  }
  const FaultTrigger& trigger = rule.trigger;
  switch (trigger.type) {
    case FaultTrigger::Type::kAtTime:
      if (trigger.at_ns < 0) {
        return prefix() + "fires at_ns " + std::to_string(trigger.at_ns) +
               ", but times cannot be negative";
      }
      if (trigger.after_bytes != 0 || trigger.per_million != 0) {
        return prefix() +
               "is triggered at a time but sets after_bytes or per_million";
      }
      break;
    case FaultTrigger::Type::kAfterBytes:
      if (trigger.at_ns != 0 || trigger.per_million != 0) {
        return prefix() +
               "is triggered after bytes but sets at_ns or per_million";
      }
      break;
    case FaultTrigger::Type::kProbability:
      if (trigger.per_million > kMillion) {
        return prefix() + "has per_million " +
               std::to_string(trigger.per_million) + ", above 1000000 (100%)";
      }
      if (trigger.at_ns != 0 || trigger.after_bytes != 0) {
        return prefix() +
               "is triggered by probability but sets at_ns or after_bytes";
      }
      break;
    default:
      return prefix() + "has trigger type " +
             std::to_string(static_cast<int>(trigger.type)) +
             ", not a named FaultTrigger::Type";
  }
  if (Info(rule.kind).needs_duration) {
    if (rule.duration_ns < 0) {
      return prefix() + "has duration_ns " + std::to_string(rule.duration_ns) +
             ", but durations cannot be negative";
    }
  } else if (rule.duration_ns != 0) {
    return prefix() + "has duration_ns " + std::to_string(rule.duration_ns) +
           ", but only " + DurationKindNames() + " take a duration";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ValidateFaultPlan(const FaultPlan& plan) {
  if (auto problem = ValidateLink(plan.a_to_b, "a>b")) return problem;
  if (auto problem = ValidateLink(plan.b_to_a, "b>a")) return problem;
  for (std::size_t i = 0; i < plan.faults.size(); ++i) {
    if (auto problem = ValidateRule(plan.faults[i], i)) return problem;
  }
  return std::nullopt;
}

namespace {

// Each step makes valid what ValidateLink rejects, in its order.
void ClampLink(LinkOptions& link) {
  for (std::int64_t* duration :
       {&link.latency_ns_min, &link.latency_ns_max, &link.latency_ns_mean,
        &link.tail_latency_ns, &link.close_delay_ns}) {
    if (*duration < 0) *duration = 0;
  }
  switch (link.latency_shape) {
    case LatencyShape::kFixed:
      link.latency_ns_max = 0;
      link.latency_ns_mean = 0;
      break;
    case LatencyShape::kUniform:
      link.latency_ns_mean = 0;
      if (link.latency_ns_max < link.latency_ns_min) {
        link.latency_ns_max = link.latency_ns_min;
      }
      break;
    case LatencyShape::kExponential:
      link.latency_ns_max = 0;
      break;
    default:  // not a named shape: the connection samples it as fixed
      link.latency_shape = LatencyShape::kFixed;
      link.latency_ns_max = 0;
      link.latency_ns_mean = 0;
      break;
  }
  if (link.tail_per_million > kMillion) link.tail_per_million = kMillion;
  if (link.segment_bytes_max > 0 && link.segment_bytes_min == 0) {
    link.segment_bytes_min = 1;
  }
  if (link.segment_bytes_max < link.segment_bytes_min) {
    link.segment_bytes_max = link.segment_bytes_min;
  }
}

// Makes valid what ValidateRule rejects; false for a rule that has no
// valid form (its kind, direction or trigger type is not a named value).
bool ClampRule(FaultRule& rule) {
  if (!IsNamedKind(rule.kind)) return false;
  if (rule.direction != Direction::kAtoB &&
      rule.direction != Direction::kBtoA) {
    return false;
  }
  FaultTrigger& trigger = rule.trigger;
  switch (trigger.type) {
    case FaultTrigger::Type::kAtTime:
      if (trigger.at_ns < 0) trigger.at_ns = 0;
      trigger.after_bytes = 0;
      trigger.per_million = 0;
      break;
    case FaultTrigger::Type::kAfterBytes:
      trigger.at_ns = 0;
      trigger.per_million = 0;
      break;
    case FaultTrigger::Type::kProbability:
      if (trigger.per_million > kMillion) trigger.per_million = kMillion;
      trigger.at_ns = 0;
      trigger.after_bytes = 0;
      break;
    default:
      return false;
  }
  if (!Info(rule.kind).needs_duration || rule.duration_ns < 0) {
    rule.duration_ns = 0;
  }
  return true;
}

}  // namespace

FaultPlan ClampToValid(FaultPlan plan) {
  ClampLink(plan.a_to_b);
  ClampLink(plan.b_to_a);
  std::erase_if(plan.faults, [](FaultRule& rule) { return !ClampRule(rule); });
  return plan;
}

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
  plan.faults.reserve(count);
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
