// conformance/mutants.h: the mutant zoo -- deliberately broken flows that
// prove the conformance suite catches what it claims to catch.
//
// Each mutant wraps the endpoints of a correct flow (FlowWrapper) and breaks
// one clause in one recognisable way: a 0-byte Data, Eof before the drain, a
// flipped byte, a reused read buffer, a writev that reorders its parts, Ok
// after close, a close that returns before the peer closed, ... The two
// endpoints of a pair share a little state (who has closed), so mutants can
// misbehave exactly when it matters.
//
// A mutant names the clause it breaks (`clause`) and the clauses whose
// violation also counts as catching it (`also`): some breakages leave the
// same evidence under two clauses (data lost by a close that does not flush
// looks, from outside, like an Eof before the drain: C1 and R5).
#ifndef FLOWCHECK_CONFORMANCE_MUTANTS_H_
#define FLOWCHECK_CONFORMANCE_MUTANTS_H_

#include <memory>
#include <string>
#include <vector>

#include "conformance/subject.h"
#include "model/clause.h"

namespace flowcheck::conformance {

struct Mutant {
  std::string name;          // "empty-data"
  std::string description;   // "returns Data of 0 bytes on every 3rd read"
  Clause clause;             // the clause it breaks
  std::vector<Clause> also;  // other clauses whose violation also catches it
  bool needs_reset = false;  // only observable with an injected reset (E1)
  // Real-time worlds: the smallest watchdog that shows it (0: any). A
  // mutant that misbehaves only after a half-close held for a while needs a
  // hold that long, and the hold is at most a quarter of the watchdog
  // (RunLimits::HalfCloseHold).
  Duration min_watchdog{0};

  // Whether a certificate that FAILs `failed` caught this mutant.
  bool CaughtBy(const std::vector<Clause>& failed) const;
};

// Every mutant of the zoo (at least one per MUST clause).
const std::vector<Mutant>& AllMutants();

// The mutant called `name`, or null.
const Mutant* FindMutant(const std::string& name);

// "R5_eof_before_drain": a name for tests parameterized over the zoo.
std::string MutantTestName(const Mutant& mutant);

// Wraps the endpoints `a` and `b` of one pair running on `runtime` with
// `mutant` (which must be in the zoo). The wrappers share a little state;
// they must be destroyed before `runtime`.
void MutatePair(const Mutant& mutant, Runtime& runtime,
                std::unique_ptr<Flow>& a, std::unique_ptr<Flow>& b);

// `base` with both endpoints of every pair wrapped by `mutant`.
FlowUnderTest Mutate(const FlowUnderTest& base, const Mutant& mutant);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_MUTANTS_H_
