// sim/fault_plan.h: FaultPlan, everything that shapes one simulated
// connection -- per-direction link options (latency, bandwidth, splitting,
// coalescing, window, close delay) and the faults to inject.
//
// Plain values, compared with ==. Every option and every fault is off by
// default: a default FaultPlan is an ideal connection (zero latency, whole
// writes delivered at once, unlimited window). Units come last in field
// names; probabilities are exact integer ratios (per million), never floats,
// so a seed means the same thing everywhere.
//
// The fault kinds are one table, kFaultKinds: a constant every part of
// flowcheck reads (text form, validator, SwarmPlan, the connection, docs).
//
// The one-line text form (parse and print) is sim/fault_plan_text.h; the
// grammar is documented in docs/fault-plans.md. Everything here is a pure
// function of its arguments (SwarmPlan of its Random): any thread may call
// it.
#ifndef FLOWCHECK_SIM_FAULT_PLAN_H_
#define FLOWCHECK_SIM_FAULT_PLAN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/fault_effects.h"
#include "sim/random.h"

namespace flowcheck::sim {

// Which way bytes travel.
enum class Direction { kAtoB = 0, kBtoA = 1 };

// "a>b", "b>a".
std::string_view DirectionName(Direction direction);

enum class LatencyShape {
  kFixed,        // every segment: latency_ns_min
  kUniform,      // uniform in [latency_ns_min, latency_ns_max]
  kExponential,  // latency_ns_min + exponential with mean latency_ns_mean
};

// One direction of a connection (TigerBeetle's PacketSimulatorOptions idea).
struct LinkOptions {
  // How long a segment takes from write to arrival. Arrival order is always
  // write order (a reliable stream); a later segment with a smaller draw
  // waits for the earlier one.
  LatencyShape latency_shape = LatencyShape::kFixed;
  std::int64_t latency_ns_min = 0;
  std::int64_t latency_ns_max = 0;   // kUniform only
  std::int64_t latency_ns_mean = 0;  // kExponential only

  // A rare long tail (FoundationDB's buggified delays): with probability
  // tail_per_million / 1e6 a segment takes tail_latency_ns longer.
  std::uint32_t tail_per_million = 0;
  std::int64_t tail_latency_ns = 0;

  // Serialization delay: a segment of n bytes occupies the link for
  // n / bandwidth seconds. 0: unlimited.
  std::uint64_t bandwidth_bytes_per_second = 0;

  // Segmentation (toxiproxy's slicer): each write is cut into segments of a
  // size drawn from [segment_bytes_min, segment_bytes_max]. 0/0: a write
  // travels as one segment. Segments are slices of the written buffer: no
  // byte is copied.
  std::uint64_t segment_bytes_min = 0;
  std::uint64_t segment_bytes_max = 0;

  // Coalescing: when true, a read returns the arrived segments of one write
  // that follow each other (slices of one buffer: no copy) and also merges
  // bytes of the following writes into the same read, copying them into one
  // buffer (at most 64 KiB per read, so reads stay cheap). When false, a
  // read returns at most one segment. Both up to read_bytes_max.
  bool coalesce = true;
  // Upper bound on the bytes one read returns. 0: no bound.
  std::uint64_t read_bytes_max = 0;

  // Backpressure: a write waits while the bytes written but not yet read in
  // this direction would exceed window_bytes (a write larger than the
  // window goes out piece by piece as the reader drains). 0: unlimited.
  std::uint64_t window_bytes = 0;

  // Extra delay of the close signal after the last data segment.
  std::int64_t close_delay_ns = 0;

  friend bool operator==(const LinkOptions&, const LinkOptions&) = default;
};

// The kinds of fault a FaultRule injects. Everything about a kind except
// how it fires (sim/faults.cc) is its row in kFaultKinds below: name,
// what it allows, whether it takes a duration, whether it keeps, relaxes or
// breaks the contract. The order is the enumerators' values and the text
// form's order of kinds in messages; append new kinds at the end.
enum class FaultKind {
  // Faults a real network produces. The checker is told what each allows
  // (flow/fault_effects.h FaultEffects); the contract's E1 applies.
  kReset,
  kReadError,
  kWriteError,
  kStall,
  kPartition,
  kLoseClose,
  kSlowClose,
  kCut,

