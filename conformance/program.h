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
  RunResult run;
  // Pending tasks when the run ended (also in run.pending).
  bool ok() const { return verdict.ok(); }
  // The verdict, the pending tasks and the history, for a report.
  std::string Explain() const;
};

// Spawns a case's tasks on the recorded endpoints `a` and `b` of `world`.
using Starter =
    std::function<void(Runtime& runtime, Flow& a, Flow& b, World& world)>;

// Runs the tasks `start` spawns on `subject` (fresh; its endpoints are
// consumed), records every operation, waits as RunProgram does and judges
// the history. The building block of programs and scenarios.
Execution RunRecorded(Subject& subject, const Starter& start, Duration limit);

// Runs `program` on `subject` (which must be fresh; its endpoints are
// consumed: afterwards subject.a and subject.b are null), waiting at most
// `limit` of real time (simulated worlds run to quiescence), records every
// operation and judges the history. A world that stopped on its watchdog
// is judged as quiescent: evidence kBounded, which the report names.
Execution RunProgram(Subject& subject, const Program& program,
                     Duration limit = std::chrono::seconds(10));

// The pattern byte at `offset` of the stream written by `side`.
char PatternByte(std::uint64_t seed, Side side, std::uint64_t offset);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_PROGRAM_H_
