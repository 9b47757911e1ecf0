// The flow contract on real transports: every test runs on each of the
// three pairs (socketpair, TCP over loopback, pipes), records both
// endpoints into a History and has the model checker judge it.
//
// Deterministic: byte contents and write sizes come from fixed seeds; no
// assertion depends on how long anything took. Where a test shows that
// something stays pending (C4, destroyed reads and writes), it runs for a
// bounded time and asserts on the run's report of what is still pending:
// a longer wait could only make it stricter, never flaky.
#include "flows/stream_flow.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "flows/pairs.h"
#include "flows/testing.h"
#include "model/checker.h"

namespace flowcheck::flows {
namespace {

using std::chrono::milliseconds;
using testing::ReadOutcome;
using testing::ReadToEnd;
using testing::RecordedConnection;
using testing::StreamBytes;
using testing::WritePlan;
using testing::WriteStream;

// Fails the test with the verdict and the history unless the checker
// accepts the connection's history.
void ExpectContractKept(RecordedConnection& connection) {
  CheckResult verdict = connection.Check();
  EXPECT_TRUE(verdict.ok()) << verdict.ToString() << "\nhistory:\n"
                            << connection.HistoryText();
}

// Compares big byte strings without printing megabytes.
void ExpectSameBytes(const std::string& got, const std::string& want,
                     const std::string& what) {
  if (got == want) return;
  std::size_t first = 0;
  while (first < got.size() && first < want.size() &&
         got[first] == want[first]) {
    ++first;
  }
  ADD_FAILURE() << what << ": got " << got.size() << " bytes, want "
                << want.size() << "; first difference at byte " << first;
}

void ExpectEof(const ReadOutcome& outcome, const std::string& who) {
  ASSERT_TRUE(outcome.end.has_value()) << who << " never finished reading";
  EXPECT_TRUE(outcome.end->is_eof()) << who << " ended with " << *outcome.end;
}

class StreamFlowContract : public ::testing::TestWithParam<Transport> {};

INSTANTIATE_TEST_SUITE_P(
    Transports, StreamFlowContract,
    ::testing::ValuesIn(AllTransports().begin(), AllTransports().end()),
    [](const ::testing::TestParamInfo<Transport>& param_info) {
      return std::string(param_info.param.name);
    });

// X1, R2..R5, W1, W3, C1, C2: several MiB each way at the same time, in
// random writes and writevs, then both close.
TEST_P(StreamFlowContract, BulkTransferBothWaysAtOnce) {
  constexpr std::size_t kBytes = 3 << 20;
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  ReadOutcome at_a;
  ReadOutcome at_b;
  runtime.spawn(WriteStream(runtime, connection.a(),
                            WritePlan{.stream = 1,
                                      .total_bytes = kBytes,
                                      .seed = 101,
                                      .max_write_bytes = 256 * 1024}),
                "A-writer");
  runtime.spawn(WriteStream(runtime, connection.b(),
                            WritePlan{.stream = 2,
                                      .total_bytes = kBytes,
                                      .seed = 202,
                                      .max_write_bytes = 256 * 1024}),
                "B-writer");
  runtime.spawn(ReadToEnd(runtime, connection.a(), &at_a), "A-reader");
  runtime.spawn(ReadToEnd(runtime, connection.b(), &at_b), "B-reader");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  ExpectSameBytes(at_b.bytes, StreamBytes(1, 0, kBytes), "B received");
  ExpectSameBytes(at_a.bytes, StreamBytes(2, 0, kBytes), "A received");
  ExpectEof(at_a, "A");
  ExpectEof(at_b, "B");
  ExpectContractKept(connection);
}

// R2, R4, W3 and zero-length writes: seeded random sizes, writevs with
// empty parts, yields between operations on both sides.
TEST_P(StreamFlowContract, SeededRandomWritesAndWritevs) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::size_t bytes_a = 20000 + 9000 * seed;
    const std::size_t bytes_b = 60000 - 7000 * seed;
    RecordedConnection connection(GetParam());
    AsioRuntime& runtime = connection.runtime();
    ReadOutcome at_a;
    ReadOutcome at_b;
    runtime.spawn(WriteStream(runtime, connection.a(),
                              WritePlan{.stream = 10 + seed,
                                        .total_bytes = bytes_a,
                                        .seed = seed,
                                        .max_write_bytes = 5000,
                                        .zero_length_writes = true,
                                        .yield_sometimes = true}),
                  "A-writer");
    runtime.spawn(WriteStream(runtime, connection.b(),
                              WritePlan{.stream = 20 + seed,
                                        .total_bytes = bytes_b,
                                        .seed = seed * 1000,
                                        .max_write_bytes = 3000,
                                        .zero_length_writes = true,
                                        .yield_sometimes = true}),
                  "B-writer");
    runtime.spawn(ReadToEnd(runtime, connection.a(), &at_a, seed * 7),
                  "A-reader");
    runtime.spawn(ReadToEnd(runtime, connection.b(), &at_b, seed * 11),
                  "B-reader");
    RunReport report = connection.Run();
    ASSERT_TRUE(report.all_done()) << report.ToString();
    ExpectSameBytes(at_b.bytes, StreamBytes(10 + seed, 0, bytes_a),
                    "B received");
    ExpectSameBytes(at_a.bytes, StreamBytes(20 + seed, 0, bytes_b),
                    "A received");
    ExpectEof(at_a, "A");
    ExpectEof(at_b, "B");
    ExpectContractKept(connection);
  }
}

