#include "model/checker.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace flowcheck {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Upper bound on search steps when linearizing overlapping reads.
constexpr std::int64_t kLinearizeBudget = 2'000'000;

std::string Op(int id) { return "#" + std::to_string(id); }

// Sorts [first, last) by `less`, whose keys (sequence numbers) are unique,
// so the order is the same as any sort's. What the checker sorts nearly
// always arrives in order already (one writer, one reader per side): a
// check is one pass, a sort under a fuzzer's instrumentation many.
template <typename It, typename Less>
void SortUnlessSorted(It first, It last, Less less) {
  if (!std::is_sorted(first, last, less)) std::sort(first, last, less);
}

std::string ByteText(unsigned char c) {
  char text[16];
  if (c >= 0x20 && c < 0x7f && c != '\'') {
    std::snprintf(text, sizeof text, "0x%02x '%c'", c, c);
  } else {
    std::snprintf(text, sizeof text, "0x%02x", c);
  }
  return text;
}

// One write's bytes inside the byte stream of a direction.
struct Segment {
  int op = 0;
  std::size_t begin = 0;  // offset of the first byte in the stream
  std::size_t end = 0;    // one past the last
  std::int64_t invoke_seq = 0;
  bool ok = false;  // completed with Ok
  bool writev = false;
};

// A completed, non-empty Data read.
struct Piece {
  int op = 0;
  std::int64_t invoke_seq = 0;
  std::int64_t complete_seq = 0;
  std::string_view bytes;
};

// Per direction, what CheckDirection learns and later checks use.
struct Direction {
  std::string stream;  // bytes of writes not refused with Closed
  std::vector<Segment> segments;
  std::size_t required_end = 0;     // end of the last Ok write
  std::size_t pending_end = 0;      // end of the last pending write
  std::size_t bytes_read = 0;       // Data bytes read, in all
  std::int64_t first_eof = kNever;  // completion seq of the first Eof
};

constexpr std::size_t kScratchKeep = std::size_t{1} << 20;

// Where a check keeps its working buffers: emptied, not freed, between
// the checks of one thread. A fuzzer checks thousands of histories a
// second, and under ASan each buffer allocated afresh cost a stack trace
// and a quarantine slot (a third of the checker's time). Buffers that grew
// past kScratchKeep bytes are freed after the check that grew them, so a
// thread keeps at most about that much per buffer (fourteen of them) after
// checking a huge history.
struct Scratch {
  // One search frame of LinearizeAndCheck: its candidates are
  // candidates[begin, end).
  struct Frame {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t next = 0;    // index into candidates of the next try
                             // (begin: none tried yet)
    std::size_t pos = 0;     // stream position before this choice
    std::size_t chosen = 0;  // index into pieces of the current choice
  };

  Direction directions[2];  // indexed by the writing side
  std::vector<const Operation*> reads;
  std::vector<const Operation*> writes;
  std::vector<Piece> pieces;
  std::vector<std::size_t> by_invoke;
  // The four link arrays of LinearizeAndCheck, n + 1 entries each.
  std::vector<std::size_t> next_c, prev_c, next_i, prev_i;
  std::vector<std::size_t> candidates;  // all frames' candidates, stacked
  std::vector<Frame> stack;
  bool in_use = false;  // a check is running with these buffers

  // Calls `f` on every buffer.
  template <typename F>
  void ForEachBuffer(F f) {
    for (Direction& direction : directions) {
      f(direction.stream);
      f(direction.segments);
    }
    f(reads);
    f(writes);
    f(pieces);
    f(by_invoke);
    f(next_c);
    f(prev_c);
    f(next_i);
    f(prev_i);
    f(candidates);
    f(stack);
  }

  // Empties every buffer for the next check (capacity kept).
  void Clear() {
    ForEachBuffer([](auto& buffer) { buffer.clear(); });
    for (Direction& direction : directions) {
      direction.required_end = 0;
      direction.pending_end = 0;
      direction.bytes_read = 0;
      direction.first_eof = kNever;
    }
  }
  // Frees the buffers that grew past kScratchKeep bytes.
  void Trim() {
    ForEachBuffer([](auto& buffer) {
      using Container = std::remove_reference_t<decltype(buffer)>;
      if (buffer.capacity() * sizeof(typename Container::value_type) >
          kScratchKeep) {
        Container().swap(buffer);
      }
    });
  }
};

class Checker {
 public:
  // `scratch` is empty (Scratch::Clear) and used by this check alone.
  Checker(const History& history, const CheckOptions& options, Scratch& scratch)
      : history_(history),
        options_(options),
        scratch_(scratch),
        directions_(scratch.directions) {}

  CheckResult Run() {
    for (Side side : {Side::kA, Side::kB}) {
      close_invoke_[Index(side)] = FirstInvoke(side, OpKind::kClose);
    }
    for (const FaultRecord& fault : history_.faults()) {
      if (fault.effects.connection_broken &&
          (break_ == nullptr || fault.seq < break_->seq)) {
        break_ = &fault;
      }
    }
    for (Side writer : {Side::kA, Side::kB}) CheckDirection(writer);
    for (Side side : {Side::kA, Side::kB}) {
      CheckWrites(side);
      CheckCloses(side);
      CheckAcceptedAfterBreak(side);
    }
    CheckSnapshots();
    if (history_.end() == HistoryEnd::kQuiescent ||
        history_.end() == HistoryEnd::kWaitedOut) {
      CheckPendingAtQuiescence();
    }
    std::stable_sort(
        result_.violations.begin(), result_.violations.end(),
        [](const Violation& a, const Violation& b) { return a.seq < b.seq; });
    return std::move(result_);
  }

