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
// The one-line text form (parse and print) is sim/fault_plan_text.h; the
// grammar is documented in docs/fault-plans.md.
#ifndef FLOWCHECK_SIM_FAULT_PLAN_H_
#define FLOWCHECK_SIM_FAULT_PLAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

enum class FaultKind {
  // Faults a real network produces. The checker is told what each allows
  // (flow/fault_effects.h FaultEffects); the contract's E1 applies.
  kReset,       // both endpoints: pending and later operations fail
  kReadError,   // the direction's reader: this and later reads fail
  kWriteError,  // the direction's writer: this and later writes fail; the
                // reader's reads fail once the data in flight is read
  kStall,       // the direction holds deliveries for duration_ns, then
                // releases them (keeps the contract: not a relaxation)
  kPartition,   // the direction delivers nothing more, ever (data, close)
  kLoseClose,   // the direction's close signal is lost: no Eof for the reader
  kSlowClose,   // the direction's close signal is delayed by duration_ns
                // (keeps the contract)
  kCut,         // toxiproxy limit_data: the direction ends at the trigger;
                // the reader then sees Eof, the writer's writes fail

  // Faults that BREAK the contract: for testing layers above a flow and for
  // proving the conformance suite catches broken flows. Never relaxations.
  kCorrupt,    // flip one byte of a segment
  kDuplicate,  // deliver a segment twice
  kReorder,    // swap a segment with the one after it
  kTruncate,   // silently drop the rest of a segment
};

// "reset", "read-error", ... (the text form's keywords).
std::string_view FaultKindName(FaultKind kind);

// Whether `kind` breaks the contract (kCorrupt .. kTruncate).
bool BreaksContract(FaultKind kind);

// Whether `kind` keeps the contract without relaxing anything (kStall,
// kSlowClose): it changes timing only.
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
