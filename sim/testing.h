// sim/testing.h: the glue between sim/ and model/ (the sim libraries
// themselves do not depend on model/): what a fired fault allows the
// checker (EffectsOf), and random programs on a simulated connection,
// recorded and judged by the model checker (RunRandomProgram).
//
// A program is drawn from a seed: on each endpoint a writer task performs
// writes and writevs of random sizes (0 bytes included, with contents whose
// consecutive bytes differ, so loss, duplication and corruption show), may
// close in the middle (later writes must return Closed) or at the end, and
// one or two reader tasks read until Eof or an error (one of them may stop
// early, leaving the peer's writes to backpressure). The run ends quiescent
// in virtual time, so "stays pending" is proved, not guessed.
#ifndef FLOWCHECK_SIM_TESTING_H_
#define FLOWCHECK_SIM_TESTING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/checker.h"
#include "model/history.h"
#include "sim/connection.h"
#include "sim/fault_plan.h"
#include "sim/scheduler.h"

namespace flowcheck::sim::testing {

struct ProgramOptions {
  int writes_per_side_max = 8;
  std::uint64_t write_bytes_max = 3000;
  bool keep_trace_text = false;
  bool check_caller_obligations = false;
};

struct CheckedRun {
  std::uint64_t seed = 0;
  History history;
  CheckResult verdict;
  RunReport report;
  std::uint64_t trace_hash = 0;
  std::map<std::string, std::uint64_t, std::less<>> counters;
  std::vector<FaultFired> faults;
  std::string trace_text;  // when keep_trace_text

  // Everything a human needs to debug a failed run: seed, verdict, history,
  // run report (and trace, if kept).
  std::string Explain() const;
};

// Runs the program drawn from `seed` on a connection shaped by `plan`.
CheckedRun RunRandomProgram(std::uint64_t seed, const FaultPlan& plan,
                            const ProgramOptions& options = {});

// The FaultEffects of a fired fault, or nullopt for one that relaxes
// nothing (timing-only faults, contract-breaking faults).
std::optional<FaultEffects> EffectsOf(const FaultFired& fault);

}  // namespace flowcheck::sim::testing

#endif  // FLOWCHECK_SIM_TESTING_H_
