// conformance/certify.h: Certify(), which runs the whole conformance suite
// on one flow implementation and returns its Certificate.
//
// What runs (each part can be selected with CertifyOptions::only):
//  - "programs": RapidCheck property programs (conformance/program_gen.h);
//    on failure RapidCheck shrinks to a minimal program, which the
//    certificate prints with the clause, the seed and a replay line;
//  - every named scenario (conformance/scenarios.h), by id;
//  - "observations": the spec-silent behaviours (conformance/observe.h).
//
// Hygiene: a hanging implementation becomes a FAIL of the clause its
// pending operations block (each case has a watchdog; the simulation proves
// hangs exactly). With `isolate` (the default), every case -- the property
// programs, each scenario, each observation -- runs in its own child
// process bounded in time and memory (conformance/isolate.h), so a crash
// (segfault, abort, an exception, exit(), a flow that never yields, a leak)
// becomes a CRASH line in words with the case, where it was and its replay
// command, the clauses that case targets say CRASH, and the rest of the
// suite still runs. Without `isolate`, an exception from the flow is still
// caught per case, but a crash or an exit() takes the process down.
//
// Certify never throws for a broken implementation; it reports. It does
// check its options (an unknown `only` name is an error, see
// ValidateCertifyOptions).
#ifndef FLOWCHECK_CONFORMANCE_CERTIFY_H_
#define FLOWCHECK_CONFORMANCE_CERTIFY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/certificate.h"
#include "conformance/program.h"
#include "conformance/subject.h"

namespace flowcheck::conformance {

struct CertifyOptions {
  // Seeds the property programs (RapidCheck) and every scenario.
  std::uint64_t seed = 1;
  // Property programs that must pass (RapidCheck's max_success).
  int programs = 100;
  // Run each case in a child process (crash isolation, time and memory
  // bounds; conformance/isolate.h). Turn off only to debug a case in one
  // process.
  bool isolate = true;
  // Real-time worlds: the longest any one case (a program or a scenario)
  // may run before its watchdog cancels it and the pending operations are
  // judged. Scenarios with a shorter limit of their own keep it. Simulated
  // worlds do not wait in real time.
  Duration watchdog = std::chrono::seconds(10);
  // Simulated worlds: how much virtual time a case may take (it costs no
  // real time). A case stopped there is cut off: its clauses say NOT
  // REACHED with the reason, never FAIL -- a slow but valid plan does not
  // fail a correct flow.
  Duration virtual_time_limit = kSimulatedTimeLimit;
  // Isolated cases, every world: a child that makes no progress (no flow
  // operation invoked or completed) for watchdog + stall_grace is killed
  // and reported -- a flow that spins without yielding, even in the
  // simulation, is caught after this long.
  Duration stall_grace = std::chrono::seconds(5);
  // Isolated cases: the address-space limit of each case's child process,
  // in bytes (0: none). Not enforced under ASan/TSan builds.
  std::uint64_t case_memory_bytes = std::uint64_t{4} << 30;
  // Shrink a failing property program to a minimal one (RapidCheck). Off
  // only where just detection matters (a failure is then less readable).
  bool shrink = true;
  // Parts to run: "programs", "observations" and scenario ids; empty: all.
  std::vector<std::string> only;
  // How replay lines start; the flow, seed and part are appended.
  std::string replay_prefix = "bazel run //tools:flowcheck -- certify";
  // How replay lines name the flow; empty: "--flow=" and its name. (A
  // flow certified through a driver is named by its command:
  // "--driver='python3 d.py'".)
  std::string replay_flow;
  // When set, every replay line is exactly this (a caller that runs one
  // part and knows its own command, e.g. a GoogleTest case: "bazel test
  // //my:test --test_env=FLOWCHECK_SEED=7 --test_filter=..."); the prefix
  // and flow above are then unused.
  std::string replay_command;
  // Called with one line after each case (progress on long runs).
  std::function<void(std::string_view)> progress;
};

// An error message if `options` names a part that does not exist.
std::optional<std::string> ValidateCertifyOptions(
    const CertifyOptions& options);

// Certifies `flow`. Requires ValidateCertifyOptions(options) to be nullopt.
Certificate Certify(const FlowUnderTest& flow, const CertifyOptions& options);

// The names `only` accepts: "programs", "observations", then every
// scenario id.
std::vector<std::string> CertifyParts();

// The flags a replay line needs so that a case sees the limits it saw
// (" --watchdog=500ms --virtual-time-limit=120s"): those of `options` that
// differ from the defaults; "" if none does. Every replay line a
// certificate or a kill matrix prints ends with them.
std::string ReplayLimitFlags(const CertifyOptions& options);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_CERTIFY_H_
