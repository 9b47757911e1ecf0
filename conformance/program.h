// conformance/program.h: property programs -- what each endpoint does in
// one randomized conformance case, how it runs on a Subject, and how its
// history is judged.
//
// Each endpoint runs up to two tasks that perform its operations in order:
// the writer ("A-writer": writes, writevs, pauses, closes, holds, resets)
// and, where the program has operations for it, a closer ("A-closer":
// pauses and closes), so that a close can be invoked while a write of the
// same endpoint is still pending, and writes can be invoked while the
// close waits for the peer. An endpoint may close more than once (a second
// close is spec-silent; writes after any close must return Closed, W2).
// `readers` reader tasks read until Eof, optionally slowly (a pause before
// each read, so the peer's writes meet backpressure), and optionally on
// after an error (a reset) and after Eof. Every endpoint closes at least
// once, so a correct flow always lets every task finish; a task still
// pending at the end is evidence against some clause, which the checker
// names.
//
// Written bytes are a pattern in which no pair of neighbouring bytes repeats
// within 32 KiB and the whole repeats only after 8 MiB (PatternByte), so a
// lost, repeated, reordered or changed byte cannot go unnoticed. A program
// prints one operation per line, naming the task that performs it, the way
// a human would write the counterexample.
//
// Single-threaded, like the runtimes: a program runs on its Subject's
// runtime; Program and Execution are plain values.
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
  enum class Kind {
    kWrite,   // write sizes[0] pattern bytes
    kWritev,  // writev with parts of sizes[0..n) pattern bytes
    kClose,   // close (again, if the endpoint already closed)
    kPause,   // sleep pause_us (real-time worlds cap it, RunLimits)
    // Hold the half-close: sleep the run's hold time (RunLimits) in four
    // slices, writing sizes[0] bytes after each, so that data flows towards
    // a peer that has closed while this endpoint has not.
    kHold,
    // Reset the connection where the world can (Subject::inject_reset; a
    // no-op elsewhere); later operations go on regardless (E1).
    kReset,
  };
  // The task of the endpoint that performs the operation.
  enum class Actor { kWriter, kCloser };

  Kind kind = Kind::kWrite;
  std::vector<std::uint32_t> sizes;  // kWrite: one size; kWritev: the parts;
                                     // kHold: bytes written per slice
  std::uint32_t pause_us = 0;        // kPause
  Actor actor = Actor::kWriter;

  friend bool operator==(const ProgramOp&, const ProgramOp&) = default;

  // "write 1200 bytes", "writev [3, 0, 17]", "close", "pause 40us",
  // "writev 300 parts [0 x12, 1, 65536, ...] = 70000 bytes" (long lists
  // are run-length encoded), "hold the half-close, writing 16 bytes x4",
  // "reset the connection".
  std::string ToString() const;
};

struct EndpointProgram {
  // The operations of both tasks, each task's in order (see Actor). At
  // least one close (Normalize adds one at the end if missing).
  std::vector<ProgramOp> ops;
  int readers = 1;          // concurrent reader tasks, 1 or 2
  int reads_after_eof = 0;  // the first reader reads this many more
                            // times after Eof (each must be Eof: R7)
  // Each reader reads this many more times after its first error (E1:
  // later operations must fail too, never return fabricated data).
  int reads_after_error = 0;
  // Each reader sleeps this long before each read (0: reads at once), so
  // the peer's writes fill the window (real-time worlds cap it, RunLimits).
  std::uint32_t read_pause_us = 0;

  friend bool operator==(const EndpointProgram&,
                         const EndpointProgram&) = default;
};

struct Program {
  std::uint64_t seed = 0;  // the subject's seed and the bytes' pattern
  EndpointProgram a;
  EndpointProgram b;

  friend bool operator==(const Program&, const Program&) = default;

  // Every endpoint closes at least once: adds a close at the end of the
  // writer of an endpoint that has none; clamps readers to 1..2 and the
  // read counts to 0..1000. Extra closes are kept (double close).
  void Normalize();
  // Whether Normalize() would change nothing (a decoded fuzz case is
  // normal already: RunProgram then runs it without a copy).
  bool IsNormal() const;
  // One line per operation, naming its task: "A1 writer: write 1200 bytes",
  // "A4 closer: close" ... then the readers.
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
  // What the world's own processes said (Subject::world_log), if anything.
  std::string world_log;

  // The pending tasks, the world's log and the history, for a report.
  std::string Details() const;
  // The verdict, then Details().
  std::string Explain() const;
};

// How long a simulated run may go on in virtual time before it is stopped
// (it costs no real time; correct runs on most plans end long before; a
// slow plan -- 1 KiB/s links, hour-long close delays -- may not, and its
// cases are then cut off, not failed). Real-time worlds use the caller's
// watchdog instead.
inline constexpr Duration kSimulatedTimeLimit = std::chrono::hours(1);

// How long one case may run before its pending operations are judged, and
// how long a program's waits last in each world.
struct RunLimits {
  // Real-time worlds: the watchdog (steady clock). Pending operations are
  // then judged as if final (bounded evidence).
  Duration watchdog = std::chrono::seconds(10);
  // Simulated worlds: virtual time (costs no real time). Pending
  // operations are then undecided: the case is cut off, not judged.
  Duration virtual_time = kSimulatedTimeLimit;
  // How long a kHold op holds the half-close: virtual minutes in the
  // simulation (free), a few seconds in real time -- at most a quarter of
  // the watchdog there, so a correct flow always finishes in time.
  Duration half_close_hold_virtual = std::chrono::minutes(2);
  Duration half_close_hold_real = std::chrono::seconds(2);
  // Real-time worlds cap each kPause and each reader's pause at this (a
  // program's "pause 3s" costs seconds there); the simulation sleeps the
  // whole pause in virtual time.
  Duration real_pause_max = std::chrono::milliseconds(20);

  // The hold a run on `runtime` uses (the rules above).
  Duration HalfCloseHold(const Runtime& runtime) const;
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

// The next `size` bytes of the pattern `side` writes under `seed`
// (PatternBytes in model/history_gen.h), starting at `offset`, which
// advances past them.
Buffer PatternBuffer(std::uint64_t seed, Side side, std::uint64_t& offset,
                     std::uint32_t size);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_PROGRAM_H_