 private:
  static int Index(Side side) { return static_cast<int>(side); }

  void Report(Clause clause, std::vector<int> ops, std::int64_t seq,
              std::string explanation) {
    result_.violations.push_back(
        Violation{clause, std::move(ops), seq, std::move(explanation)});
  }

  std::int64_t FirstInvoke(Side side, OpKind kind) const {
    std::int64_t first = kNever;
    for (const Operation& op : history_.operations()) {
      if (op.side == side && op.kind == kind) {
        first = std::min(first, op.invoke_seq);
      }
    }
    return first;
  }

  bool ClosedBefore(Side side, std::int64_t seq) const {
    return close_invoke_[Index(side)] < seq;
  }

  // Whether a fault on `side` that fired before `seq` allows `effect`.
  bool FaultAllows(Side side, std::int64_t seq,
                   bool FaultEffects::*effect) const {
    for (const FaultRecord& fault : history_.faults()) {
      if (fault.side == side && fault.seq < seq && fault.effects.*effect) {
        return true;
      }
    }
    return false;
  }

  // The byte stream from `writer` to its peer: R1, R2, R4, R5, R6, R7, W3,
  // C3, E1 on the reads of the peer.
  void CheckDirection(Side writer) {
    const Side reader = Peer(writer);
    Direction& dir = directions_[Index(writer)];
    BuildStream(writer, dir);

    std::vector<const Operation*>& reads = scratch_.reads;
    reads.clear();
    for (const Operation& op : history_.operations()) {
      if (op.side == reader && op.kind == OpKind::kRead) reads.push_back(&op);
    }
    for (const Operation* op : reads) {
      if (op->completed() && op->read_result->is_eof()) {
        dir.first_eof = std::min(dir.first_eof, *op->complete_seq);
      }
    }

    std::vector<Piece>& pieces = scratch_.pieces;
    pieces.clear();
    for (const Operation* op : reads) {
      if (!op->completed()) continue;
      const ReadResult& result = *op->read_result;
      const std::int64_t done = *op->complete_seq;
      if (op->invoke_seq > dir.first_eof) {
        CheckReadAfterEof(*op, reader);
        continue;
      }
      if (result.is_data()) {
        if (op->data_bytes.empty()) {
          // R2
          Report(Clause::kR2, {op->id}, done,
                 std::string(SideName(reader)) + "'s read " + Op(op->id) +
                     " returned Data with 0 bytes. A read must return at "
                     "least one byte, or stay pending while nothing is "
                     "readable (R1).");
          continue;
        }
        dir.bytes_read += op->data_bytes.size();
        pieces.push_back(Piece{op->id, op->invoke_seq, done, op->data_bytes});
      } else if (result.is_error()) {
        CheckReadError(*op, reader);
      }
    }
    LinearizeAndCheck(writer, dir, pieces);
    for (const Operation* op : reads) {
      if (op->completed() && op->read_result->is_eof() &&
          *op->complete_seq == dir.first_eof) {
        CheckFirstEof(*op, writer, dir);
      }
    }
  }

  void BuildStream(Side writer, Direction& dir) {
    std::vector<const Operation*>& writes = scratch_.writes;
    writes.clear();
    std::size_t bytes = 0;
    for (const Operation& op : history_.operations()) {
      if (op.side == writer && op.is_write()) {
        writes.push_back(&op);
        bytes += op.write_size();
      }
    }
    dir.stream.reserve(bytes);
    SortUnlessSorted(writes.begin(), writes.end(),
                     [](const Operation* a, const Operation* b) {
                       return a->invoke_seq < b->invoke_seq;
                     });
    std::int64_t previous_complete = 0;
    int previous = -1;
    for (const Operation* op : writes) {
      if (previous >= 0 && previous_complete > op->invoke_seq) {
        result_.notes.push_back(
            "writes " + Op(previous) + " and " + Op(op->id) + " on " +
            std::string(SideName(writer)) +
            " overlap; concurrent writers are spec-silent, so their bytes "
            "are judged in invocation order");
      }
      previous = op->id;
      previous_complete = op->completed() ? *op->complete_seq : kNever;
      if (op->completed() && op->write_result->is_closed()) continue;
      Segment segment;
      segment.op = op->id;
      segment.begin = dir.stream.size();
      dir.stream += op->arg_bytes;
      segment.end = dir.stream.size();
      segment.invoke_seq = op->invoke_seq;
      segment.ok = op->completed() && op->write_result->is_ok();
      segment.writev = op->kind == OpKind::kWritev;
      if (segment.ok) dir.required_end = segment.end;
      if (!op->completed()) dir.pending_end = segment.end;
      dir.segments.push_back(segment);
    }
  }

