// conformance/scenarios.h: the named scenarios -- one or more fixed cases
// per clause of the contract, each a small story a reader can follow
// ("A writes 4 MiB and closes at once; B must read all of it, then Eof").
//
// A scenario targets clauses (the ones it was written to exercise), but any
// violation the checker finds while it runs counts against the clause the
// checker names. Scenarios that need a capability (an injected reset) are
// NOT APPLICABLE on worlds that lack it.
#ifndef FLOWCHECK_CONFORMANCE_SCENARIOS_H_
#define FLOWCHECK_CONFORMANCE_SCENARIOS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conformance/program.h"
#include "conformance/subject.h"
#include "model/clause.h"

namespace flowcheck::conformance {

struct Scenario {
  std::string id;               // "R5.drain-before-eof": clause, then a name
  std::string story;            // what happens, in one sentence
  std::vector<Clause> clauses;  // what it exercises
  bool needs_reset = false;
  // How long a real-time world may take (watchdog). Scenarios that prove
  // "stays pending" in real time wait this long, then judge.
  Duration limit = std::chrono::seconds(10);
  // Runs the scenario on a fresh subject within `limits` (whose watchdog
  // is at most this scenario's `limit`).
  std::function<Execution(Subject& subject, std::uint64_t seed,
                          const RunLimits& limits)>
      run;
};

// Every scenario, in clause order.
const std::vector<Scenario>& AllScenarios();

// The scenario with this id, or null.
const Scenario* FindScenario(const std::string& id);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SCENARIOS_H_
