// One hand-written history per MUST clause that breaks exactly that clause
// and is rejected with its id, plus legal histories the checker must accept.
#include "model/checker.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/history.h"

namespace flowcheck {
namespace {

constexpr Side A = Side::kA;
constexpr Side B = Side::kB;

// Builds histories step by step; every event is 1 us after the previous one.
class Builder {
 public:
  int Invoke(Side side, OpKind kind, std::vector<std::string> args = {}) {
    std::vector<Buffer> buffers;
    for (const std::string& arg : args) buffers.push_back(Buffer::Copy(arg));
    return history_.Invoke(side, kind, std::move(buffers), Tick());
  }
  void Done(int id, ReadResult result) {
    history_.CompleteRead(id, std::move(result), Tick());
  }
  void Done(int id, WriteResult result) {
    history_.CompleteWrite(id, std::move(result), Tick());
  }
  void DoneClose(int id) { history_.CompleteClose(id, Tick()); }

  int Write(Side side, std::string bytes, WriteResult r = WriteResult::Ok()) {
    const int id = Invoke(side, OpKind::kWrite, {std::move(bytes)});
    Done(id, r);
    return id;
  }
  int Writev(Side side, std::vector<std::string> parts) {
    const int id = Invoke(side, OpKind::kWritev, std::move(parts));
    Done(id, WriteResult::Ok());
    return id;
  }
  int Read(Side side, std::string bytes) {
    return ReadResultOf(side, ReadResult::Data(Buffer::Copy(bytes)));
  }
  int ReadEof(Side side) { return ReadResultOf(side, ReadResult::Eof()); }
  int ReadResultOf(Side side, ReadResult result) {
    const int id = Invoke(side, OpKind::kRead);
    Done(id, std::move(result));
    return id;
  }
  int StartRead(Side side) { return Invoke(side, OpKind::kRead); }
  int StartClose(Side side) { return Invoke(side, OpKind::kClose); }
  void Fault(Side side, FaultEffects effects) {
    history_.AddFault(side, "test fault", effects, Tick());
  }
  // A reset, as the simulation and the real transports record one: both
  // endpoints, the connection broken. Returns the first fault's sequence
  // number (events count from 1; a fault is one event).
  std::int64_t Reset() {
    const FaultEffects broken{
        .may_fail = true, .may_lose_data = true, .connection_broken = true};
    history_.AddFault(A, "reset", broken, Tick());
    history_.AddFault(B, "reset", broken, Tick());
    return history_.faults()[history_.faults().size() - 2].seq;
  }

  CheckResult Quiescent(const CheckOptions& options = {}) {
    history_.End(HistoryEnd::kQuiescent, Tick());
    return CheckHistory(history_, options);
  }
  CheckResult CutOff(const CheckOptions& options = {}) {
    history_.End(HistoryEnd::kCutOff, Tick());
    return CheckHistory(history_, options);
  }
  CheckResult WaitedOut() {
    history_.End(HistoryEnd::kWaitedOut, Tick());
    return CheckHistory(history_);
  }
  History& history() { return history_; }

