// conformance/coverage.h: what a set of property programs actually
// exercised -- one counter per behaviour class (a close while a write of
// its endpoint was pending, a many-part writev, a long half-close, ...) and
// per clause "reached" (a read returned Eof, a write returned Closed, a
// fault fired, ...), so that a gap in what the suite reaches shows up as a
// zero, not as silence.
//
// Counts come from the recorded History of each Execution (and the Program
// for what the history cannot say, such as which task was meant to close),
// so they count what happened, not what was asked: a close the generator
// placed "during a pending write" counts only if the write was in fact
// still pending when the close was invoked.
//
// Plain values; not thread-safe. CoverageOf is pure.
#ifndef FLOWCHECK_CONFORMANCE_COVERAGE_H_
#define FLOWCHECK_CONFORMANCE_COVERAGE_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "conformance/program.h"
#include "flow/runtime.h"

namespace flowcheck::conformance {

// The classes counted, behaviour classes first, then clauses reached.
enum class CoverageClass {
  kCloseDuringPendingWrite,  // close invoked while a write on its side pended
  kCloseDuringPendingRead,   // close invoked while a read on its side pended
  kWriteWhileCloseWaits,     // write invoked while its side's close pended
  kCloseByOtherTask,         // a close by a task that did not write
  kDoubleClose,              // an endpoint closed twice or more
  kWriteAfterSecondClose,    // a write invoked after a second close
  kManyPartWritev,           // a writev of 32 parts or more
  kWritevEmptyEdges,         // a writev with an empty first/last part or a
                             // run of 2+ empties
  kWritevCrosses4KiB,        // a writev of 4 KiB or more in total
  kWritevCrosses64KiB,       // ... 64 KiB or more
  kWritevCrosses1MiB,        // ... 1 MiB or more
  kPowerOfTwoWrite,          // a write of 2^k-1, 2^k or 2^k+1 bytes, k >= 8
  kBothWindowsFullAtClose,   // a close invoked while writes pended on both
                             // sides
  kPauseMicroseconds,        // a task waited 1 us .. 1 ms between operations
  kPauseMilliseconds,        // ... 1 ms .. 1 s
  kPauseSeconds,             // ... 1 s or more
  kOpsAfterReset,            // a write and a read invoked after a
                             // connection-breaking fault
  kLongHalfClose,            // a half-close held 1 s or more
  // Clauses reached.
  kReadEof,              // a read returned Eof (C2, R5)
  kReadAfterEof,         // a read invoked after an Eof (R7)
  kHalfCloseWithData,    // a write returned Ok after the peer's close,
                         // before its own (C3)
  kCloseWaitedForPeer,   // a close returned after waiting for the peer (C4)
  kBothClosesReturned,   // both endpoints' closes returned (C5)
  kFaultFired,           // the history records a fault (E1)
  kWriteReturnedClosed,  // a write or writev returned Closed (W2)
  kWritevDelivered,      // a writev of 2+ non-empty parts returned Ok (W3)
  kDataBothWays,         // both endpoints read data (X1)
};

inline constexpr int kCoverageClassCount =
    static_cast<int>(CoverageClass::kDataBothWays) + 1;

// One row of the table of classes.
struct CoverageClassInfo {
  CoverageClass id;
  std::string_view name;     // "close_during_pending_write"
  std::string_view clauses;  // "C1 W1", what reaching it exercises
  std::string_view description;
  // Reachable only where the world can inject a reset (Subject::
  // inject_reset) / only in virtual time (pauses of seconds are capped in
  // real time).
  bool needs_reset = false;
  bool needs_virtual_time = false;
};

// Every class, in CoverageClass order.
const std::array<CoverageClassInfo, kCoverageClassCount>& CoverageClasses();

struct Coverage {
  std::int64_t programs = 0;  // executions counted
  // Per class (indexed by CoverageClass): how many executions reached it.
  std::array<std::int64_t, kCoverageClassCount> counts{};
  // The longest half-close held in any execution (from one side's first
  // close to the peer's first close, or the end of the history).
  Duration longest_half_close{0};

  std::int64_t count(CoverageClass id) const {
    return counts[static_cast<int>(id)];
  }
  // count / programs (0 when nothing was counted).
  double share(CoverageClass id) const;
  // Adds `other`'s counts and programs; keeps the longer half-close.
  void Add(const Coverage& other);
  // A table a person reads: one row per class with its clauses, count and
  // share of programs, then the longest half-close.
  std::string ToString() const;
  // {"programs": N, "longest_half_close_ns": T, "classes": {"name": count}}
  std::string ToJson() const;
  // The inverse of ToJson; nullopt for text that is not one (unknown class
  // names are an error, missing ones count 0).
  static std::optional<Coverage> FromJson(const std::string& json);
};

// The coverage class that shows `clause`'s protected behaviour happened
// (C2: a read returned Eof), where one exists; a clause whose class no
// program reached, and that no scenario targeted, is NOT REACHED rather
// than a vacuous PASS.
std::optional<CoverageClass> ClassThatReaches(Clause clause);

// Why `clause` is NOT REACHED although programs ran -- none of them did
// what it protects and no scenario targeted it: "0 of 83 programs reached
// it (a read returned Eof) and no scenario for it ran". nullopt when that
// is not so (some program reached it, a scenario ran for it, no program
// ran, or the clause has no class).
std::optional<std::string> UnreachedReason(Clause clause,
                                           const Coverage& coverage,
                                           std::int64_t scenarios);

// What one execution of `program` reached (programs = 1).
Coverage CoverageOf(const Program& program, const Execution& execution);

// How long a half-close was held in `history`: the longest span from one
// side's first close invocation to the peer's first close invocation (or
// the end of the history), 0 if neither side closed.
Duration HalfCloseHeld(const History& history);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_COVERAGE_H_
