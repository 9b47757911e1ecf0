// sim/fault_plan_text.h: the one-line text form of a FaultPlan, for command
// lines, replay lines and test names. ParseFaultPlan reads it,
// PrintFaultPlan writes its canonical form; docs/fault-plans.md is the
// user's guide and holds the grammar.
//
//   latency=1ms..5ms split=1B..64B window=64KiB; reset a>b after=1MiB
//
// Contract:
// - Round trip: for every plan that ValidateFaultPlan (sim/fault_plan.h)
//   accepts,
//   ParseFaultPlan(PrintFaultPlan(plan)) succeeds and equals the plan.
//   Every plan ParseFaultPlan returns is valid, so printing a parsed text is
//   idempotent.
// - The default FaultPlan prints as the empty string; the empty string (or
//   only whitespace) parses as the default plan.
// - Parsing never crashes and never throws on any input: it makes one pass
//   without recursion, in time and memory linear in the input, and every
//   failure is a FaultPlanError naming a 1-based column, what was expected
//   there and what was found (quoted, at most a few dozen bytes of it).
//
// Everything here is a pure function of its arguments; values in, values
// out, no shared state: any thread may call any of it.
#ifndef FLOWCHECK_SIM_FAULT_PLAN_TEXT_H_
#define FLOWCHECK_SIM_FAULT_PLAN_TEXT_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "sim/fault_plan.h"

namespace flowcheck::sim {

// Why a text is not a fault plan, and where.
struct FaultPlanError {
  // 1-based byte column into the parsed text; text.size() + 1 when the
  // problem is that the text ended too early.
  std::size_t column = 0;
  // One sentence saying what was expected and what was found, e.g.
  // "expected a duration such as 5ms or 250us after 'latency=', found
  // 'fast'". Never empty.
  std::string message;

  // "column 9: expected a duration ... found 'fast'".
  std::string ToString() const;

  // Two lines for a terminal: `input` itself (every control character,
  // tabs and newlines included, shown as a space so the columns stay put)
  // and a '^' under `column`, each ending in '\n', followed by ToString()
  // and '\n'. `input` should be the text that was parsed; a column past its
  // end puts the caret just after the last character. Bytes of a UTF-8
  // sequence after its first do not move the caret.
  std::string FormatWithCaret(std::string_view input) const;

  friend bool operator==(const FaultPlanError&,
                         const FaultPlanError&) = default;
  friend std::ostream& operator<<(std::ostream& os,
                                  const FaultPlanError& error) {
    return os << error.ToString();
  }
};

// The outcome of ParseFaultPlan: a FaultPlan or a FaultPlanError, never
// both. A value; it owns what it holds.
class ParsedFaultPlan {
 public:
  static ParsedFaultPlan Ok(FaultPlan plan) {
    return ParsedFaultPlan(std::move(plan));
  }
  static ParsedFaultPlan Failure(FaultPlanError error) {
    return ParsedFaultPlan(std::move(error));
  }

  bool ok() const { return std::holds_alternative<FaultPlan>(value_); }

  // The plan. Aborts (FLOWCHECK_CHECK) unless ok().
  const FaultPlan& plan() const;
  // Why the text was rejected. Aborts (FLOWCHECK_CHECK) when ok().
  const FaultPlanError& error() const;

 private:
  explicit ParsedFaultPlan(std::variant<FaultPlan, FaultPlanError> value)
      : value_(std::move(value)) {}

  std::variant<FaultPlan, FaultPlanError> value_;
};

// ParseFaultPlan()
//
// Reads `text` (grammar in docs/fault-plans.md). On success the result holds
// the plan: every setting not named keeps its FaultPlan default, and the
// faults appear in the order written. On failure it holds the first problem
// found, scanning left to right; nothing is partially applied. Only
// `text` is read, and only during the call; the result owns everything.
ParsedFaultPlan ParseFaultPlan(std::string_view text);

// PrintFaultPlan()
//
// The canonical text of `plan`: settings in the fixed key order latency,
// tail, bandwidth, split, coalesce, read-max, window, close-delay; a setting
// equal to its default is left out; a setting that is the same in both
// directions is written once without a direction, otherwise each direction
// that differs from the default is written with an "a>b:" or "b>a:" prefix;
// then each fault as "; KIND DIR TRIGGER [for=DUR]" with DIR always written.
// Durations and sizes use the largest unit that represents them exactly
// (5ms, 64KiB, 1KB, 100B; zero is 0ns or 0B), rates are in ppm. The
// default plan prints as "". A plan with no settings but faults starts with
// "; ".
//
// Never fails. For a plan ValidateFaultPlan rejects, the text shows what the
// fields say as best it can (a negative duration prints with a '-', which
// the parser refuses), but it may not parse, or may parse to another plan:
// call ValidateFaultPlan first where that matters.
std::string PrintFaultPlan(const FaultPlan& plan);

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_FAULT_PLAN_TEXT_H_