  // Bytes of writes invoked before `seq` (segments are in invocation order).
  static std::size_t BytesInvokedBefore(const Direction& dir,
                                        std::int64_t seq) {
    auto after = std::partition_point(
        dir.segments.begin(), dir.segments.end(),
        [seq](const Segment& segment) { return segment.invoke_seq < seq; });
    return after == dir.segments.begin() ? 0 : std::prev(after)->end;
  }
  static std::size_t OkBytesInvokedBefore(const Direction& dir,
                                          std::int64_t seq) {
    std::size_t end = 0;
    for (const Segment& segment : dir.segments) {
      if (segment.invoke_seq < seq && segment.ok) end = segment.end;
    }
    return end;
  }

  // Sequence number of the first fault that broke the connection (on
  // either side: a reset breaks it whole), kNever if none did.
  std::int64_t BreakSeq() const {
    return break_ == nullptr ? kNever : break_->seq;
  }

  // Does `piece` fit the stream at `pos`: same bytes, written before the
  // read completed (R4), and before the connection broke (E1: bytes in
  // flight at a reset may still arrive, bytes written after it cannot)?
  bool Fits(const Direction& dir, const Piece& piece, std::size_t pos) const {
    if (pos + piece.bytes.size() > dir.stream.size()) return false;
    if (dir.stream.compare(pos, piece.bytes.size(), piece.bytes) != 0) {
      return false;
    }
    return pos + piece.bytes.size() <=
           BytesInvokedBefore(dir, std::min(piece.complete_seq, BreakSeq()));
  }

  // R4 / W3: find an order of the Data reads, consistent with real-time
  // precedence (a read that completed before another was invoked comes
  // first), whose concatenation is a prefix of the stream.
  void LinearizeAndCheck(Side writer, const Direction& dir,
                         std::vector<Piece>& pieces) {
    SortUnlessSorted(pieces.begin(), pieces.end(),
                     [](const Piece& a, const Piece& b) {
                       return a.complete_seq < b.complete_seq;
                     });
    const std::size_t n = pieces.size();
    // The unplaced pieces, in two doubly linked lists with the sentinel n:
    // by completion (pieces' order) and by invocation. A choice unlinks its
    // piece; undoing it relinks it, in reverse order of the unlinks (the
    // search is a stack), so each list is restored exactly (Knuth's dancing
    // links). The candidate scan then visits only unplaced pieces invoked
    // before the earliest completion -- as many as reads overlap -- never
    // the placed ones (a scan over those made a history with one read
    // pending throughout cost O(n^2)).
    std::vector<std::size_t>& by_invoke = scratch_.by_invoke;
    by_invoke.resize(n);
    for (std::size_t i = 0; i < n; ++i) by_invoke[i] = i;
    SortUnlessSorted(by_invoke.begin(), by_invoke.end(),
                     [&pieces](std::size_t a, std::size_t b) {
                       return pieces[a].invoke_seq < pieces[b].invoke_seq;
                     });
    std::vector<std::size_t>& next_c = scratch_.next_c;
    std::vector<std::size_t>& prev_c = scratch_.prev_c;
    std::vector<std::size_t>& next_i = scratch_.next_i;
    std::vector<std::size_t>& prev_i = scratch_.prev_i;
    for (std::vector<std::size_t>* links :
         {&next_c, &prev_c, &next_i, &prev_i}) {
      links->resize(n + 1);
    }
    {
      std::size_t before_c = n;
      std::size_t before_i = n;
      for (std::size_t k = 0; k < n; ++k) {
        next_c[before_c] = k;
        prev_c[k] = before_c;
        before_c = k;
        next_i[before_i] = by_invoke[k];
        prev_i[by_invoke[k]] = before_i;
        before_i = by_invoke[k];
      }
      next_c[before_c] = n;
      prev_c[n] = before_c;
      next_i[before_i] = n;
      prev_i[n] = before_i;
    }
    auto place = [&](std::size_t x) {
      next_c[prev_c[x]] = next_c[x];
      prev_c[next_c[x]] = prev_c[x];
      next_i[prev_i[x]] = next_i[x];
      prev_i[next_i[x]] = prev_i[x];
    };
    auto unplace = [&](std::size_t x) {
      next_c[prev_c[x]] = x;
      prev_c[next_c[x]] = x;
      next_i[prev_i[x]] = x;
      prev_i[next_i[x]] = x;
    };
    using Frame = Scratch::Frame;
    std::vector<std::size_t>& candidates = scratch_.candidates;
    std::vector<Frame>& stack = scratch_.stack;
    candidates.clear();
    stack.clear();
    std::size_t pos = 0;
    std::size_t best_depth = 0;
    std::size_t best_pos = 0;
    std::size_t best_failed = 0;
    bool failed_anywhere = false;
    std::int64_t steps = 0;

    // A new frame at stream position `at`, its candidates stacked on
    // those of the frames below it.
    auto frame_at = [&](std::size_t at) {
      const std::size_t begin = candidates.size();
      // The first unplaced piece completed earliest; any other piece may go
      // before it only if it was invoked before that completion. (Some
      // piece is unplaced: a frame is made only while fewer than n are.)
      const std::size_t first = next_c[n];
      const std::int64_t limit = pieces[first].complete_seq;
      for (std::size_t x = next_i[n]; x != n; x = next_i[x]) {
        if (x != first && pieces[x].invoke_seq > limit) break;
        if (Fits(dir, pieces[x], at)) candidates.push_back(x);
      }
      // In completion order.
      std::sort(candidates.begin() + static_cast<std::ptrdiff_t>(begin),
                candidates.end());
      if (candidates.size() == begin &&
          (stack.size() >= best_depth || !failed_anywhere)) {
        failed_anywhere = true;
        best_depth = stack.size();
        best_pos = at;
        best_failed = first;
      }
      return Frame{
          .begin = begin, .end = candidates.size(), .next = begin, .pos = at};
    };

    bool success = n == 0;
    if (!success) stack.push_back(frame_at(0));
    while (!stack.empty()) {
      if (++steps > kLinearizeBudget) {
        result_.notes.push_back(
            "the reads on " + std::string(SideName(Peer(writer))) +
            " overlap too much to linearize within the search bound; the "
            "bytes they returned were not judged (R4, W3)");
        return;
      }
      Frame& top = stack.back();
      if (top.next > top.begin) unplace(top.chosen);  // undo the last try
      if (top.next == top.end) {
        candidates.resize(top.begin);
        stack.pop_back();
        continue;
      }
      top.chosen = candidates[top.next++];
      place(top.chosen);
      pos = top.pos + pieces[top.chosen].bytes.size();
      if (stack.size() == n) {
        success = true;
        break;
      }
      const Frame next = frame_at(pos);
      stack.push_back(next);
    }
    if (success) return;
    ReportMismatch(writer, dir, pieces[best_failed], best_pos);
  }