Task<void> RequestThenClose(Flow& flow, std::string request, bool* closed) {
  WriteResult result = co_await flow.write(Buffer::FromString(request));
  EXPECT_TRUE(result.is_ok()) << result;
  co_await flow.close();
  *closed = true;
}

Task<void> ServeOneRequest(Runtime& runtime, Flow& flow, ReadOutcome* request,
                           std::string response, bool* closed) {
  co_await ReadToEnd(runtime, flow, request);
  WriteResult result = co_await flow.write(Buffer::FromString(response));
  EXPECT_TRUE(result.is_ok()) << result;
  co_await flow.close();
  *closed = true;
}

// C3 and the read pump: A sends a request and closes; while A's close
// waits for B, A's reader still receives B's response, then Eof.
TEST_P(StreamFlowContract, HalfCloseRequestCloseResponse) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  const std::string request = StreamBytes(1, 0, 10000);
  const std::string response = StreamBytes(2, 0, 150000);
  ReadOutcome at_a;
  ReadOutcome at_b;
  bool a_closed = false;
  bool b_closed = false;
  runtime.spawn(ReadToEnd(runtime, connection.a(), &at_a), "A-reader");
  runtime.spawn(RequestThenClose(connection.a(), request, &a_closed),
                "A-client");
  runtime.spawn(
      ServeOneRequest(runtime, connection.b(), &at_b, response, &b_closed),
      "B-server");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  ExpectSameBytes(at_b.bytes, request, "B's request");
  ExpectSameBytes(at_a.bytes, response, "A's response");
  ExpectEof(at_a, "A");
  ExpectEof(at_b, "B");
  EXPECT_TRUE(a_closed);
  EXPECT_TRUE(b_closed);
  ExpectContractKept(connection);
}

Task<void> CloseAndNote(Flow& flow, bool* closed) {
  co_await flow.close();
  *closed = true;
}

Task<void> ReadEofThenClose(Flow& flow, bool* closed) {
  ReadResult result = co_await flow.read();
  EXPECT_TRUE(result.is_eof()) << result;
  co_await flow.close();
  *closed = true;
}

// C4, C5: A's close does not return while B stays idle, and returns once
// B closes. Real time can show "does not return" only for as long as the
// test looks (the simulation proves it exactly, in the C4 scenario): the
// report of a bounded run says A's close is still pending, and on what.
TEST_P(StreamFlowContract, CloseWaitsForThePeer) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  bool a_closed = false;
  bool b_closed = false;
  runtime.spawn(CloseAndNote(connection.a(), &a_closed), "A-closer");
  const RunReport idle = runtime.RunFor(milliseconds(100));
  EXPECT_FALSE(a_closed)
      << "A's close returned while B had not called close (C4)";
  ASSERT_EQ(idle.outcome, RunReport::Outcome::kTimeLimit) << idle.ToString();
  ASSERT_EQ(idle.pending.size(), 1u) << idle.ToString();
  EXPECT_EQ(idle.pending[0].name, "A-closer");
  EXPECT_EQ(idle.pending[0].waiting_on.rfind("close on ", 0), 0u)
      << idle.ToString();

  runtime.spawn(ReadEofThenClose(connection.b(), &b_closed), "B-closer");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  EXPECT_TRUE(a_closed);
  EXPECT_TRUE(b_closed);
  ExpectContractKept(connection);
}

