// model/clause.h: the clauses of the flow contract as values.
//
// Every check, report line and counterexample in flowcheck names one of
// these. The ids and sentences follow docs/spec.md (the project's statement
// of shared/flow-spec.md); Summary() is the one-line form used in reports.
#ifndef FLOWCHECK_MODEL_CLAUSE_H_
#define FLOWCHECK_MODEL_CLAUSE_H_

#include <array>
#include <optional>
#include <ostream>
#include <string_view>

namespace flowcheck {

// The MUST clauses, in the order of the spec's table.
enum class Clause {
  kR1,  // read pends while nothing is readable and the peer has not closed
  kR2,  // Data holds at least one byte
  kR3,  // a returned buffer never changes
  kR4,  // bytes read are a prefix of bytes written
  kR5,  // after the peer's close, data is drained before Eof
  kR6,  // Eof only after the peer called close
  kR7,  // Eof is sticky
  kW1,  // bytes of an Ok write are eventually readable
  kW2,  // write after close returns Closed
  kW3,  // writev delivers its parts in order
  kW4,  // the flow never modifies a written buffer
  kC1,  // close flushes
  kC2,  // after close and drain, the peer reads Eof
  kC3,  // half-close keeps the other direction working
  kC4,  // close returns only after the peer closed
  kC5,  // once both closed, closes return and reads complete
  kX1,  // full duplex without deadlock
  kE1,  // after a fault, operations complete with errors that say what
};

inline constexpr std::array<Clause, 18> kAllClauses = {
    Clause::kR1, Clause::kR2, Clause::kR3, Clause::kR4, Clause::kR5,
    Clause::kR6, Clause::kR7, Clause::kW1, Clause::kW2, Clause::kW3,
    Clause::kW4, Clause::kC1, Clause::kC2, Clause::kC3, Clause::kC4,
    Clause::kC5, Clause::kX1, Clause::kE1};

// "R1", "W3", ...
std::string_view ClauseId(Clause clause);

// The clause whose id is `id` ("R1"...), or nullopt.
std::optional<Clause> ParseClause(std::string_view id);

// One line: "read pends while nothing is readable and the peer has not
// closed".
std::string_view ClauseSummary(Clause clause);

inline std::ostream& operator<<(std::ostream& os, Clause clause) {
  return os << ClauseId(clause);
}
template <typename Sink>
void AbslStringify(Sink& sink, Clause clause) {
  sink.Append(ClauseId(clause));
}

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_CLAUSE_H_