  // Faults that BREAK the contract: for testing layers above a flow and for
  // proving the conformance suite catches broken flows. Never relaxations.
  kCorrupt,
  kDuplicate,
  kReorder,
  kTruncate,
};

// One row of kFaultKinds: what a fault kind is, as data.
struct FaultKindInfo {
  FaultKind kind;
  // The text form's keyword ("read-error") and the suffix of the trace
  // counter of fired faults ("fault.read-error").
  std::string_view name;
  // What the fault allows, from the moment it fires, the endpoint that
  // reads the rule's direction and the one that writes it (for kReset,
  // which breaks the whole connection, both get the same). Both relax
  // nothing for kinds that keep or break the contract.
  FaultEffects on_reader;
  FaultEffects on_writer;
  // Whether the rule's duration_ns is used (the text form's for=DUR, then
  // required); every other kind must leave duration_ns at 0.
  bool needs_duration = false;
  // Whether it breaks the contract: it acts on single segments, and a run
  // with it is expected to fail the checker.
  bool breaks_contract = false;
  // Whether it keeps the contract without relaxing anything: it changes
  // timing only. A kind that neither keeps nor breaks the contract relaxes
  // it (on_reader or on_writer is set).
  bool keeps_contract = false;
  // Whether a real network produces it: SwarmPlan draws these unless told
  // to keep the contract.
  bool network_fault = false;
  // What happens, in one line, as docs/fault-plans.md's table of kinds says
  // it ("DIR" is the rule's direction, "DUR" its duration).
  std::string_view summary;
};

// One row per FaultKind, in enumerator order (kFaultKinds[i].kind is
// FaultKind(i); sim/fault_plan_test.cc checks that every enumerator has its
// row). To add a kind: its enumerator, its row, its firing code in
// sim/faults.cc (the compiler names the switches that miss it), then
// docs/fault-plans.md's table (a test compares it with this one).
inline constexpr auto kFaultKinds = std::to_array<FaultKindInfo>({
    {.kind = FaultKind::kReset,
     .name = "reset",
     .on_reader = {.may_fail = true,
                   .may_lose_data = true,
                   .connection_broken = true},
     .on_writer = {.may_fail = true,
                   .may_lose_data = true,
                   .connection_broken = true},
     .network_fault = true,
     .summary = "both endpoints: pending and later operations fail. It acts "
                "on the whole connection; DIR only says whose bytes count for "
                "`after=`"},
    {.kind = FaultKind::kReadError,
     .name = "read-error",
     // Nothing drains DIR any more, so its writer's writes may wait for
     // window space forever, a close waiting behind them too, and the
     // reader's own close waits for that close.
     .on_reader = {.may_fail = true, .may_hang = true, .may_lose_data = true},
     .on_writer = {.may_hang = true},
     .network_fault = true,
     .summary = "the reader of DIR: this and later reads fail"},
    {.kind = FaultKind::kWriteError,
     .name = "write-error",
     .on_reader = {.may_fail = true, .may_lose_data = true},
     .on_writer = {.may_fail = true},
     .network_fault = true,
     .summary = "the writer of DIR: this and later writes fail; the reader's "
                "reads fail once the data in flight is read"},
    {.kind = FaultKind::kStall,
     .name = "stall",
     .needs_duration = true,
     .keeps_contract = true,
     .network_fault = true,
     .summary = "DIR holds every delivery for DUR, then releases them"},
    {.kind = FaultKind::kPartition,
     .name = "partition",
     .on_reader = {.may_hang = true, .may_lose_data = true},
     .on_writer = {.may_hang = true},
     .network_fault = true,
     .summary = "DIR delivers nothing more, ever: no data, no close"},
    {.kind = FaultKind::kLoseClose,
     .name = "lose-close",
     .on_reader = {.may_hang = true},
     .on_writer = {.may_hang = true},
     .network_fault = true,
     .summary = "DIR's close signal is lost: the reader never sees Eof"},
    {.kind = FaultKind::kSlowClose,
     .name = "slow-close",
     .needs_duration = true,
     .keeps_contract = true,
     .network_fault = true,
     .summary = "DIR's close signal is delayed by DUR"},
    {.kind = FaultKind::kCut,
     .name = "cut",
     .on_reader = {.may_lose_data = true, .may_end = true},
     .on_writer = {.may_fail = true},
     .network_fault = true,
     .summary = "DIR ends at the trigger (toxiproxy's `limit_data`): the "
                "reader then sees Eof, the writer's writes fail"},
    {.kind = FaultKind::kCorrupt,
     .name = "corrupt",
     .breaks_contract = true,
     .summary = "flips one byte of a segment"},
    {.kind = FaultKind::kDuplicate,
     .name = "duplicate",
     .breaks_contract = true,
     .summary = "delivers a segment twice"},
    {.kind = FaultKind::kReorder,
     .name = "reorder",
     .breaks_contract = true,
     .summary = "swaps a segment with the one after it"},
    {.kind = FaultKind::kTruncate,
     .name = "truncate",
     .breaks_contract = true,
     .summary = "silently drops the rest of a segment"},
});

// Whether `kind` holds one of the named enumerators (has a row). A
// FaultKind cast from an arbitrary integer may not.
constexpr bool IsNamedKind(FaultKind kind) {
  return static_cast<std::size_t>(kind) < kFaultKinds.size();
}

// The row of `kind`. REQUIRES: IsNamedKind(kind) (aborts otherwise, with
// FLOWCHECK_CHECK).
const FaultKindInfo& Info(FaultKind kind);

// "reset", "read-error", ... (the text form's keywords); "?" for a kind
// that is not named.
std::string_view FaultKindName(FaultKind kind);

// Whether `kind` breaks the contract (kCorrupt .. kTruncate). False for a
// kind that is not named.
bool BreaksContract(FaultKind kind);

// Whether `kind` keeps the contract without relaxing anything (kStall,
// kSlowClose): it changes timing only. False for a kind that is not named.
bool KeepsContract(FaultKind kind);

// When a fault fires.
struct FaultTrigger {
  enum class Type {
    kAtTime,       // once, at virtual time at_ns
    kAfterBytes,   // once, when the direction has carried after_bytes bytes
    kProbability,  // on each segment of the direction, with probability
                   // per_million / 1e6
  };
  Type type = Type::kAtTime;
  std::int64_t at_ns = 0;
  std::uint64_t after_bytes = 0;
  std::uint32_t per_million = 0;