Task<void> ReadEofRepeatedly(Flow& flow, int* eofs) {
  for (int i = 0; i < 3; ++i) {
    ReadResult result = co_await flow.read();
    EXPECT_TRUE(result.is_eof()) << "read " << i << ": " << result;
    if (result.is_eof()) ++*eofs;
  }
  co_await flow.close();
  // After both closes returned and the stream was released.
  for (int i = 0; i < 2; ++i) {
    ReadResult result = co_await flow.read();
    EXPECT_TRUE(result.is_eof()) << "read after close " << i << ": " << result;
    if (result.is_eof()) ++*eofs;
  }
}

// R7: Eof again on every later read, also after this side's own close.
Task<void> WriteOnce(Flow& flow, std::string bytes) {
  const WriteResult result = co_await flow.write(Buffer::FromString(bytes));
  EXPECT_TRUE(result.is_ok()) << result;
}

// C1 with two closes: A writes 4 MiB nobody reads yet and closes twice;
// B closes at once and only then reads. A's second close sees B's end of
// file long before A's bytes are out; it must not release the stream
// (cutting them off) before the first close's shutdown -- behind the
// write -- went out. (Found certifying TLS, examples/tls/.)
TEST_P(StreamFlowContract, ASecondCloseDoesNotCutOffWhatTheFirstQueued) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  const std::string bytes = StreamBytes(7, 0, 4 << 20);
  bool first_closed = false;
  bool second_closed = false;
  bool b_closed = false;
  ReadOutcome at_b;
  runtime.spawn(WriteOnce(connection.a(), bytes), "A-writer");
  runtime.spawn(CloseAndNote(connection.a(), &first_closed), "A-closer-1");
  runtime.spawn(CloseAndNote(connection.a(), &second_closed), "A-closer-2");
  runtime.spawn(
      [](Runtime& rt, Flow& b, ReadOutcome* out, bool* closed) -> Task<void> {
        co_await b.close();
        *closed = true;
        co_await ReadToEnd(rt, b, out);
      }(runtime, connection.b(), &at_b, &b_closed),
      "B");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  ExpectSameBytes(at_b.bytes, bytes, "B's bytes");
  ExpectEof(at_b, "B");
  EXPECT_TRUE(first_closed && second_closed && b_closed);
  ExpectContractKept(connection);
}

TEST_P(StreamFlowContract, EofIsSticky) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  bool a_closed = false;
  int eofs = 0;
  runtime.spawn(CloseAndNote(connection.a(), &a_closed), "A-closer");
  runtime.spawn(ReadEofRepeatedly(connection.b(), &eofs), "B-reader");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(eofs, 5);
  EXPECT_TRUE(a_closed);
  ExpectContractKept(connection);
}

Task<void> WriteAfterClose(Flow& flow, int* closed_results) {
  WriteResult write = co_await flow.write(Buffer::Copy("late"));
  EXPECT_TRUE(write.is_closed()) << write;
  if (write.is_closed()) ++*closed_results;
  std::vector<Buffer> parts;
  parts.push_back(Buffer::Copy("also"));
  parts.push_back(Buffer::Copy("late"));
  WriteResult writev = co_await flow.writev(std::move(parts));
  EXPECT_TRUE(writev.is_closed()) << writev;
  if (writev.is_closed()) ++*closed_results;
}

Task<void> StartWriterThenClose(Runtime& runtime, Flow& flow,
                                int* closed_results, bool* closed) {
  // The writer starts after close() has been invoked below (spawned tasks
  // start on a later io_context turn).
  runtime.spawn(WriteAfterClose(flow, closed_results), "A-late-writer");
  co_await flow.close();
  *closed = true;
  // And after close returned.
  WriteResult write = co_await flow.write(Buffer::Copy("later"));
  EXPECT_TRUE(write.is_closed()) << write;
  if (write.is_closed()) ++*closed_results;
}