 private:
  Duration Tick() { return std::chrono::microseconds(++micros_); }
  History history_;
  long micros_ = 0;
};

// Expects exactly one violation, of `clause`, naming `op` first.
void ExpectOnly(const CheckResult& result, Clause clause, int op) {
  ASSERT_EQ(result.violations.size(), 1u) << result.ToString();
  EXPECT_EQ(result.violations[0].clause, clause) << result.ToString();
  ASSERT_FALSE(result.violations[0].operations.empty());
  EXPECT_EQ(result.violations[0].operations[0], op) << result.ToString();
  EXPECT_FALSE(result.violations[0].explanation.empty());
}

// A full, legal conversation: both sides write, read, close.
void Conversation(Builder& h) {
  h.Write(A, "hello");
  h.Read(B, "hel");
  h.Read(B, "lo");
  h.Writev(B, {"wor", "", "ld"});
  h.Read(A, "world");
}

TEST(CheckerAccepts, EmptyHistory) {
  Builder h;
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, AFullConversationWithHalfCloseAndClose) {
  Builder h;
  Conversation(h);
  const int close_a = h.StartClose(A);
  h.ReadEof(B);
  h.Write(B, "more");  // C3: B may still write after A's half-close
  h.Read(A, "more");
  const int close_b = h.StartClose(B);
  h.DoneClose(close_a);
  h.DoneClose(close_b);
  h.ReadEof(A);
  h.ReadEof(A);  // R7
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, EveryWayOfSplittingAndCoalescing) {
  Builder h;
  h.Write(A, "ab");
  h.Write(A, "cd");
  h.Write(A, "");
  h.Write(A, "e");
  h.Read(B, "a");
  h.Read(B, "bcde");  // coalesces three writes
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, OverlappingReadsCompletingOutOfOrder) {
  Builder h;
  const int r1 = h.StartRead(B);
  const int r2 = h.StartRead(B);
  h.Write(A, "abcd");
  // r2 got the first bytes, but completed last: the reads overlap, so
  // either order is legal.
  h.Done(r1, ReadResult::Data(Buffer::Copy("cd")));
  h.Done(r2, ReadResult::Data(Buffer::Copy("ab")));
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, PendingWhereTheSpecAllowsIt) {
  Builder h;
  h.StartRead(B);   // nothing written: R1 says pend
  h.StartClose(A);  // B never closes: C4 says pend
  h.Write(B, "x");
  h.StartRead(B);  // second reader, also nothing to read... Eof due
  const CheckResult result = h.CutOff();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, APendingWriteThePeerDoesNotRead) {
  Builder h;
  h.Invoke(A, OpKind::kWrite, {std::string(100, 'x')});  // backpressure
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, ErrorsAfterAResetFault) {
  Builder h;
  h.Write(A, "abc");
  h.Read(B, "ab");
  h.Fault(A, {.may_fail = true, .may_lose_data = true});
  h.Fault(B, {.may_fail = true, .may_lose_data = true});
  h.Write(A, "x",
          WriteResult::Failure(
              Error(ErrorCode::kConnectionReset, "reset by fault plan")));
  h.ReadResultOf(B, ReadResult::Failure(Error(ErrorCode::kConnectionReset,
                                              "reset by fault plan")));
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

Error ResetError() {
  return Error(ErrorCode::kConnectionReset, "reset by fault plan");
}

TEST(CheckerAccepts, WritesFailPromptlyAfterAReset) {
  Builder h;
  h.Write(A, "abc");
  h.Reset();
  h.Write(A, "x", WriteResult::Failure(ResetError()));
  h.Write(A, "y", WriteResult::Closed());
  h.ReadResultOf(B, ReadResult::Failure(ResetError()));
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, AFewWritesAcceptedAfterAResetThenAnError) {
  Builder h;
  h.Reset();
  h.Write(A, "abc");  // a kernel buffers these before the reset reaches it
  h.Write(A, "def");
  h.Write(A, "ghi");
  h.Write(A, "jkl", WriteResult::Failure(ResetError()));
  h.Write(A, "mno");  // one Ok write after the report: excused, as below
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, AReadErrorReportsTheResetForTheWholeEndpoint) {
  Builder h;
  h.Reset();
  h.Write(A, "abc");
  h.ReadResultOf(A, ReadResult::Failure(ResetError()));
  h.Write(A, "def");
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, OneWriteAcceptedInTheInstantAfterAReset) {
  // The reset had not reached A's kernel yet, and A never wrote again: the
  // flow never had a chance to report it (kE1QuiescentMinOkWrites).
  Builder h;
  h.Reset();
  h.Write(A, "abc");
  h.ReadResultOf(B, ReadResult::Failure(ResetError()));
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, InFlightDataArrivesAfterAReset) {
  Builder h;
  h.Write(A, "abcdef");
  const int pending = h.Invoke(A, OpKind::kWrite, {"ghi"});
  h.Reset();
  h.Done(pending, WriteResult::Failure(ResetError()));
  h.Read(B, "abc");   // written before the reset: in flight, may arrive
  h.Read(B, "defg");  // even bytes of the write the reset failed
  h.ReadResultOf(B, ReadResult::Failure(ResetError()));
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, WritesAfterAResetWithinTheBoundWhenCutOff) {
  Builder h;
  h.Reset();
  for (int i = 0; i < 10; ++i) h.Write(A, "abc");
  // Cut off: the flow may still report the reset on the next write.
  const CheckResult result = h.CutOff(CheckOptions{.e1_accept_bound_ops = 10});
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(CheckerAccepts, EofFromAFaultThatIsAClose) {
  Builder h;
  h.Write(A, "abcdef");
  h.Read(B, "abc");
  h.Fault(B, {.may_lose_data = true, .may_end = true});
  h.ReadEof(B);
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, ACloseWaitingForThePeerAfterAOneSidedFault) {
  Builder h;
  h.Fault(B, {.may_fail = true, .may_lose_data = true});  // a read error
  h.StartClose(B);  // A never closes: C4 says pend, fault or not
  h.StartRead(B);   // nothing to read: R1 says pend
  EXPECT_TRUE(h.Quiescent().ok());
}

TEST(CheckerAccepts, HangsAfterAPartition) {
  Builder h;
  h.Fault(B, {.may_hang = true, .may_lose_data = true});
  h.Write(A, "lost");
  h.StartRead(B);
  EXPECT_TRUE(h.Quiescent().ok());
}

// ---- One rejected history per MUST clause. ----

TEST(CheckerRejects, R1SpuriousReadError) {
  Builder h;
  const int read = h.ReadResultOf(
      B, ReadResult::Failure(Error(ErrorCode::kIo, "something broke")));
  ExpectOnly(h.Quiescent(), Clause::kR1, read);
}

TEST(CheckerRejects, R2EmptyData) {
  Builder h;
  const int read = h.Read(B, "");
  ExpectOnly(h.Quiescent(), Clause::kR2, read);
}

TEST(CheckerRejects, R3ReturnedBufferChangedLater) {
  Builder h;
  h.Write(A, "abc");
  auto storage = std::make_shared<std::string>("abc");
  const int read = h.StartRead(B);
  h.Done(read, ReadResult::Data(Buffer::Adopt(storage, 0, 3)));
  (*storage)[0] = 'X';  // the flow reused its buffer
  ExpectOnly(h.Quiescent(), Clause::kR3, read);
}

TEST(CheckerRejects, R4CorruptedByte) {
  Builder h;
  h.Write(A, "abc");
  const int read = h.Read(B, "abX");
  const CheckResult result = h.Quiescent();
  ExpectOnly(result, Clause::kR4, read);
  EXPECT_NE(result.violations[0].explanation.find("offset 2"),
            std::string::npos)
      << result.ToString();
}

TEST(CheckerRejects, R4DuplicatedBytes) {
  Builder h;
  h.Write(A, "abc");
  h.Read(B, "abc");
  const int read = h.Read(B, "c");
  ExpectOnly(h.Quiescent(), Clause::kR4, read);
}

TEST(CheckerRejects, R4BytesReadBeforeTheyWereWritten) {
  Builder h;
  const int read = h.Read(B, "abc");
  h.Write(A, "abc");
  ExpectOnly(h.Quiescent(), Clause::kR4, read);
}

TEST(CheckerRejects, R5EofBeforeTheDrain) {
  Builder h;
  h.Write(A, "abcdef");
  h.StartClose(A);
  h.Read(B, "abc");
  const int eof = h.ReadEof(B);
  ExpectOnly(h.Quiescent(), Clause::kR5, eof);
}

TEST(CheckerRejects, R6EofWithoutClose) {
  Builder h;
  h.Write(A, "abc");
  h.Read(B, "abc");
  const int eof = h.ReadEof(B);
  ExpectOnly(h.Quiescent(), Clause::kR6, eof);
}

TEST(CheckerRejects, R7DataAfterEof) {
  Builder h;
  h.StartClose(A);
  h.ReadEof(B);
  const int read = h.Read(B, "x");
  ExpectOnly(h.Quiescent(), Clause::kR7, read);
}

TEST(CheckerRejects, R7ReadAfterEofHangs) {
  Builder h;
  h.StartClose(A);
  h.ReadEof(B);
  const int read = h.StartRead(B);
  ExpectOnly(h.Quiescent(), Clause::kR7, read);
}

TEST(CheckerRejects, W1WrittenBytesNeverArrive) {
  Builder h;
  h.Write(A, "abc");
  const int read = h.StartRead(B);
  ExpectOnly(h.Quiescent(), Clause::kW1, read);
}

TEST(CheckerRejects, W1WriteRefusedOnAnOpenFlow) {
  Builder h;
  const int write = h.Write(A, "abc", WriteResult::Closed());
  ExpectOnly(h.Quiescent(), Clause::kW1, write);
}

TEST(CheckerRejects, W2OkAfterClose) {
  Builder h;
  h.StartClose(A);
  const int write = h.Write(A, "late");
  ExpectOnly(h.Quiescent(), Clause::kW2, write);
}

TEST(CheckerRejects, W3WritevReordersItsParts) {
  Builder h;
  h.Writev(A, {"abc", "def"});
  const int read = h.Read(B, "defabc");
  ExpectOnly(h.Quiescent(), Clause::kW3, read);
}

TEST(CheckerRejects, W4FlowModifiedAWrittenBuffer) {
  Builder h;
  auto storage = std::make_shared<std::string>("abc");
  const int write =
      h.history().Invoke(A, OpKind::kWrite, {Buffer::Adopt(storage, 0, 3)},
                         std::chrono::microseconds(100));
  h.Done(write, WriteResult::Ok());
  (*storage)[1] = 'X';  // the flow scribbled on the caller's buffer
  const CheckResult result = h.CutOff();
  ExpectOnly(result, Clause::kW4, write);
}

// The copies of a writev's parts are one string: the part changed is found
// at its own offset, and the report names it and its bytes.
TEST(CheckerRejects, W4FlowModifiedTheThirdPartOfAWritev) {
  Builder h;
  auto storage = std::make_shared<std::string>("abcdefgh");
  const int writev = h.history().Invoke(
      A, OpKind::kWritev,
      {Buffer::Adopt(storage, 0, 2), Buffer::Adopt(storage, 2, 0),
       Buffer::Adopt(storage, 2, 3), Buffer::Adopt(storage, 5, 3)},
      std::chrono::microseconds(100));
  h.Done(writev, WriteResult::Ok());
  (*storage)[3] = 'X';  // inside the third part, "cde"
  const CheckResult result = h.CutOff();
  ExpectOnly(result, Clause::kW4, writev);
  EXPECT_NE(result.ToString().find("(buffer 2)"), std::string::npos)
      << result.ToString();
  EXPECT_NE(result.ToString().find("\"cde\""), std::string::npos)
      << result.ToString();
  EXPECT_NE(result.ToString().find("\"cXe\""), std::string::npos)
      << result.ToString();
}

TEST(CheckerRejects, C1CloseDidNotFlush) {
  Builder h;
  h.Write(A, "abc");
  h.StartClose(A);
  const int read = h.StartRead(B);
  ExpectOnly(h.Quiescent(), Clause::kC1, read);
}

TEST(CheckerRejects, C2NoEofAfterCloseAndDrain) {
  Builder h;
  h.Write(A, "abc");
  h.StartClose(A);
  h.Read(B, "abc");
  const int read = h.StartRead(B);
  ExpectOnly(h.Quiescent(), Clause::kC2, read);
}

// A read that fails after the peer closed is evidence against C2 (the
// peer's close ends the stream with Eof), not R1 -- so C2 cannot pass while
// the evidence names a neighbour (found certifying a TLS adapter that sent
// no close_notify: the peer read "stream truncated").
TEST(CheckerRejects, C2ReadFailsInsteadOfEofAfterThePeersClose) {
  Builder h;
  h.Write(A, "abc");
  h.StartClose(A);
  h.Read(B, "abc");
  const int read = h.ReadResultOf(
      B, ReadResult::Failure(Error(ErrorCode::kIo, "stream truncated")));
  ExpectOnly(h.Quiescent(), Clause::kC2, read);
}

TEST(CheckerRejects, C3HalfCloseKilledTheOtherDirection) {
  Builder h;
  h.StartClose(A);
  const int write = h.Write(B, "reply", WriteResult::Closed());
  ExpectOnly(h.Quiescent(), Clause::kC3, write);
}

TEST(CheckerRejects, C4CloseReturnedBeforeThePeerClosed) {
  Builder h;
  const int close = h.StartClose(A);
  h.DoneClose(close);
  ExpectOnly(h.Quiescent(), Clause::kC4, close);
}

TEST(CheckerRejects, C5CloseNeverReturnsAfterBothClosed) {
  Builder h;
  const int close_a = h.StartClose(A);
  const int close_b = h.StartClose(B);
  h.DoneClose(close_b);
  ExpectOnly(h.Quiescent(), Clause::kC5, close_a);
}

TEST(CheckerRejects, X1BothDirectionsStuck) {
  Builder h;
  h.Write(A, "ping");
  h.Write(B, "pong");
  const int read_b = h.StartRead(B);
  const int read_a = h.StartRead(A);
  const CheckResult result = h.Quiescent();
  ASSERT_EQ(result.violations.size(), 2u) << result.ToString();
  EXPECT_EQ(result.violations[0].clause, Clause::kX1);
  EXPECT_EQ(result.violations[1].clause, Clause::kX1);
  EXPECT_EQ(result.violations[0].operations[0], read_b);
  EXPECT_EQ(result.violations[1].operations[0], read_a);
}

TEST(CheckerRejects, E1HangAfterAReset) {
  Builder h;
  h.Fault(B,
          {.may_fail = true, .may_lose_data = true, .connection_broken = true});
  const int read = h.StartRead(B);
  ExpectOnly(h.Quiescent(), Clause::kE1, read);
}

TEST(CheckerRejects, E1ErrorWithoutDescription) {
  Builder h;
  h.Fault(B, {.may_fail = true});
  const int read =
      h.ReadResultOf(B, ReadResult::Failure(Error(ErrorCode::kIo, "")));
  ExpectOnly(h.Quiescent(), Clause::kE1, read);
}

// ---- E1 judged as "eventually" (docs/spec.md, "E1: eventually"). ----

TEST(CheckerRejects, E1WritesKeepReturningOkAfterAReset) {
  Builder h;
  h.Write(A, "abc");
  const std::int64_t reset = h.Reset();
  const int w1 = h.Write(A, "de");
  const int w2 = h.Write(A, "fgh");
  const int w3 = h.Write(A, "ij");
  h.ReadResultOf(B, ReadResult::Failure(ResetError()));  // B reports; A not
  h.DoneClose(h.StartClose(A));  // close reports nothing: no result
  const CheckResult result = h.Quiescent();
  ExpectOnly(result, Clause::kE1, w3);
  EXPECT_EQ(result.violations[0].operations, (std::vector<int>{w3, w1, w2}));
  const std::string text = result.violations[0].ToString();
  EXPECT_EQ(text.rfind("E1 violated (", 0), 0u) << text;
  EXPECT_NE(
      text.find("After the connection broke at event " + std::to_string(reset) +
                " (\"reset\" on A), A's writes "
                "kept returning Ok -- 3 writes, 7 bytes"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("no operation on A ever reported"), std::string::npos)
      << text;
}

TEST(CheckerRejects, E1WritesReturnOkAgainAfterTheBreakWasReported) {
  // A broken connection does not heal: an endpoint that reported the reset
  // and then accepts write after write with Ok is accepting into the void.
  Builder h;
  const std::int64_t reset = h.Reset();
  const int report = h.Write(A, "abc", WriteResult::Failure(ResetError()));
  const int w1 = h.Write(A, "de");
  const int w2 = h.Write(A, "fgh");
  const CheckResult result = h.Quiescent();
  ExpectOnly(result, Clause::kE1, w2);
  EXPECT_EQ(result.violations[0].operations,
            (std::vector<int>{w2, w1, report}));
  const std::string text = result.violations[0].ToString();
  EXPECT_NE(
      text.find("The connection broke at event " + std::to_string(reset) +
                " (\"reset\" on A) and #" + std::to_string(report) +
                " on A reported it; after "
                "that A's writes kept returning Ok -- 2 writes, 5 bytes (#" +
                std::to_string(w1) + " #" + std::to_string(w2) + ")"),
      std::string::npos)
      << text;
  // A later report does not excuse them: the reader's error below came
  // after the writes, but the endpoint had already told its caller.
  Builder late;
  late.Reset();
  const int read = late.StartRead(A);
  late.Write(A, "abc", WriteResult::Failure(ResetError()));
  late.Write(A, "de");
  const int late_w2 = late.Write(A, "fgh");
  late.Done(read, ReadResult::Failure(ResetError()));
  ExpectOnly(late.Quiescent(), Clause::kE1, late_w2);
  // Cut off, the same history is undecided: the flow might still report.
  Builder g;
  g.Reset();
  g.Write(A, "abc", WriteResult::Failure(ResetError()));
  g.Write(A, "de");
  g.Write(A, "fgh");
  EXPECT_TRUE(g.CutOff().ok());
}

TEST(CheckerRejects, E1WritesKeepReturningOkAfterAResetWaitedOut) {
  // A real-time run that waited its whole watchdog is judged the same way.
  Builder h;
  h.Reset();
  h.Write(B, "abc");
  const int last = h.Writev(B, {"d", "ef"});
  h.ReadResultOf(A, ReadResult::Failure(ResetError()));
  ExpectOnly(h.WaitedOut(), Clause::kE1, last);
}

TEST(CheckerRejects, E1MoreBytesThanTheBoundAcceptedAfterAReset) {
  // Cut off, so not judged at quiescence: the byte bound alone rejects it.
  Builder h;
  const std::string mib(1 << 20, 'x');
  h.Reset();
  int first = -1;
  int crossing = -1;
  for (std::uint64_t total = 0; total <= kE1AcceptBoundBytes;
       total += mib.size()) {
    crossing = h.Write(A, mib);
    if (first < 0) first = crossing;
  }
  const CheckResult result = h.CutOff();
  ExpectOnly(result, Clause::kE1, crossing);
  EXPECT_EQ(result.violations[0].operations[1], first);
  EXPECT_NE(result.violations[0].explanation.find("17 writes, 17825792 bytes"),
            std::string::npos)
      << result.ToString();
}

TEST(CheckerRejects, E1MoreWritesThanTheBoundAcceptedAfterAReset) {
  Builder h;
  h.Reset();
  for (int i = 0; i < 4; ++i) h.Write(A, "a");
  const int crossing = h.Write(A, "");  // empty writes count as writes too
  h.Write(A, "b");
  const CheckResult result = h.CutOff(CheckOptions{.e1_accept_bound_ops = 4});
  ExpectOnly(result, Clause::kE1, crossing);
  EXPECT_EQ(kE1AcceptBoundOps, std::int64_t{1} << 20);  // docs/spec.md
}

TEST(CheckerRejects, E1TheBoundCountsFromTheLastReport) {
  // Ok writes after a reported error are not counted (the endpoint told its
  // caller), so 3 before it and 3 after it stay within a bound of 4...
  Builder h;
  h.Reset();
  for (int i = 0; i < 3; ++i) h.Write(A, "a");
  h.Write(A, "b", WriteResult::Failure(ResetError()));
  for (int i = 0; i < 3; ++i) h.Write(A, "c");
  EXPECT_TRUE(h.CutOff(CheckOptions{.e1_accept_bound_ops = 4}).ok());
  // ...while 5 before any report break it.
  Builder g;
  g.Reset();
  for (int i = 0; i < 4; ++i) g.Write(A, "a");
  const int crossing = g.Write(A, "a");
  g.Write(A, "b", WriteResult::Failure(ResetError()));
  ExpectOnly(g.Quiescent(CheckOptions{.e1_accept_bound_ops = 4}), Clause::kE1,
             crossing);
}

TEST(CheckerRejects, E1DataWrittenAfterTheResetDelivered) {
  Builder h;
  h.Write(A, "abc");
  const std::int64_t reset = h.Reset();
  const int late = h.Write(A, "def");  // one write: excused on its own
  h.Read(B, "ab");
  const int read = h.Read(B, "cde");  // "c" was in flight, "de" was not
  const CheckResult result = h.Quiescent();
  ExpectOnly(result, Clause::kE1, read);
  EXPECT_EQ(result.violations[0].operations[1], late);
  EXPECT_NE(result.violations[0].explanation.find(
                "after the connection broke at event " + std::to_string(reset)),
            std::string::npos)
      << result.ToString();
}

TEST(CheckerRejects, R4FabricatedDataAfterAReset) {
  // Data nobody wrote is R4 with or without a reset.
  Builder h;
  h.Write(A, "abc");
  h.Reset();
  const int read = h.Read(B, "abcxyz");
  ExpectOnly(h.Quiescent(), Clause::kR4, read);
}

TEST(CheckerRejects, EveryMustClauseHasARejectingTestAbove) {
  // Keeps this file honest: the clause list and the tests above move
  // together. (Each TEST above is named after its clause.)
  EXPECT_EQ(kAllClauses.size(), 18u);
}

// ---- Judging pending operations needs a quiescent end. ----

TEST(CheckerCutOff, PendingOperationsAreUndecided) {
  Builder h;
  h.Write(A, "abc");
  h.StartRead(B);  // would be W1 if quiescent
  const int close_a = h.StartClose(A);
  h.StartClose(B);  // would be C5 if quiescent
  (void)close_a;
  EXPECT_TRUE(h.CutOff().ok());
}

TEST(CheckerOutput, ViolationPrintsClauseSummaryAndOperations) {
  Builder h;
  h.Read(B, "");
  const CheckResult result = h.Quiescent();
  ASSERT_FALSE(result.ok());
  const std::string text = result.violations[0].ToString();
  EXPECT_EQ(text.rfind("R2 violated (every Data returned by read holds at "
                       "least 1 byte): ",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("[#0]"), std::string::npos) << text;
}

TEST(CheckerNotes, OverlappingWritesAreNoted) {
  Builder h;
  const int w1 = h.Invoke(A, OpKind::kWrite, {"ab"});
  const int w2 = h.Invoke(A, OpKind::kWrite, {"cd"});
  h.Done(w1, WriteResult::Ok());
  h.Done(w2, WriteResult::Ok());
  h.Read(B, "abcd");
  const CheckResult result = h.Quiescent();
  EXPECT_TRUE(result.ok());
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("spec-silent"), std::string::npos);
}

// History's operator== (the flow fuzzers' determinism check) agrees with
// ToString(), and sees a difference ToString() shows.
TEST(HistoryEquality, SameEventsAreEqualAndAnyDifferenceIsSeen) {
  auto record = [](std::string read_bytes, Side closer, std::string fault) {
    Builder b;
    b.Write(A, "abc");
    b.Read(B, read_bytes);
    if (!fault.empty()) {
      b.history().AddFault(A, fault, FaultEffects{.may_fail = true},
                           Duration(99));
    }
    b.DoneClose(b.StartClose(closer));
    return b.history();
  };
  const History base = record("abc", A, "");
  EXPECT_EQ(base, record("abc", A, ""));
  EXPECT_EQ(base.ToString(), record("abc", A, "").ToString());
  for (const History& other :
       {record("abd", A, ""), record("abc", B, ""), record("abc", A, "x")}) {
    EXPECT_FALSE(base == other) << other.ToString();
    EXPECT_NE(base.ToString(), other.ToString());
  }
  History ended = base;
  ended.End(HistoryEnd::kQuiescent, Duration(1000));
  EXPECT_FALSE(base == ended);
}

}  // namespace
}  // namespace flowcheck