  void ReportMismatch(Side writer, const Direction& dir, const Piece& piece,
                      std::size_t pos) {
    const std::string reader(SideName(Peer(writer)));
    const std::string w(SideName(writer));
    std::string head = reader + "'s read " + Op(piece.op) + " returned " +
                       std::to_string(piece.bytes.size()) +
                       " bytes for stream offset " + std::to_string(pos) + ". ";
    std::size_t i = 0;
    while (i < piece.bytes.size() && pos + i < dir.stream.size() &&
           piece.bytes[i] == dir.stream[pos + i]) {
      ++i;
    }
    if (i == piece.bytes.size() &&
        pos + piece.bytes.size() <=
            BytesInvokedBefore(dir, piece.complete_seq)) {
      // E1: the bytes match and were written before the read completed, but
      // after the connection broke (Fits): nothing written then can arrive.
      const std::size_t offset = BytesInvokedBefore(dir, BreakSeq());
      int source = piece.op;
      for (const Segment& segment : dir.segments) {
        if (segment.begin <= offset && offset < segment.end)
          source = segment.op;
      }
      Report(Clause::kE1, {piece.op, source}, piece.complete_seq,
             head + "Its bytes from stream offset " + std::to_string(offset) +
                 " on were written by " + w + "'s " + Op(source) +
                 " after the connection broke at event " +
                 std::to_string(BreakSeq()) + " (" + BreakName() +
                 "). Bytes written before a reset may still arrive (they "
                 "were in flight); bytes written after it cannot: a broken "
                 "connection must not keep delivering data.");
      return;
    }
    if (i == piece.bytes.size()) {
      // R4: the bytes match, but were read before they were written.
      std::size_t offset = BytesInvokedBefore(dir, piece.complete_seq);
      int source = piece.op;
      for (const Segment& segment : dir.segments) {
        if (segment.begin <= offset && offset < segment.end)
          source = segment.op;
      }
      Report(Clause::kR4, {piece.op, source}, piece.complete_seq,
             head + "Its bytes from stream offset " + std::to_string(offset) +
                 " on were only written later, by " + w + "'s " + Op(source) +
                 ": a flow must not deliver bytes before they are written.");
      return;
    }
    const std::size_t offset = pos + i;
    if (offset >= dir.stream.size()) {
      Report(Clause::kR4, {piece.op}, piece.complete_seq,
             head + "That reaches stream offset " +
                 std::to_string(pos + piece.bytes.size()) + ", but " + w +
                 "'s writes carried only " + std::to_string(dir.stream.size()) +
                 " bytes in all: the flow delivered bytes nobody wrote "
                 "(duplicated or fabricated data).");
      return;
    }
    const Segment* segment = nullptr;
    for (const Segment& s : dir.segments) {
      if (s.begin <= offset && offset < s.end) segment = &s;
    }
    const Clause clause =
        segment != nullptr && segment->writev ? Clause::kW3 : Clause::kR4;
    std::string explanation =
        head + "At stream offset " + std::to_string(offset) + " (byte " +
        std::to_string(i) + " of the read) it returned " +
        ByteText(static_cast<unsigned char>(piece.bytes[i])) + ", but " + w +
        "'s " +
        (segment != nullptr
             ? std::string(segment->writev ? "writev " : "write ") +
                   Op(segment->op)
             : std::string("writes")) +
        " put " + ByteText(static_cast<unsigned char>(dir.stream[offset])) +
        " there.";
    if (clause == Clause::kW3) {
      explanation +=
          " The byte lies inside a writev: its buffers must arrive exactly "
          "as a write of their concatenation would.";
    } else {
      explanation +=
          " The bytes read must be exactly the bytes written, in order: "
          "nothing lost, duplicated, corrupted or reordered.";
    }
    std::vector<int> ops = {piece.op};
    if (segment != nullptr) ops.push_back(segment->op);
    Report(clause, std::move(ops), piece.complete_seq, std::move(explanation));
  }