// W2: writes on an endpoint that called close return Closed, while its
// close is pending and after it returned.
TEST_P(StreamFlowContract, WriteAfterCloseReturnsClosed) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  int closed_results = 0;
  bool a_closed = false;
  bool b_closed = false;
  ReadOutcome at_b;
  runtime.spawn(
      StartWriterThenClose(runtime, connection.a(), &closed_results, &a_closed),
      "A-closer");
  runtime.spawn(
      ServeOneRequest(runtime, connection.b(), &at_b, "bye", &b_closed), "B");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(closed_results, 3);
  EXPECT_EQ(at_b.bytes, "");
  ExpectEof(at_b, "B");
  ExpectContractKept(connection);
}

struct AbortOutcome {
  std::optional<ReadResult> read;
  std::optional<WriteResult> write;
  bool closed = false;
};

Task<void> AbortPeer(RecordedConnection* connection, bool resets) {
  FaultEffects effects;
  effects.may_fail = true;
  effects.may_lose_data = true;
  effects.may_end = !resets;
  effects.connection_broken = true;
  connection->RecordFault(Side::kA, "peer B aborted", effects);
  connection->RecordFault(Side::kB, "B aborted", effects);
  connection->raw_b().Abort();
  co_return;
}

Task<void> WriteThenSufferAbort(RecordedConnection* connection, bool resets,
                                AbortOutcome* outcome) {
  Flow& a = connection->a();
  // Bytes B will never read: a socketpair's abort resets A only then.
  WriteResult first =
      co_await a.write(Buffer::FromString(StreamBytes(1, 0, 1000)));
  EXPECT_TRUE(first.is_ok()) << first;
  connection->runtime().spawn(AbortPeer(connection, resets), "B-aborter");
  outcome->read = co_await a.read();
  outcome->write =
      co_await a.write(Buffer::FromString(StreamBytes(1, 1000, 200000)));
  co_await a.close();
  outcome->closed = true;
}

// E1: after the peer aborts, A's read fails with a reset, not Eof (pipes
// cannot reset: A reads Eof, and its write fails with EPIPE instead of
// killing the process with SIGPIPE); later operations complete, none hangs.
TEST_P(StreamFlowContract, PeerAbortGivesAnErrorNotEof) {
  const Transport& transport = GetParam();
  RecordedConnection connection(transport);
  AbortOutcome outcome;
  connection.runtime().spawn(
      WriteThenSufferAbort(&connection, transport.abort_resets_peer, &outcome),
      "A");
  RunReport report = connection.Run();
  ASSERT_TRUE(report.all_done()) << report.ToString();
  ASSERT_TRUE(outcome.read.has_value());
  ASSERT_TRUE(outcome.write.has_value());
  if (transport.abort_resets_peer) {
    ASSERT_TRUE(outcome.read->is_error()) << *outcome.read;
    EXPECT_EQ(outcome.read->error().code(), ErrorCode::kConnectionReset)
        << *outcome.read;
    EXPECT_NE(outcome.read->error().description().find("ECONNRESET"),
              std::string::npos)
        << *outcome.read;
  } else {
    EXPECT_TRUE(outcome.read->is_eof()) << *outcome.read;
  }
  ASSERT_TRUE(outcome.write->is_error()) << *outcome.write;
  if (!transport.abort_resets_peer) {
    EXPECT_EQ(outcome.write->error().code(), ErrorCode::kBrokenPipe)
        << *outcome.write;
    EXPECT_NE(outcome.write->error().description().find("EPIPE"),
              std::string::npos)
        << *outcome.write;
  }
  EXPECT_TRUE(outcome.closed);
  ExpectContractKept(connection);
}

Task<void> ReadToEndThenClose(Runtime& runtime, Flow& flow,
                              ReadOutcome* outcome, bool* closed) {
  co_await ReadToEnd(runtime, flow, outcome);
  co_await flow.close();
  *closed = true;
}

Task<void> ReadOnce(Flow& flow, std::optional<ReadResult>* result) {
  *result = co_await flow.read();
}