  friend bool operator==(const FaultTrigger&, const FaultTrigger&) = default;
};

struct FaultRule {
  FaultKind kind = FaultKind::kReset;
  // The direction it acts on. kReset acts on the whole connection; its
  // direction only says which way's bytes count for kAfterBytes.
  Direction direction = Direction::kAtoB;
  FaultTrigger trigger;
  // kStall: how long deliveries hold; kSlowClose: the extra delay.
  std::int64_t duration_ns = 0;

  friend bool operator==(const FaultRule&, const FaultRule&) = default;
};

struct FaultPlan {
  LinkOptions a_to_b;
  LinkOptions b_to_a;
  std::vector<FaultRule> faults;

  const LinkOptions& link(Direction direction) const {
    return direction == Direction::kAtoB ? a_to_b : b_to_a;
  }
  // Whether any fault breaks the contract.
  bool breaks_contract() const;

  friend bool operator==(const FaultPlan&, const FaultPlan&) = default;
};

// ValidateFaultPlan()
//
// Whether `plan` is valid: every field means something and has a text form
// (sim/fault_plan_text.h), so the text round trip holds for it. Returns
// std::nullopt when it is; otherwise a sentence naming the first field
// that is not, e.g. "a>b: latency_ns_max is 7 but the latency shape is
// fixed (only a uniform latency uses latency_ns_max)". The rules: no
// negative durations; fields a latency shape or trigger type does not use
// are 0; split is 0B..0B or 1 <= min <= max; rates are at most
// 1000000ppm; duration_ns is 0 except for the kinds that need a duration
// (stall, slow-close); enums hold one of their named values. Every
// SwarmPlan() result and every parsed plan is valid.
std::optional<std::string> ValidateFaultPlan(const FaultPlan& plan);

// ClampToValid()
//
// `plan` made valid, field by field: each field ValidateFaultPlan would
// reject takes the nearest value it accepts -- a negative duration or time
// becomes 0, a rate above 100% becomes 100%, a field the latency shape or
// trigger type does not use becomes 0, a uniform latency's max below its
// min becomes the min, a split 0..N becomes 1..N and a split N..M with
// M < N becomes N..N, a duration_ns on a kind that takes none becomes 0,
// and a latency shape that is not a named value becomes fixed. A fault
// rule whose kind, direction or trigger type is not a named value has no
// valid form and is dropped. A valid plan comes back unchanged, and the
// result always passes ValidateFaultPlan. This is what MakeConnection
// (sim/connection.h) runs for a plan that is not valid.
FaultPlan ClampToValid(FaultPlan plan);

// The names of the fault kinds that take a duration, for messages:
// "stall and slow-close".
std::string DurationKindNames();

// Every field of `plan`, raw (enums as numbers), one line per direction
// and per fault: for failure reports that must show differences the text
// form (sim/fault_plan_text.h) could hide or cannot express.
std::string DebugFields(const FaultPlan& plan);

// Swarm testing (TigerBeetle VOPR's options_swarm): draws a whole plan from
// `random` -- latencies, splitting, coalescing, window, and zero to three
// faults. With `contract_keeping_only`, no fault that relaxes or breaks the
// contract is drawn (only timing: stalls, slow closes), so every run must
// pass the checker with no relaxation at all.
FaultPlan SwarmPlan(Random& random, bool contract_keeping_only);

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_FAULT_PLAN_H_