  // R1 / C2 / C3 / E1: a read that failed.
  void CheckReadError(const Operation& op, Side reader) {
    const std::int64_t done = *op.complete_seq;
    const Error& error = op.read_result->error();
    if (error.description().empty()) {
      Report(Clause::kE1, {op.id}, done,
             std::string(SideName(reader)) + "'s read " + Op(op.id) +
                 " failed with an error that has no description. Errors "
                 "must say what happened in words a human can act on.");
    }
    if (FaultAllows(reader, done, &FaultEffects::may_fail)) return;
    if (ClosedBefore(reader, done)) {
      Report(Clause::kC3, {op.id}, done,
             std::string(SideName(reader)) + "'s read " + Op(op.id) +
                 " failed (" + error.ToString() + ") after " +
                 std::string(SideName(reader)) +
                 " had closed its own sending side, with no fault injected. "
                 "After a half-close the endpoint must still read what the "
                 "peer writes.");
      return;
    }
    if (ClosedBefore(Peer(reader), done)) {
      // The peer's close ends its stream with Eof (after the drain), never
      // with an error: the evidence is against C2, not R1.
      Report(Clause::kC2, {op.id}, done,
             std::string(SideName(reader)) + "'s read " + Op(op.id) +
                 " failed (" + error.ToString() + ") after " +
                 std::string(SideName(Peer(reader))) +
                 " had called close, with no fault injected. After the "
                 "peer's close, reads return its bytes and then Eof, not an "
                 "error.");
      return;
    }
    Report(Clause::kR1, {op.id}, done,
           std::string(SideName(reader)) + "'s read " + Op(op.id) +
               " failed (" + error.ToString() +
               ") with no fault injected and no close. A read must stay "
               "pending while nothing is readable, not fail spuriously.");
  }

  // R5 / R6 / C3: the first Eof on the reader.
  void CheckFirstEof(const Operation& op, Side writer, const Direction& dir) {
    const Side reader = Peer(writer);
    const std::int64_t done = *op.complete_seq;
    const std::string r(SideName(reader));
    const std::string w(SideName(writer));
    if (!ClosedBefore(writer, done)) {
      if (FaultAllows(reader, done, &FaultEffects::may_end)) return;
      if (ClosedBefore(reader, done)) {
        Report(Clause::kC3, {op.id}, done,
               r + "'s read " + Op(op.id) + " returned Eof although " + w +
                   " never called close; " + r +
                   " had closed its own side only. A half-close must not end "
                   "the other direction.");
      } else {
        Report(Clause::kR6, {op.id}, done,
               r + "'s read " + Op(op.id) + " returned Eof although " + w +
                   " had not called close. Eof means the peer closed; a "
                   "fault must be reported as an error.");
      }
      return;
    }
    std::size_t read_before = 0;
    for (const Operation& other : history_.operations()) {
      if (other.side == reader && other.kind == OpKind::kRead &&
          other.completed() && other.read_result->is_data() &&
          other.invoke_seq < done) {
        read_before += other.data_bytes.size();
      }
    }
    const std::size_t required = OkBytesInvokedBefore(dir, done);
    if (read_before >= required) return;
    if (FaultAllows(reader, done, &FaultEffects::may_lose_data) ||
        FaultAllows(reader, done, &FaultEffects::may_end)) {
      return;
    }
    std::vector<int> ops = {op.id};
    for (const Segment& segment : dir.segments) {
      if (segment.ok && segment.end > read_before && segment.end <= required) {
        ops.push_back(segment.op);
      }
    }
    Report(Clause::kR5, std::move(ops), done,
           r + "'s read " + Op(op.id) + " returned Eof after " +
               std::to_string(read_before) + " bytes, but " + w +
               "'s writes that returned Ok carried " +
               std::to_string(required) + " bytes. After " + w + " closes, " +
               r +
               " must keep receiving data until everything written before "
               "the close has been read (close flushes, C1); only then Eof.");
    result_.violations.back().shortfall =
        Violation::Shortfall{Peer(reader), read_before, required};
  }

  // R7: reads invoked after the reader saw Eof.
  void CheckReadAfterEof(const Operation& op, Side reader) {
    const ReadResult& result = *op.read_result;
    const std::int64_t done = *op.complete_seq;
    if (result.is_eof()) return;
    if (result.is_error() &&
        FaultAllows(reader, done, &FaultEffects::may_fail)) {
      return;
    }
    Report(Clause::kR7, {op.id}, done,
           std::string(SideName(reader)) + "'s read " + Op(op.id) +
               " was called after an earlier read returned Eof, and returned " +
               result.ToString() +
               ". Once Eof was read, every later read "
               "must return Eof again.");
  }

