// flows/testing.h: test helpers for real flows -- byte streams whose
// corruption shows, seeded writers and readers, an fd counter, and
// RecordedConnection: a pair of real endpoints recorded into one History and
// judged by the model checker.
//
// Test-only (testonly in BUILD). Everything here runs on the thread that
// runs the connection's runtime. Nothing reads the wall clock except
// through AsioRuntime (for the history's timestamps and the watchdog).
#ifndef FLOWCHECK_FLOWS_TESTING_H_
#define FLOWCHECK_FLOWS_TESTING_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "flow/flow.h"
#include "flows/asio_runtime.h"
#include "flows/pairs.h"
#include "flows/stream_flow.h"
#include "model/checker.h"
#include "model/history.h"
#include "model/history_gen.h"
#include "model/recorder.h"

namespace flowcheck::flows {

// Prints a Transport by its name (gtest finds it for parameterized tests).
void PrintTo(const Transport& transport, std::ostream* os);

namespace testing {

// A watchdog for test bodies that normally take milliseconds: long enough
// for a loaded 2-core machine under ASan, short enough to fail before
// Bazel's test timeout.
inline constexpr Duration kTestWatchdog = std::chrono::seconds(40);

// The bytes a stream test writes: stream number `stream` is the pattern
// PatternBytes(stream, Side::kA, ...) of model/history_gen.h, the one
// pattern all tests share, so a lost, duplicated or reordered chunk shows.
inline std::string StreamBytes(std::uint64_t stream, std::uint64_t offset,
                               std::size_t size) {
  return PatternBytes(stream, Side::kA, offset, size);
}

// The number of open file descriptors of this process (entries of
// /proc/self/fd, not counting the one used to list them); -1 if
// /proc/self/fd cannot be read.
int CountOpenFds();

// How WriteStream writes.
struct WritePlan {
  std::uint64_t stream = 0;     // which StreamBytes to write
  std::size_t total_bytes = 0;  // how many
  std::uint64_t seed = 0;       // decides sizes, writev, yields (sim::Random)
  std::size_t max_write_bytes = 4096;
  bool zero_length_writes = false;  // sometimes write or writev 0 bytes
  bool yield_sometimes = false;     // sometimes sleep(0) between writes
  bool close_at_end = true;
};

// Writes plan.total_bytes of StreamBytes(plan.stream, ...) in writes and
// writevs (a quarter of the calls; 0 to 5 parts, empty parts included when
// zero_length_writes) of seeded random sizes, then closes if asked.
// Expects (gtest EXPECT) every write to return Ok.
Task<void> WriteStream(Runtime& runtime, Flow& flow, WritePlan plan);

// What ReadToEnd saw.
struct ReadOutcome {
  std::string bytes;              // the Data read, concatenated
  std::optional<ReadResult> end;  // the first non-Data result
  int reads = 0;                  // Data results
};

// Reads until a read returns Eof or an error, into *outcome; with a seed,
// sometimes yields between reads.
Task<void> ReadToEnd(Runtime& runtime, Flow& flow, ReadOutcome* outcome,
                     std::optional<std::uint64_t> yield_seed = std::nullopt);

// A connection under test: a new AsioRuntime, the two endpoints of
// `transport` on it, each wrapped in a RecordingFlow writing into one
// History (invocations named after the running task).
//
// Destruction order is handled: unfinished tasks first, then the flows,
// then the runtime. Coroutines spawned on runtime() must not refer to
// anything destroyed before this object.
class RecordedConnection {
 public:
  explicit RecordedConnection(const Transport& transport);
  ~RecordedConnection();
  RecordedConnection(const RecordedConnection&) = delete;
  RecordedConnection& operator=(const RecordedConnection&) = delete;

  AsioRuntime& runtime() { return *runtime_; }
  // The recorded endpoints: use these in tests.
  Flow& a() { return *a_; }
  Flow& b() { return *b_; }
  // The endpoints under the recorders (for Abort).
  StreamFlow& raw_a() { return *raw_a_; }
  StreamFlow& raw_b() { return *raw_b_; }
  History& history() { return history_; }

  // Records a fault that fired on `side` at the runtime's current time.
  void RecordFault(Side side, std::string name, FaultEffects effects);

  // Runs the spawned tasks with RunWithWatchdog(limit).
  RunReport Run(Duration limit = kTestWatchdog);

  // Ends the history as cut off (real time can never prove that a pending
  // operation stays pending) if it is still open, and judges it.
  CheckResult Check();

  // The history, one event per line, for failure messages.
  std::string HistoryText() const { return history_.ToString(); }

 private:
  std::unique_ptr<AsioRuntime> runtime_;
  History history_;
  StreamFlow* raw_a_ = nullptr;
  StreamFlow* raw_b_ = nullptr;
  std::unique_ptr<RecordingFlow> a_;
  std::unique_ptr<RecordingFlow> b_;
};

}  // namespace testing
}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_TESTING_H_
