// conformance/timeline.h: Timeline, the history of one counterexample in a
// form a picture can be drawn from (DiagramSvg, conformance/html_report.h)
// and that survives a trip through JSON -- out of an isolated case's child
// process, and into and out of a JSON certificate.
//
// A timeline keeps, for every operation: its endpoint and task, a label
// ("write 2000 B", "read", "close"), its result ("Ok", "Data 10 B", "Eof",
// ...), when it was invoked and completed (sequence number and the
// runtime's time), and which stream offsets it carried. Offsets follow the
// checker's byte stream (model/checker.cc): a direction's stream is the
// bytes of its writes in invocation order, except writes refused with
// Closed (they put nothing on it); a read's offsets are the bytes its
// endpoint's Data reads returned before it, in completion order. (Where
// several reads overlap, the checker may have placed their bytes in
// another order; the picture shows completion order.)
//
// It also keeps the injected faults, how the history ended, the operations
// the violation names (drawn in red), the violation's sentence and the
// side the evidence blames, if any.
//
// Plain values; no I/O.
#ifndef FLOWCHECK_CONFORMANCE_TIMELINE_H_
#define FLOWCHECK_CONFORMANCE_TIMELINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/history.h"

namespace flowcheck::conformance {

struct TimelineOp {
  int id = 0;  // the operation's id in the history (#N in the text)
  Side side = Side::kA;
  std::string task;  // "A-writer", or empty
  OpKind kind = OpKind::kRead;
  std::string label;   // "write 2000 B", "writev 3 parts 17 B", "read"
  std::string result;  // "Ok", "Data 10 B", "Eof", "Closed", "Error ...";
                       // empty while pending
  std::int64_t invoke_seq = 0;
  std::int64_t invoke_ns = 0;
  std::optional<std::int64_t> complete_seq;  // unset: pending at the end
  std::int64_t complete_ns = 0;
  // Stream offsets carried, [begin, end): a write's on its own side's
  // stream, a Data read's on the peer's. begin == end: none.
  std::uint64_t stream_begin = 0;
  std::uint64_t stream_end = 0;
  bool marked = false;  // named by the violation
};

struct TimelineFault {
  std::int64_t seq = 0;
  std::int64_t ns = 0;
  Side side = Side::kA;
  std::string name;
};

struct Timeline {
  std::vector<TimelineOp> ops;  // in invocation order
  std::vector<TimelineFault> faults;
  // Operations left out because the history was longer than a timeline
  // keeps (kTimelineMaxOps); their ids are missing from `ops`. Never an
  // eventful one (IsEventful) unless there were more than that many too.
  int omitted = 0;
  // Operations pending at the end, in the whole history (kept or not).
  int pending = 0;
  std::string end;  // "quiescent", "waited out", "cut off", "open"
  std::int64_t end_seq = 0;
  std::int64_t end_ns = 0;
  bool simulated = false;  // times are virtual
  std::string violation;   // the checker's sentence, clause first
  std::string blamed;      // "A", "B" or empty
};

// The most operations a timeline keeps in full: the first and last half of
// a longer history, plus every operation the violation names and up to as
// many eventful ones again from the middle.
inline constexpr int kTimelineMaxOps = 4000;

// Whether an operation is eventful -- named by the violation, a close,
// pending at the end, or a result other than Ok or Data: what a long
// history keeps and a diagram always draws.
bool IsEventful(const TimelineOp& op);

// The timeline of `history`, with `marked` operation ids drawn in red.
Timeline TimelineOf(const History& history, const std::vector<int>& marked,
                    bool simulated);

// To and from JSON text (an object). FromJson returns nullopt, with `error`
// set, for anything that is not a timeline this code could have written: a
// missing or mistyped field, a result without a completion (or the other
// way round), a sequence number outside 0..2^53, a completion before its
// invocation, a stream range that ends before it begins, an unknown end or
// side.
std::string TimelineToJson(const Timeline& timeline);
std::optional<Timeline> TimelineFromJson(const std::string& json,
                                         std::string* error);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_TIMELINE_H_
