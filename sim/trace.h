// sim/trace.h: Trace, the record of everything that happened in one
// simulated run, and its 64-bit hash.
//
// Every scheduling decision and every flow and fault event is added here
// with its virtual time. The hash (a multiply-xorshift mix of the events'
// integers and text, 64 bits at a time) proves replay: the same seed must give
// the same hash, run after run, build after build. Text lines are kept only
// when asked for (they cost memory and time); the hash is always computed.
//
// Nothing added may depend on pointer values, thread ids, the wall clock or
// unordered iteration: only on virtual time, task ids (sequential) and data.
//
// Counters count named events (faults that fired, by kind; segments split;
// ...) so tests can assert that what they meant to exercise happened. The
// first kInlineCounters names of up to kInlineNameBytes bytes are kept in
// the Trace itself, any others in a map: a fuzzer builds a world per input,
// and a map node and a name per counter were a twentieth of its
// allocations.
//
// Not thread-safe; owned by the Scheduler.
#ifndef FLOWCHECK_SIM_TRACE_H_
#define FLOWCHECK_SIM_TRACE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flow/runtime.h"

namespace flowcheck::sim {

// What kind of event a trace line records.
enum class TraceKind : std::uint8_t {
  kSpawn,    // a: task id
  kPick,     // a: task id, b: index picked among the runnable tasks
  kFinish,   // a: task id
  kAdvance,  // time jumped to the next timer
  kFlow,     // an operation or delivery on a simulated flow
  kFault,    // an injected fault fired
  kNote,     // anything else a component wants in the record
};

std::string_view TraceKindName(TraceKind kind);

class Trace {
 public:
  explicit Trace(bool keep_text) : keep_text_(keep_text) {}

  // Adds one event. `detail` is part of the hash and of the text line.
  // Inline: a scheduling step adds one (only details and text lines leave
  // this path).
  void Add(Duration time, TraceKind kind, std::uint64_t a, std::uint64_t b,
           std::string_view detail = {}) {
    ++events_;
    Mix(static_cast<std::uint64_t>(time.count()));
    Mix(static_cast<std::uint64_t>(kind));
    Mix(a);
    Mix(b);
    if (!detail.empty() || keep_text_) AddRest(time, kind, a, b, detail);
  }

  // Adds `by` to the counter `name` (and hashes nothing: counters
  // summarize).
  void Count(std::string_view name, std::uint64_t by = 1);
  // The counter `name` itself (created at 0), for hot paths that count
  // often: the reference stays valid as long as the Trace, which must not
  // be moved or copied meanwhile (the Scheduler owning it cannot be).
  std::uint64_t& Counter(std::string_view name);
  // The counter's value; 0 if never counted.
  std::uint64_t count(std::string_view name) const;
  // Every counter, by name (a copy, built on each call).
  std::map<std::string, std::uint64_t, std::less<>> counters() const;

  std::uint64_t hash() const { return hash_; }
  std::uint64_t events() const { return events_; }
  bool keeps_text() const { return keep_text_; }
  // One line per event ("   0.001500000s  pick     task 3 (index 1 of 2)"),
  // empty unless the trace keeps text.
  const std::vector<std::string>& lines() const { return lines_; }
  // All lines joined, then the counters; or a note that text was not kept.
  std::string ToString() const;

 private:
  // One multiply-xorshift round per 64-bit word (not byte-wise FNV: this is
  // on every scheduling step). Order-sensitive, platform-independent.
  void Mix(std::uint64_t value) {
    hash_ = (hash_ ^ value) * 0x9e3779b97f4a7c15ULL;
    hash_ ^= hash_ >> 29;
  }
  // The rest of Add: `detail`'s words into the hash, and the text line.
  void AddRest(Duration time, TraceKind kind, std::uint64_t a, std::uint64_t b,
               std::string_view detail);

  static constexpr std::size_t kInlineCounters = 16;
  static constexpr std::size_t kInlineNameBytes = 32;
  struct InlineCounter {
    std::array<char, kInlineNameBytes> name{};
    std::uint8_t name_size = 0;
    std::uint64_t value = 0;
    std::string_view Name() const { return {name.data(), name_size}; }
  };
  // The counter named `name`, or null.
  const std::uint64_t* FindCounter(std::string_view name) const;

  bool keep_text_;
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t events_ = 0;
  std::vector<std::string> lines_;
  // Counters in order of first use; never moved (Counter's references).
  std::array<InlineCounter, kInlineCounters> inline_counters_;
  std::size_t inline_used_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> more_counters_;
};

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_TRACE_H_