  // W1 / W2 / C3 / E1 on the completed writes of `side`.
  void CheckWrites(Side side) {
    const std::string s(SideName(side));
    for (const Operation& op : history_.operations()) {
      if (op.side != side || !op.is_write() || !op.completed()) continue;
      const WriteResult& result = *op.write_result;
      const std::int64_t done = *op.complete_seq;
      // "A's write #3", built only for a report (this runs per write).
      const auto call = [&] {
        return s + "'s " + std::string(OpKindName(op.kind)) + " " + Op(op.id);
      };
      const bool after_close = ClosedBefore(side, op.invoke_seq);
      if (result.is_error() && result.error().description().empty()) {
        Report(Clause::kE1, {op.id}, done,
               call() +
                   " failed with an error that has no description. Errors "
                   "must say what happened in words a human can act on.");
      }
      if (result.is_ok()) {
        if (after_close) {
          Report(Clause::kW2, {op.id}, done,
                 call() + " was called after " + s +
                     " had called close, and returned Ok. A write after "
                     "close must return Closed.");
        }
        continue;
      }
      if (after_close) {
        if (result.is_error() &&
            !FaultAllows(side, done, &FaultEffects::may_fail)) {
          Report(Clause::kW2, {op.id}, done,
                 call() + " was called after " + s +
                     " had called close, and "
                     "returned " +
                     result.ToString() +
                     ". A write after close must return Closed, not another "
                     "error.");
        }
        continue;
      }
      if (ClosedBefore(side, done)) continue;  // raced with its own close
      if (FaultAllows(side, done, &FaultEffects::may_fail)) continue;
      if (ClosedBefore(Peer(side), done)) {
        Report(Clause::kC3, {op.id}, done,
               call() + " returned " + result.ToString() + " after " +
                   std::string(SideName(Peer(side))) +
                   " had half-closed, though " + s +
                   " never called close. Until " + s +
                   " closes, its writes must still succeed.");
      } else {
        Report(Clause::kW1, {op.id}, done,
               call() + " returned " + result.ToString() + " though " + s +
                   " never called close and no fault was injected. A write "
                   "on an open flow must be accepted (Ok).");
      }
    }
  }

  // "\"reset\" on A": the fault that broke the connection, for messages.
  std::string BreakName() const {
    if (break_ == nullptr) return "no fault";
    return "\"" + break_->name + "\" on " + std::string(SideName(break_->side));
  }

  // Whether `op` (on `side`, completed) told its caller that the connection
  // is broken: a read or write error, a write refused with Closed, or Eof
  // where a fault on `side` is itself a close (may_end).
  bool ReportsBreak(const Operation& op, Side side) const {
    if (op.kind == OpKind::kRead) {
      const ReadResult& result = *op.read_result;
      return result.is_error() ||
             (result.is_eof() &&
              FaultAllows(side, *op.complete_seq, &FaultEffects::may_end));
    }
    if (op.is_write()) return !op.write_result->is_ok();
    return false;  // close reports nothing
  }

