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
// hangs exactly). With `isolate`, each case runs in a child process, so a
// crash (segfault, abort) becomes a Crash line with its seed and replay
// command while the rest of the suite still runs.
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
#include "conformance/subject.h"

namespace flowcheck::conformance {

struct CertifyOptions {
  // Seeds the property programs (RapidCheck) and every scenario.
  std::uint64_t seed = 1;
  // Property programs that must pass (RapidCheck's max_success).
  int programs = 100;
  // Run each case in a child process (crash isolation).
  bool isolate = false;
  // Real-time worlds: the longest any one case (a program or a scenario)
  // may run before its watchdog cancels it and the pending operations are
  // judged. Scenarios with a shorter limit of their own keep it. Simulated
  // worlds do not wait in real time.
  Duration watchdog = std::chrono::seconds(10);
  // Shrink a failing property program to a minimal one (RapidCheck). Off
  // only where just detection matters (a failure is then less readable).
  bool shrink = true;
  // Parts to run: "programs", "observations" and scenario ids; empty: all.
  std::vector<std::string> only;
  // How replay lines start; the flow, seed and part are appended.
  std::string replay_prefix = "bazel run //tools:flowcheck -- certify";
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

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_CERTIFY_H_
