// conformance/program.h: property programs -- what each endpoint does in
// one randomized conformance case, how it runs on a Subject, and how its
// history is judged.
//
// On each endpoint one writer task performs the endpoint's operations in
// order (writes and writevs of given sizes, pauses, a close somewhere, and
// writes after that close, which must return Closed), and `readers` reader
// tasks read until Eof or an error (the first may read on after Eof). Every
// endpoint closes at some point, so a correct flow always lets every task
// finish; a task still pending at the end is evidence against some clause,
// which the checker names.
//
// Written bytes are a pattern in which no pair of neighbouring bytes repeats
// within 32 KiB and the whole repeats only after 8 MiB (PatternByte), so a
// lost, repeated, reordered or changed byte cannot go unnoticed. A program
// prints one operation per line, the way a human would write the
// counterexample.
#ifndef FLOWCHECK_CONFORMANCE_PROGRAM_H_
#define FLOWCHECK_CONFORMANCE_PROGRAM_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/subject.h"
#include "model/checker.h"
#include "model/history.h"

namespace flowcheck::conformance {

struct ProgramOp {
  enum class Kind { kWrite, kWritev, kClose, kPause };
  Kind kind = Kind::kWrite;
  std::vector<std::uint32_t> sizes;  // kWrite: one size; kWritev: the parts
  std::uint32_t pause_us = 0;        // kPause

  // "write 1200 bytes", "writev [3, 0, 17]", "close", "pause 40us".
  std::string ToString() const;
};

struct EndpointProgram {
  std::vector<ProgramOp> ops;  // one close among them (added if missing)
  int readers = 1;             // concurrent reader tasks, 1 or 2
  int reads_after_eof = 0;     // the first reader reads this many more
                               // times after Eof (each must be Eof: R7)
};

struct Program {
  std::uint64_t seed = 0;  // the subject's seed and the bytes' pattern
  EndpointProgram a;
  EndpointProgram b;

  // Every endpoint closes exactly once: adds a close at the end of an
  // endpoint that has none, drops closes after the first.
  void Normalize();
  // One line per operation: "A1: write 1200 bytes" ... then the readers.
  std::string ToString() const;
};

// The result of running one program on one subject.
struct Execution {
  History history;
  CheckResult verdict;
  // How the run ended: pending tasks, exact or bounded, the trace hash of a
  // simulated run.
  RunReport run;
  // Every fault the world reported during the run, in order, as "A: <its
  // description>" -- also those that relax nothing (timing-only and
  // contract-breaking faults, which the history does not record).
  std::vector<std::string> faults;
  // What the world's link saw of A's and B's direction at the end of the
  // run (indexed by the writer's Side), where the world can tell.
  std::optional<LinkEvidence> link[2];

  bool ok() const { return verdict.ok(); }
  Evidence evidence() const { return EvidenceOf(run); }
  // Whether a simulated run hit its virtual time limit: what was still
  // pending then was not judged (the history is cut off), and the case
  // says "not reached", never PASS or FAIL, for what it could not see.
  bool cut_off() const { return history.end() == HistoryEnd::kCutOff; }
  // The verdict, the pending tasks and the history, for a report.
  std::string Explain() const;
};

// How long a simulated run may go on in virtual time before it is stopped
// (it costs no real time; correct runs on most plans end long before; a
// slow plan -- 1 KiB/s links, hour-long close delays -- may not, and its
// cases are then cut off, not failed). Real-time worlds use the caller's
// watchdog instead.
inline constexpr Duration kSimulatedTimeLimit = std::chrono::hours(1);

// How long one case may run before its pending operations are judged.
struct RunLimits {
  // Real-time worlds: the watchdog (steady clock). Pending operations are
  // then judged as if final (bounded evidence).
  Duration watchdog = std::chrono::seconds(10);
  // Simulated worlds: virtual time (costs no real time). Pending
  // operations are then undecided: the case is cut off, not judged.
  Duration virtual_time = kSimulatedTimeLimit;
};

// Spawns a case's tasks on the recorded endpoints `a` and `b` of `subject`
// (whose own a and b are null by then; its runtime and inject_reset are
// there to use).
using Starter =
    std::function<void(Runtime& runtime, Flow& a, Flow& b, Subject& subject)>;

// Runs the tasks `start` spawns on `subject` (fresh; its endpoints are
// consumed), records every operation, runs the runtime with RunFor --
// limits.watchdog of real time, or limits.virtual_time where the runtime is
// simulated -- and judges the history. A real-time run that
// waited out its watchdog is judged as if quiescent (HistoryEnd::kWaitedOut:
// evidence kBounded, which the report names); a simulated run that hit its
// virtual limit is cut off (pending operations undecided, cut_off()). The
// building block of programs and scenarios.
Execution RunRecorded(Subject& subject, const Starter& start,
                      const RunLimits& limits);

// Runs `program` on `subject` (which must be fresh; its endpoints are
// consumed: afterwards subject.a and subject.b are null) as RunRecorded
// does.
Execution RunProgram(Subject& subject, const Program& program,
                     const RunLimits& limits = {});

// The tasks and I/O still pending in `report`, one indented line each
// ("  task 'A-reader' waits on ..."), for counterexamples.
std::string PendingLines(const RunReport& report);

// The pattern byte at `offset` of the stream written by `side`.
char PatternByte(std::uint64_t seed, Side side, std::uint64_t offset);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_PROGRAM_H_
