#include "fuzz/flow_case.h"

#include <array>
#include <type_traits>

#include "flow/check.h"
#include "fuzz/fuzz_input.h"
#include "sim/fault_plan_text.h"

namespace flowcheck::fuzz {
namespace {

using conformance::EndpointProgram;
using conformance::Program;
using conformance::ProgramOp;

// The faults an input may ask for: timing-only ones and those the checker
// is told about; never one that breaks the contract. An input carries the
// index into this list, so the order is the corpus encoding: it is not
// sim::kFaultKinds' order, and a new kind goes at the end.
constexpr std::array<sim::FaultKind, 8> kFuzzedFaultKinds = {
    sim::FaultKind::kStall,      sim::FaultKind::kSlowClose,
    sim::FaultKind::kReset,      sim::FaultKind::kReadError,
    sim::FaultKind::kWriteError, sim::FaultKind::kPartition,
    sim::FaultKind::kLoseClose,  sim::FaultKind::kCut};

// Every kind that keeps the contract or that the checker is told about is
// in kFuzzedFaultKinds, once.
constexpr bool FuzzesEveryKindThatKeepsTheContract() {
  for (const sim::FaultKindInfo& info : sim::kFaultKinds) {
    int listed = 0;
    for (sim::FaultKind kind : kFuzzedFaultKinds) listed += kind == info.kind;
    if (listed != (info.breaks_contract ? 0 : 1)) return false;
  }
  return true;
}
static_assert(FuzzesEveryKindThatKeepsTheContract(),
              "kFuzzedFaultKinds must list each fault kind that does not "
              "break the contract exactly once (append new kinds at the end)");

// Ranges of the plan's values, in the units the stream carries.
constexpr std::int64_t kMaxLatencyUs = 5000;
constexpr std::uint32_t kMaxTailPerMillion = 100000;
constexpr std::int64_t kMaxTailMs = 100;
constexpr std::uint64_t kMaxBandwidthKBps = 10000;
constexpr std::uint64_t kMaxSplitBytes = 64;
constexpr std::uint64_t kMaxReadBytes = 64;
constexpr std::uint64_t kMaxWindowBytes = 2048;
constexpr std::int64_t kMaxCloseDelayUs = 10000;
constexpr std::int64_t kMaxFaultAtUs = 50000;
// No more than an endpoint may ever write (kMaxBytesPerEndpoint): a
// trigger past it could never fire. (Under a plan that lowers the budget,
// the upper part of this range still never fires; it stays one range so
// that the plan's bytes mean the same whatever the budget.)
constexpr std::uint64_t kMaxFaultAfterBytes = kMaxBytesPerEndpoint;
constexpr std::uint32_t kMaxFaultPerMillion = 200000;
constexpr std::int64_t kMaxFaultDurationUs = 100000;
constexpr std::uint64_t kMaxSeed = 0xffffffffULL;

template <typename Io>
constexpr bool kEncoding = std::is_same_v<Io, FuzzOutput>;

// A count of elements of `items` in [0, max]: on decoding, resizes.
template <typename Io, typename T>
void Count(Io& io, std::vector<T>& items, std::uint32_t max,
           std::uint32_t spare = 0) {
  auto size = static_cast<std::uint32_t>(items.size());
  io.Int(size, std::uint32_t{0}, max);
  items.reserve(size + spare);
  items.resize(size);
}

template <typename Io, typename E>
void Enum(Io& io, E& value, int count) {
  int index = static_cast<int>(value);
  io.Int(index, 0, count - 1);
  value = static_cast<E>(index);
}

// A value carried as a whole number of `unit` (e.g. 1000 ns).
template <typename Io, typename T>
void Scaled(Io& io, T& value, T unit, T max_units, const char* what) {
  if constexpr (kEncoding<Io>) {
    FLOWCHECK_CHECK(value % unit == 0, what);
  }
  T units = value / unit;
  io.Int(units, T{0}, max_units);
  value = units * unit;
}

// A field the decoding leaves at 0 in this shape: must be 0 to encode.
template <typename Io, typename T>
void Unused(T& value, const char* what) {
  if constexpr (kEncoding<Io>) {
    FLOWCHECK_CHECK(value == T{0}, what);
  }
  value = T{0};
}

template <typename Io>
void Link(Io& io, sim::LinkOptions& link) {
  Enum(io, link.latency_shape, 3);
  Scaled<Io, std::int64_t>(io, link.latency_ns_min, 1000, kMaxLatencyUs,
                           "latency_ns_min in whole us");
  switch (link.latency_shape) {
    case sim::LatencyShape::kFixed:
      Unused<Io>(link.latency_ns_max, "latency_ns_max unused when fixed");
      Unused<Io>(link.latency_ns_mean, "latency_ns_mean unused when fixed");
      break;
    case sim::LatencyShape::kUniform: {
      std::int64_t spread = link.latency_ns_max - link.latency_ns_min;
      Scaled<Io, std::int64_t>(io, spread, 1000, kMaxLatencyUs,
                               "latency spread in whole us");
      link.latency_ns_max = link.latency_ns_min + spread;
      Unused<Io>(link.latency_ns_mean, "latency_ns_mean unused when uniform");
      break;
    }
    case sim::LatencyShape::kExponential:
      Scaled<Io, std::int64_t>(io, link.latency_ns_mean, 1000, kMaxLatencyUs,
                               "latency_ns_mean in whole us");
      Unused<Io>(link.latency_ns_max, "latency_ns_max unused when exp");
      break;
  }
  io.Int(link.tail_per_million, std::uint32_t{0}, kMaxTailPerMillion);
  if (link.tail_per_million > 0) {
    Scaled<Io, std::int64_t>(io, link.tail_latency_ns, 1000000, kMaxTailMs,
                             "tail_latency_ns in whole ms");
  } else {
    Unused<Io>(link.tail_latency_ns, "tail_latency_ns without a tail rate");
  }
  Scaled<Io, std::uint64_t>(io, link.bandwidth_bytes_per_second, 1000,
                            kMaxBandwidthKBps, "bandwidth in whole KB/s");
  io.Int(link.segment_bytes_min, std::uint64_t{0}, kMaxSplitBytes);
  if (link.segment_bytes_min > 0) {
    std::uint64_t spread = link.segment_bytes_max - link.segment_bytes_min;
    io.Int(spread, std::uint64_t{0}, kMaxSplitBytes);
    link.segment_bytes_max = link.segment_bytes_min + spread;
  } else {
    Unused<Io>(link.segment_bytes_max, "segment_bytes_max without a min");
  }
  io.Bool(link.coalesce);
  io.Int(link.read_bytes_max, std::uint64_t{0}, kMaxReadBytes);
  io.Int(link.window_bytes, std::uint64_t{0}, kMaxWindowBytes);
  Scaled<Io, std::int64_t>(io, link.close_delay_ns, 1000, kMaxCloseDelayUs,
                           "close_delay_ns in whole us");
}

template <typename Io>
void Fault(Io& io, sim::FaultRule& rule) {
  int kind = 0;
  if constexpr (kEncoding<Io>) {
    kind = -1;
    for (std::size_t i = 0; i < kFuzzedFaultKinds.size(); ++i) {
      if (kFuzzedFaultKinds[i] == rule.kind) kind = static_cast<int>(i);
    }
    FLOWCHECK_CHECK(kind >= 0, "fault kind that breaks the contract");
  }
  io.Int(kind, 0, static_cast<int>(kFuzzedFaultKinds.size()) - 1);
  rule.kind = kFuzzedFaultKinds[static_cast<std::size_t>(kind)];
  Enum(io, rule.direction, 2);
  sim::FaultTrigger& trigger = rule.trigger;
  Enum(io, trigger.type, 3);
  switch (trigger.type) {
    case sim::FaultTrigger::Type::kAtTime:
      Scaled<Io, std::int64_t>(io, trigger.at_ns, 1000, kMaxFaultAtUs,
                               "at_ns in whole us");
      Unused<Io>(trigger.after_bytes, "after_bytes of an at= trigger");
      Unused<Io>(trigger.per_million, "per_million of an at= trigger");
      break;
    case sim::FaultTrigger::Type::kAfterBytes:
      io.Int(trigger.after_bytes, std::uint64_t{0}, kMaxFaultAfterBytes);
      Unused<Io>(trigger.at_ns, "at_ns of an after= trigger");
      Unused<Io>(trigger.per_million, "per_million of an after= trigger");
      break;
    case sim::FaultTrigger::Type::kProbability:
      io.Int(trigger.per_million, std::uint32_t{0}, kMaxFaultPerMillion);
      Unused<Io>(trigger.at_ns, "at_ns of a p= trigger");
      Unused<Io>(trigger.after_bytes, "after_bytes of a p= trigger");
      break;
  }
  if (sim::Info(rule.kind).needs_duration) {
    Scaled<Io, std::int64_t>(io, rule.duration_ns, 1000, kMaxFaultDurationUs,
                             "duration_ns in whole us");
  } else {
    Unused<Io>(rule.duration_ns, "duration_ns of a fault without for=");
  }
}

template <typename Io>
void Plan(Io& io, sim::FaultPlan& plan) {
  // 0: ideal links; 1: one shape both ways; 2: each way its own.
  int links = 0;
  if constexpr (kEncoding<Io>) {
    links = plan.a_to_b == plan.b_to_a
                ? (plan.a_to_b == sim::LinkOptions{} ? 0 : 1)
                : 2;
  }
  io.Int(links, 0, 2);
  if (links == 1) {
    Link(io, plan.a_to_b);
    plan.b_to_a = plan.a_to_b;
  } else if (links == 2) {
    Link(io, plan.a_to_b);
    Link(io, plan.b_to_a);
  }
  Count(io, plan.faults, kMaxFaults);
  for (sim::FaultRule& rule : plan.faults) Fault(io, rule);
}

// A write size: a choice in [0, max], then clamped to what is left of the
// endpoint's byte budget `left` (decoding clamps; encoding insists that the
// sizes fit, so that the round trip is exact).
template <typename Io>
void BudgetedSize(Io& io, std::uint32_t& size, std::uint32_t max,
                  std::uint64_t& left) {
  if constexpr (kEncoding<Io>) {
    FLOWCHECK_CHECK(size <= left,
                    "write sizes over the endpoint's byte budget "
                    "(fuzz/flow_case.h, BytesBudget)");
  }
  io.Int(size, std::uint32_t{0}, max);
  if (size > left) size = static_cast<std::uint32_t>(left);
  left -= size;
}

template <typename Io>
void Operation(Io& io, ProgramOp& op, std::uint64_t& budget_left) {
  // Choices 0..3 are ProgramOp::Kind's first four; 4 is a reset (a hold
  // has no fuzz encoding: it waits in real time).
  int kind = 0;
  if constexpr (kEncoding<Io>) {
    FLOWCHECK_CHECK(op.kind != ProgramOp::Kind::kHold,
                    "a hold has no fuzz encoding");
    kind = op.kind == ProgramOp::Kind::kReset ? 4 : static_cast<int>(op.kind);
  }
  io.Int(kind, 0, 4);
  op.kind =
      kind == 4 ? ProgramOp::Kind::kReset : static_cast<ProgramOp::Kind>(kind);
  switch (op.kind) {
    case ProgramOp::Kind::kWrite:
      if constexpr (kEncoding<Io>) {
        FLOWCHECK_CHECK(op.sizes.size() == 1, "a write has one size");
      }
      op.sizes.resize(1);
      BudgetedSize(io, op.sizes[0], kMaxWriteBytes, budget_left);
      Unused<Io>(op.pause_us, "pause_us of a write");
      break;
    case ProgramOp::Kind::kWritev:
      Count(io, op.sizes, kMaxWritevParts);
      for (std::uint32_t& size : op.sizes) {
        BudgetedSize(io, size, kMaxWritevPartBytes, budget_left);
      }
      Unused<Io>(op.pause_us, "pause_us of a writev");
      break;
    case ProgramOp::Kind::kClose:
      if constexpr (kEncoding<Io>) {
        FLOWCHECK_CHECK(op.sizes.empty(), "a close has no sizes");
      }
      Unused<Io>(op.pause_us, "pause_us of a close");
      break;
    case ProgramOp::Kind::kPause:
      if constexpr (kEncoding<Io>) {
        FLOWCHECK_CHECK(op.sizes.empty(), "a pause has no sizes");
      }
      io.Int(op.pause_us, std::uint32_t{0}, kMaxPauseUs);
      break;
    case ProgramOp::Kind::kReset:
      // Resets the connection where the world can (the "your flow"
      // template's only way to a fault: its links come from the factory).
      if constexpr (kEncoding<Io>) {
        FLOWCHECK_CHECK(op.sizes.empty(), "a reset has no sizes");
      }
      Unused<Io>(op.pause_us, "pause_us of a reset");
      break;
    case ProgramOp::Kind::kHold:
      FLOWCHECK_CHECK(false, "a hold has no fuzz encoding");
      break;
  }
}

template <typename Io>
void Endpoint(Io& io, EndpointProgram& endpoint, std::uint64_t budget) {
  io.Int(endpoint.readers, 1, 2);
  io.Int(endpoint.reads_after_eof, 0, 2);
  // Room for the close that Normalize adds to a program without one.
  Count(io, endpoint.ops, kMaxOpsPerEndpoint, /*spare=*/1);
  for (ProgramOp& op : endpoint.ops) Operation(io, op, budget);
}

template <typename Io>
void Case(Io& io, FlowCase& flow_case, PlanSource source) {
  io.Int(flow_case.program.seed, std::uint64_t{0}, kMaxSeed);
  if (source == PlanSource::kDecoded) {
    Plan(io, flow_case.plan);
  } else if constexpr (kEncoding<Io>) {
    FLOWCHECK_CHECK(flow_case.plan == sim::FaultPlan{},
                    "a plan in a case whose flow shapes its own links");
  }
  Endpoint(io, flow_case.program.a, BytesBudget(flow_case.plan.a_to_b, source));
  Endpoint(io, flow_case.program.b, BytesBudget(flow_case.plan.b_to_a, source));
}

}  // namespace

std::uint64_t BytesBudget(const sim::LinkOptions& link, PlanSource source) {
  if (source == PlanSource::kFactory) return kMaxBytesPerEndpoint;
  std::uint64_t unit = 0;
  for (std::uint64_t bound :
       {link.read_bytes_max, link.segment_bytes_max, link.window_bytes}) {
    if (bound > 0 && (unit == 0 || bound < unit)) unit = bound;
  }
  if (unit == 0 || unit >= kMaxBytesPerEndpoint / kMaxReadsPerDirection) {
    return kMaxBytesPerEndpoint;
  }
  return unit * kMaxReadsPerDirection;
}

std::string FlowCase::ToString(PlanSource source) const {
  std::string out = "seed " + std::to_string(program.seed) + ", plan ";
  out += source == PlanSource::kDecoded
             ? "'" + sim::PrintFaultPlan(plan) + "'"
             : std::string("drawn by the flow's factory from the seed");
  out += "\nprogram:\n" + program.ToString();
  return out;
}

FlowCase DecodeFlowCase(std::span<const std::uint8_t> bytes,
                        PlanSource source) {
  FuzzInput input(bytes);
  FlowCase flow_case;
  Case(input, flow_case, source);
  flow_case.program.Normalize();
  const std::optional<std::string> invalid =
      sim::ValidateFaultPlan(flow_case.plan);
  FLOWCHECK_CHECK(!invalid.has_value(),
                  "DecodeFlowCase made a plan without a text form: " +
                      invalid.value_or(""));
  return flow_case;
}

std::vector<std::uint8_t> EncodeFlowCase(const FlowCase& flow_case,
                                         PlanSource source) {
  FuzzOutput output;
  FlowCase copy = flow_case;
  copy.program.Normalize();
  // Normalize() adds a close at the end of an endpoint that has none, which
  // can make one operation more than the decoding reads: leave that close
  // to decoding's Normalize() instead.
  for (EndpointProgram* endpoint : {&copy.program.a, &copy.program.b}) {
    if (endpoint->ops.size() > kMaxOpsPerEndpoint &&
        endpoint->ops.back().kind == ProgramOp::Kind::kClose) {
      endpoint->ops.pop_back();
    }
  }
  Case(output, copy, source);
  return output.bytes();
}

}  // namespace flowcheck::fuzz