  // "#3 #5 ... #99 #101" (at most 8 ids named).
  static std::string OpList(const std::vector<int>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids.size() > 8 && i == 4) {
        out += " ...";
        i = ids.size() - 4;
      }
      if (!out.empty()) out += ' ';
      out += Op(ids[i]);
    }
    return out;
  }

  // E1, judged as "eventually": writes on `side` that returned Ok after a
  // fault on `side` broke the connection, while no operation on `side`
  // reported the break since. Beyond the real-time bounds (CheckOptions)
  // between two reports, at any end; at a quiescent or waited-out end,
  // kE1QuiescentMinOkWrites of them with no report ever, or invoked after
  // the first report: a reported break does not heal, so an endpoint that
  // reported it and then accepts writes again is accepting into the void.
  void CheckAcceptedAfterBreak(Side side) {
    const FaultRecord* fault = nullptr;
    for (const FaultRecord& record : history_.faults()) {
      if (record.side == side && record.effects.connection_broken &&
          (fault == nullptr || record.seq < fault->seq)) {
        fault = &record;
      }
    }
    if (fault == nullptr) return;
    const std::int64_t broke = fault->seq;
    std::vector<const Operation*> reports;
    std::vector<const Operation*> accepted;
    for (const Operation& op : history_.operations()) {
      if (op.side != side || !op.completed() || *op.complete_seq < broke) {
        continue;
      }
      if (ReportsBreak(op, side)) {
        reports.push_back(&op);
      } else if (op.is_write() && op.invoke_seq > broke &&
                 !ClosedBefore(side, op.invoke_seq)) {  // else W2's
        accepted.push_back(&op);
      }
    }
    const auto by_completion = [](const Operation* a, const Operation* b) {
      return *a->complete_seq < *b->complete_seq;
    };
    std::sort(accepted.begin(), accepted.end(), by_completion);
    std::sort(reports.begin(), reports.end(), by_completion);
    const std::string s(SideName(side));
    // Built only for a report: most breaks end in none.
    const auto where = [&] {
      return "at event " + std::to_string(broke) + " (\"" + fault->name +
             "\" on " + s + ")";
    };
    // The bounds, counted from the break or the latest report before each
    // accepted write.
    std::size_t next_report = 0;
    const Operation* last_report = nullptr;
    std::int64_t count = 0;
    std::uint64_t bytes = 0;
    std::vector<int> ids;
    for (const Operation* op : accepted) {
      while (next_report < reports.size() &&
             *reports[next_report]->complete_seq < *op->complete_seq) {
        last_report = reports[next_report++];
        count = 0;
        bytes = 0;
        ids.clear();
      }
      ++count;
      bytes += op->write_size();
      ids.push_back(op->id);
      if (count <= options_.e1_accept_bound_ops &&
          bytes <= options_.e1_accept_bound_bytes) {
        continue;
      }
      const std::string since = last_report == nullptr
                                    ? "since the connection broke " + where()
                                    : "since " + Op(last_report->id) +
                                          " reported the connection broken " +
                                          where();
      Report(Clause::kE1, {op->id, ids.front()}, *op->complete_seq,
             s + "'s " + std::string(OpKindName(op->kind)) + " " + Op(op->id) +
                 " returned Ok: " + std::to_string(count) + " writes, " +
                 std::to_string(bytes) + " bytes, accepted " + since +
                 " (from " + Op(ids.front()) + " on), with no operation on " +
                 s + " reporting the break in between. That is more than " +
                 std::to_string(options_.e1_accept_bound_ops) + " writes or " +
                 std::to_string(options_.e1_accept_bound_bytes) +
                 " bytes any transport buffers before it learns of a reset: "
                 "after a connection fault, writes may be accepted for a "
                 "while, not without bound.");
      return;
    }
    const bool final_end = history_.end() == HistoryEnd::kQuiescent ||
                           history_.end() == HistoryEnd::kWaitedOut;
    if (!final_end) return;
    // At the end: with no report, every accepted write; after a report,
    // those invoked once it had completed (a broken connection does not
    // heal, so the endpoint knew).
    const std::int64_t reported =
        reports.empty() ? broke : *reports.front()->complete_seq;
    std::vector<int> after;
    std::uint64_t after_bytes = 0;
    for (const Operation* op : accepted) {
      if (op->invoke_seq < reported) continue;
      after.push_back(op->id);
      after_bytes += op->write_size();
    }
    if (static_cast<std::int64_t>(after.size()) < kE1QuiescentMinOkWrites) {
      return;
    }
    std::vector<int> ops = {after.back()};
    ops.insert(ops.end(), after.begin(), after.end() - 1);
    const std::string kept = s + "'s writes kept returning Ok -- " +
                             std::to_string(after.size()) + " writes, " +
                             std::to_string(after_bytes) + " bytes (" +
                             OpList(after) + ") --";
    if (reports.empty()) {
      Report(Clause::kE1, std::move(ops), kNever - 1,
             "After the connection broke " + where() + ", " + kept +
                 " and no operation on " + s +
                 " ever reported the broken connection (no read or write "
                 "error, no Closed) by the end of the history. Writes "
                 "may be accepted for a while after a reset, but the "
                 "endpoint must eventually report it: bytes accepted after "
                 "the break can never arrive.");
      return;
    }
    ops.push_back(reports.front()->id);
    Report(Clause::kE1, std::move(ops), kNever - 1,
           "The connection broke " + where() + " and " +
               Op(reports.front()->id) + " on " + s +
               " reported it; after that " + kept +
               ". A broken connection does not heal: once an endpoint "
               "reported it, its later writes must fail too (bytes "
               "accepted now can never arrive).");
  }

  // C4: a close that returned before the peer called close.
  void CheckCloses(Side side) {
    for (const Operation& op : history_.operations()) {
      if (op.side != side || op.kind != OpKind::kClose || !op.completed()) {
        continue;
      }
      const std::int64_t done = *op.complete_seq;
      if (ClosedBefore(Peer(side), done)) continue;
      if (FaultAllows(side, done, &FaultEffects::may_fail)) continue;
      Report(Clause::kC4, {op.id}, done,
             std::string(SideName(side)) + "'s close " + Op(op.id) +
                 " returned before " + std::string(SideName(Peer(side))) +
                 " called close. Close must wait until the peer has closed "
                 "too.");
    }
  }

  // R3 / W4: buffers that changed after they were handed over.
  void CheckSnapshots() {
    for (const Operation& op : history_.operations()) {
      if (op.completed() && op.read_result && op.read_result->is_data() &&
          op.read_result->data().view() != op.data_bytes) {
        Report(Clause::kR3, {op.id}, *op.complete_seq,
               std::string(SideName(op.side)) + "'s read " + Op(op.id) +
                   " returned " + Buffer::Copy(op.data_bytes).Preview(16) +
                   ", but by the end of the history that buffer held " +
                   op.read_result->data().Preview(16) +
                   ". A buffer returned by read must be fresh: nothing may "
                   "change it later.");
      }
      for (std::size_t i = 0, offset = 0; i < op.args.size();
           offset += op.args[i++].size()) {
        const std::string_view handed =
            std::string_view(op.arg_bytes).substr(offset, op.args[i].size());
        if (op.args[i].view() != handed) {
          Report(Clause::kW4, {op.id},
                 op.completed() ? *op.complete_seq : op.invoke_seq,
                 std::string(SideName(op.side)) + "'s " +
                     std::string(OpKindName(op.kind)) + " " + Op(op.id) +
                     " was handed " + Buffer::Copy(handed).Preview(16) +
                     " (buffer " + std::to_string(i) + "), which later held " +
                     op.args[i].Preview(16) +
                     ". The flow must never modify a buffer handed to "
                     "write/writev.");
        }
      }
    }
  }

  // R7 / W1 / W2 / C1 / C2 / C5 / X1 / E1: operations still pending when
  // nothing more could happen.
  void CheckPendingAtQuiescence() {
    const std::int64_t end = kNever - 1;
    // First: which reads are stuck with data waiting for them.
    bool stuck[2] = {false, false};
    for (Side side : {Side::kA, Side::kB}) {
      const Direction& in = directions_[Index(Peer(side))];
      for (const Operation& op : history_.operations()) {
        if (op.side == side && op.kind == OpKind::kRead && !op.completed() &&
            op.invoke_seq < in.first_eof &&
            std::max(in.required_end, in.pending_end) > in.bytes_read &&
            !FaultAllows(side, end, &FaultEffects::may_lose_data) &&
            !FaultAllows(side, end, &FaultEffects::may_hang)) {
          stuck[Index(side)] = true;
        }
      }
    }
    for (const Operation& op : history_.operations()) {
      if (op.completed()) continue;
      const Side side = op.side;
      const Side peer = Peer(side);
      const std::string s(SideName(side));
      const std::string p(SideName(peer));
      const std::string call =
          s + "'s " + std::string(OpKindName(op.kind)) + " " + Op(op.id);
      if (FaultAllows(side, end, &FaultEffects::may_hang)) continue;
      if (FaultAllows(side, end, &FaultEffects::connection_broken)) {
        Report(Clause::kE1, {op.id}, end,
               call +
                   " was still pending when nothing more could happen, "
                   "after the connection broke (a fault on " +
                   s +
                   "). After a connection fault, pending and later "
                   "operations must complete with an error, not hang.");
        continue;
      }
      if (op.kind == OpKind::kRead) {
        const Direction& in = directions_[Index(peer)];
        if (op.invoke_seq > in.first_eof) {
          Report(Clause::kR7, {op.id}, end,
                 call +
                     " was called after an earlier read returned Eof and "
                     "never completed. Once Eof was read, every later read "
                     "must return Eof again.");
        } else if (stuck[Index(side)]) {
          const std::size_t waiting =
              std::max(in.required_end, in.pending_end) - in.bytes_read;
          std::string what = call +
                             " was still pending when nothing more "
                             "could happen, with " +
                             std::to_string(waiting) + " bytes written by " +
                             p + " not yet read. ";
          if (stuck[Index(peer)]) {
            Report(Clause::kX1, {op.id}, end,
                   what +
                       "The other direction is stuck the same way: both "
                       "directions must carry data at once without "
                       "deadlock.");
          } else {
            if (ClosedBefore(peer, end)) {
              Report(Clause::kC1, {op.id}, end,
                     what + p +
                         " had called close: close must flush every "
                         "byte written before it.");
            } else {
              Report(Clause::kW1, {op.id}, end,
                     what +
                         "Bytes of a write must become readable while the "
                         "peer keeps reading.");
            }
            result_.violations.back().shortfall = Violation::Shortfall{
                peer, in.bytes_read, std::max(in.required_end, in.pending_end)};
          }
        } else if (ClosedBefore(peer, end) &&
                   in.bytes_read >= in.required_end &&
                   !FaultAllows(side, end, &FaultEffects::may_lose_data)) {
          Report(Clause::kC2, {op.id}, end,
                 call +
                     " was still pending when nothing more could happen, "
                     "though " +
                     p +
                     " had closed and every byte it wrote had been read. It "
                     "must return Eof.");
        }
      } else if (op.is_write()) {
        if (ClosedBefore(side, op.invoke_seq)) {
          Report(Clause::kW2, {op.id}, end,
                 call + " was called after " + s +
                     " had called close and never completed. A write after "
                     "close must return Closed.");
        }
        // A write pending while the peer reads is reported through the
        // peer's stuck read (W1 / X1); one the peer does not read is
        // backpressure.
      } else if (op.kind == OpKind::kClose) {
        if (ClosedBefore(peer, end)) {
          Report(Clause::kC5, {op.id}, end,
                 call + " never returned, though " + p +
                     " had called close too. Once both endpoints have "
                     "called close, both closes must return.");
        }
      }
    }
  }

  const History& history_;
  const CheckOptions options_;
  Scratch& scratch_;
  Direction* const directions_;         // scratch_.directions
  const FaultRecord* break_ = nullptr;  // first connection_broken fault
  CheckResult result_;
  std::int64_t close_invoke_[2] = {kNever, kNever};
};

}  // namespace