// Destroying a Task whose read is in flight is safe, and the bytes the
// read pump receives afterwards wait for the next read.
TEST_P(StreamFlowContract, ADestroyedReadLeavesItsBytesForTheNextRead) {
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  std::optional<ReadResult> abandoned;
  runtime.spawn(ReadOnce(connection.a(), &abandoned), "A-first-reader");
  RunReport first = runtime.RunFor(milliseconds(30));
  ASSERT_EQ(first.outcome, RunReport::Outcome::kTimeLimit) << first.ToString();
  runtime.DestroyTasks();  // the pump's read stays in flight
  EXPECT_FALSE(abandoned.has_value());

  ReadOutcome at_a;
  ReadOutcome at_b;
  bool a_closed = false;
  runtime.spawn(WriteStream(runtime, connection.b(),
                            WritePlan{.stream = 3, .total_bytes = 5000}),
                "B-writer");
  runtime.spawn(ReadToEndThenClose(runtime, connection.a(), &at_a, &a_closed),
                "A-reader");
  runtime.spawn(ReadToEnd(runtime, connection.b(), &at_b), "B-reader");
  RunReport second = connection.Run();
  ASSERT_TRUE(second.all_done()) << second.ToString();
  ExpectSameBytes(at_a.bytes, StreamBytes(3, 0, 5000), "A received");
  ExpectEof(at_a, "A");
  ExpectEof(at_b, "B");
  EXPECT_TRUE(a_closed);
  ExpectContractKept(connection);
}

Task<void> WriteOnce(Flow& flow, std::string bytes,
                     std::optional<WriteResult>* result) {
  *result = co_await flow.write(Buffer::FromString(std::move(bytes)));
}

// A Task destroyed while its write is being sent: the write still goes out
// whole (no torn write in the stream); a write queued behind it is
// withdrawn. Neither handler resumes a destroyed frame (ASan would say).
TEST_P(StreamFlowContract, ADestroyedWriteIsFinishedOrWithdrawnNeverTorn) {
  // More than any socket or pipe buffers on Linux, so the write must wait
  // for B, which does not read yet.
  constexpr std::size_t kBig = 24 << 20;
  RecordedConnection connection(GetParam());
  AsioRuntime& runtime = connection.runtime();
  std::optional<WriteResult> big;
  std::optional<WriteResult> queued;
  runtime.spawn(WriteOnce(connection.a(), StreamBytes(4, 0, kBig), &big),
                "A-big-writer");
  runtime.spawn(WriteOnce(connection.a(), "queued behind", &queued),
                "A-queued-writer");
  RunReport first = runtime.RunFor(milliseconds(30));
  ASSERT_EQ(first.outcome, RunReport::Outcome::kTimeLimit) << first.ToString();
  bool big_in_flight = false;
  for (const std::string& line : first.pending_io) {
    if (line.find("write #1") != std::string::npos &&
        line.find("(in flight)") != std::string::npos) {
      big_in_flight = true;
    }
  }
  EXPECT_TRUE(big_in_flight) << first.ToString();
  runtime.DestroyTasks();
  EXPECT_FALSE(big.has_value());
  EXPECT_FALSE(queued.has_value());

  // A closes at once: its shutdown queues behind the abandoned write, which
  // is still being sent, so B reads exactly the big write, then Eof.
  ReadOutcome at_b;
  ReadOutcome at_a;
  bool a_closed = false;
  bool b_closed = false;
  runtime.spawn(CloseAndNote(connection.a(), &a_closed), "A-closer");
  runtime.spawn(ReadToEnd(runtime, connection.b(), &at_b), "B-reader");
  runtime.spawn(ReadToEnd(runtime, connection.a(), &at_a), "A-reader");
  runtime.spawn(CloseAndNote(connection.b(), &b_closed), "B-closer");
  RunReport second = connection.Run();
  ASSERT_TRUE(second.all_done()) << second.ToString();
  ExpectSameBytes(at_b.bytes, StreamBytes(4, 0, kBig), "B received");
  ExpectEof(at_b, "B");
  ExpectEof(at_a, "A");
  EXPECT_TRUE(a_closed);
  EXPECT_TRUE(b_closed);
  ExpectContractKept(connection);
}

}  // namespace
}  // namespace flowcheck::flows
