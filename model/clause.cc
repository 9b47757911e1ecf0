#include "model/clause.h"

namespace flowcheck {
namespace {

struct ClauseText {
  std::string_view id;
  std::string_view summary;
};

ClauseText Text(Clause clause) {
  switch (clause) {
    case Clause::kR1:
      return {
          "R1",
          "read pends while nothing is readable and the peer has not closed"};
    case Clause::kR2:
      return {"R2", "every Data returned by read holds at least 1 byte"};
    case Clause::kR3:
      return {"R3", "a buffer returned by read never changes afterwards"};
    case Clause::kR4:
      return {"R4", "bytes read are a prefix of the bytes the peer wrote"};
    case Clause::kR5:
      return {"R5",
              "after the peer's close, all in-flight data is read before Eof"};
    case Clause::kR6:
      return {"R6", "Eof only after the peer has called close"};
    case Clause::kR7:
      return {"R7", "once read returned Eof, every later read returns Eof"};
    case Clause::kW1:
      return {"W1",
              "bytes of an Ok write become readable while the peer reads"};
    case Clause::kW2:
      return {"W2", "write/writev after close returns Closed"};
    case Clause::kW3:
      return {"W3", "writev delivers its buffers' bytes in order"};
    case Clause::kW4:
      return {"W4", "the flow never modifies a buffer handed to write/writev"};
    case Clause::kC1:
      return {"C1", "close flushes every byte written before it"};
    case Clause::kC2:
      return {"C2", "after the peer's close and the drain, read returns Eof"};
    case Clause::kC3:
      return {"C3",
              "half-close: the other direction keeps working until the peer "
              "closes"};
    case Clause::kC4:
      return {"C4", "close returns only after the peer has called close"};
    case Clause::kC5:
      return {"C5",
              "once both endpoints closed, closes return and reads complete"};
    case Clause::kX1:
      return {"X1", "both directions carry data at once without deadlock"};
    case Clause::kE1:
      return {"E1",
              "after a fault, operations complete with a described error"};
  }
  return {"?", "unknown clause"};
}

}  // namespace

std::string_view ClauseId(Clause clause) { return Text(clause).id; }

std::string_view ClauseSummary(Clause clause) { return Text(clause).summary; }

std::optional<Clause> ParseClause(std::string_view id) {
  for (Clause clause : kAllClauses) {
    if (ClauseId(clause) == id) return clause;
  }
  return std::nullopt;
}

}  // namespace flowcheck