std::string Violation::ToString() const {
  std::string out = std::string(ClauseId(clause)) + " violated (" +
                    std::string(ClauseSummary(clause)) + "): " + explanation;
  if (!operations.empty()) {
    out += " [";
    for (std::size_t i = 0; i < operations.size(); ++i) {
      if (i > 0) out += ' ';
      out += Op(operations[i]);
    }
    out += "]";
  }
  return out;
}

bool CheckResult::Violates(Clause clause) const {
  for (const Violation& violation : violations) {
    if (violation.clause == clause) return true;
  }
  return false;
}

std::string CheckResult::ToString() const {
  std::string out = ok() ? "ok\n" : "";
  for (const Violation& violation : violations) {
    out += violation.ToString() + "\n";
  }
  for (const std::string& note : notes) out += "note: " + note + "\n";
  return out;
}

CheckResult CheckHistory(const History& history) {
  return CheckHistory(history, CheckOptions{});
}

CheckResult CheckHistory(const History& history, const CheckOptions& options) {
  thread_local Scratch scratch;
  if (scratch.in_use) {
    // Not expected (a check calls no other), but never share the buffers.
    Scratch own;
    return Checker(history, options, own).Run();
  }
  struct InUse {
    explicit InUse(Scratch& s) : scratch(s) {
      scratch.in_use = true;
      scratch.Clear();
    }
    ~InUse() {
      scratch.Trim();
      scratch.in_use = false;
    }
    Scratch& scratch;
  } in_use(scratch);
  return Checker(history, options, scratch).Run();
}

}  // namespace flowcheck
