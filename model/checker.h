// model/checker.h: the history checker -- decides whether an observed
// History (model/history.h) satisfies every MUST clause of the contract.
//
// The checker accepts every legal way of splitting and merging the written
// bytes across reads, overlapping operations from several tasks (reads that
// overlap may have received their bytes in any order consistent with
// real-time precedence), and operations still pending at the end of the
// history where the spec allows them (a read with nothing to read: R1; a
// close whose peer has not closed: C4; a write the peer is not reading:
// backpressure). Pending operations are judged only when the history ended
// quiescent (model/history.h); a cut-off history leaves them undecided.
//
// Judging rules, clause by clause, are in docs/spec.md; each rule's code is
// marked there and here with its clause id.
//
// Limits (reported in CheckResult::notes, never as violations):
//  - writes that overlap on one endpoint are judged in invocation order
//    (concurrent writers are spec-silent);
//  - overlapping reads are linearized by a bounded search; if the bound is
//    hit the direction's byte stream is not judged.
#ifndef FLOWCHECK_MODEL_CHECKER_H_
#define FLOWCHECK_MODEL_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clause.h"
#include "model/history.h"

namespace flowcheck {

// One broken clause, with the evidence.
struct Violation {
  Clause clause = Clause::kR1;
  // The operations that show it, the main one first (ids in the History).
  std::vector<int> operations;
  // When it became evident (a sequence number of the history), for ordering.
  std::int64_t seq = 0;
  // A paragraph a human can act on: what happened, what the clause
  // required instead.
  std::string explanation;

  // For violations where written bytes never reached the reader (R5: Eof
  // before the drain; C1/W1: a read pending forever with bytes unread):
  // who wrote them and how far the reader got, so that a caller who knows
  // what the writer really handed to the transport (the simulated link) can
  // say which side lost them. Unset for other violations.
  struct Shortfall {
    Side writer = Side::kA;
    std::uint64_t bytes_read = 0;      // by the reader, before the evidence
    std::uint64_t bytes_required = 0;  // written with Ok by the writer
  };
  std::optional<Shortfall> shortfall;

  // "R4 violated (bytes read are a prefix ...): <explanation> [#3 #7]".
  std::string ToString() const;
};

struct CheckResult {
  // Every violation found, earliest evidence first. Empty: all MUST clauses
  // hold on this history.
  std::vector<Violation> violations;
  // What could not be judged, and why.
  std::vector<std::string> notes;

  bool ok() const { return violations.empty(); }
  // Whether some violation is of `clause`.
  bool Violates(Clause clause) const;
  // "ok", or the violations and notes, one per line.
  std::string ToString() const;
};

// Judges `history`. Never fails: any history, however broken, gets a result.
// The history need not have ended; if it is still open, it is judged as if
// cut off (pending operations undecided).
CheckResult CheckHistory(const History& history);

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_CHECKER_H_
