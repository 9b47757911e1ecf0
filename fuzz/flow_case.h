// fuzz/flow_case.h: FlowCase, what one input of a flow fuzz target means --
// a seed, the links' shape and faults (a FaultPlan), and a conformance
// Program of operations on the two endpoints -- and its byte encoding.
//
// DecodeFlowCase() turns any byte string into a case through FuzzInput
// (fuzz/fuzz_input.h): first the seed, then (for targets that fuzz the plan)
// the plan, then each endpoint's program. Every value is drawn from a small
// range chosen so a run stays short (at most 12 operations per endpoint,
// writes of at most 1 KiB, latencies of milliseconds, at most 3 faults)
// and a case never needs more than the simulation's one hour of virtual
// time. The plan draws only faults that keep the contract (stall,
// slow-close) or relax it in a way the checker is told about (reset,
// read-error, write-error, partition, lose-close, cut); never one that
// breaks it. Every decoded plan passes sim::ValidateFaultPlan, so it prints
// as a replayable text.
//
// EncodeFlowCase() is the exact inverse for cases inside those ranges: it
// is how the seed corpora are written from readable cases
// (fuzz/write_seed_corpora.cc). It aborts on a case outside the ranges.
//
// Pure functions of their arguments; any thread.
#ifndef FLOWCHECK_FUZZ_FLOW_CASE_H_
#define FLOWCHECK_FUZZ_FLOW_CASE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "conformance/program.h"
#include "sim/fault_plan.h"

namespace flowcheck::fuzz {

// Whether the input holds a fault plan (sim_vs_model_fuzzer) or the flow's
// factory shapes its own links from the seed (the "your flow" template).
enum class PlanSource { kDecoded, kFactory };

struct FlowCase {
  // The subject's seed and the written bytes' pattern are program.seed.
  conformance::Program program;
  // kDecoded only; the default (ideal) plan otherwise.
  sim::FaultPlan plan;

  // "seed 7, plan 'latency=1ms; stall a>b at=2ms for=5ms'" and the program,
  // one operation per line.
  std::string ToString(PlanSource source) const;
};

// Limits of the decoding (also the ranges EncodeFlowCase accepts).
inline constexpr std::uint32_t kMaxOpsPerEndpoint = 12;
inline constexpr std::uint32_t kMaxWriteBytes = 1024;
// Past 32 parts, because a flow that mishandles writevs of many parts
// (conformance's writev-drops-past-many-parts mutant drops parts past the
// 32nd) was out of the fuzzers' reach at 4 (fuzz/zoo_detection.sh).
inline constexpr std::uint32_t kMaxWritevParts = 40;
inline constexpr std::uint32_t kMaxWritevPartBytes = 256;
inline constexpr std::uint32_t kMaxPauseUs = 5000;
inline constexpr std::uint32_t kMaxFaults = 3;

// The cost budget of one input: the bytes an endpoint's writes and writevs
// may hand over in all. An input whose sizes add up to more is clamped when
// decoded (the write that crosses the budget is shortened, later ones are
// empty), so every byte string still decodes and each size still takes the
// same bytes (a mutated size byte may now also shorten the sizes after it,
// up to the budget). A fuzzer learns nothing from the 10,000th byte of one
// stream that it did not from the 1,000th, but it paid for every read of
// it: before the budget, a few inputs of one-byte segments made thousands
// of reads each and took most of sim_vs_model_fuzzer's time
// (docs/fuzzing.md, "A cost budget, cheap inputs first").
inline constexpr std::uint64_t kMaxBytesPerEndpoint = 4096;
// With a decoded plan the budget is smaller where the links make reads
// small: about kMaxReadsPerDirection reads of the smallest unit a read of
// that direction may return (read-max, the largest segment, the window).
inline constexpr std::uint64_t kMaxReadsPerDirection = 256;

// The byte budget of the endpoint that writes into `link` (see above); for
// a case whose flow shapes its own links, kMaxBytesPerEndpoint.
std::uint64_t BytesBudget(const sim::LinkOptions& link, PlanSource source);

// The case `bytes` describe. Never fails.
FlowCase DecodeFlowCase(std::span<const std::uint8_t> bytes, PlanSource source);

// The bytes DecodeFlowCase(…, source) reads back as `flow_case` after
// Program::Normalize (which decoding applies too; an endpoint may thus hold
// kMaxOpsPerEndpoint operations plus a final close). Aborts if a value lies
// outside the decoding's ranges or grid (latencies in whole microseconds,
// ...), naming it.
std::vector<std::uint8_t> EncodeFlowCase(const FlowCase& flow_case,
                                         PlanSource source);

}  // namespace flowcheck::fuzz

#endif  // FLOWCHECK_FUZZ_FLOW_CASE_H_
