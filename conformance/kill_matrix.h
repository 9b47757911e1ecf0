// conformance/kill_matrix.h: what the suite catches on top of one flow --
// the mutant zoo run over it, as a mutation-testing report.
//
// A user who layers a flow (TLS over a socket, a multiplexed stream, a
// proxy) wants to know which breakages the certificate would notice in
// *their* flow, not only over the built-in ones. RunKillMatrix certifies the
// flow itself (the baseline) and then every mutant of the zoo wrapped
// around it, and records per mutant and clause what the certificate said.
//
// A mutant is *caught* when its certificate FAILs its own clause or one it
// names in `also` (Mutant::CaughtBy) that the baseline did not already fail,
// and its own clause is not PASS; *caught elsewhere* when it fails some
// clause but not in that way (a reader would trust a PASS on the very
// clause it breaks); *killed by a crash* when only a crash or hang stopped
// it; *survived* when its certificate passed; *not applicable* when it needs
// a reset the flow's world cannot inject. The matrix passes when no
// applicable mutant survived or was caught elsewhere.
//
// Single-threaded; each certificate runs as Certify() does (isolated cases
// by default).
#ifndef FLOWCHECK_CONFORMANCE_KILL_MATRIX_H_
#define FLOWCHECK_CONFORMANCE_KILL_MATRIX_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/certificate.h"
#include "conformance/certify.h"
#include "conformance/mutants.h"
#include "conformance/report.h"
#include "conformance/subject.h"

namespace flowcheck::conformance {

enum class MutantFate {
  kCaught,           // FAILs its clause (or an `also` one); own clause not PASS
  kCaughtElsewhere,  // fails, but not so: its own clause says PASS (or was
                     // not run, under --only)
  kKilledByCrash,    // no FAIL, but a case crashed or hung
  kSurvived,         // its certificate passed
  kNotApplicable,    // needs a reset the world cannot inject: not run
};

// "caught", "caught elsewhere", "killed by a crash", "SURVIVED",
// "not applicable".
std::string_view MutantFateName(MutantFate fate);

struct MutantRow {
  Mutant mutant;
  MutantFate fate = MutantFate::kNotApplicable;
  // The mutant's certificate (empty clauses when not applicable).
  Certificate certificate;
  // The clauses that caught it (FAIL, and not failed by the baseline).
  std::vector<Clause> caught_on;
  // Replays the mutant's certificate with full shrinking and histories.
  std::string replay;
};

struct KillMatrix {
  std::string flow;
  std::string description;
  std::uint64_t seed = 0;
  int programs = 0;
  Certificate baseline;  // the flow itself, unmutated
  std::vector<MutantRow> rows;
  double seconds = 0;

  int Count(MutantFate fate) const;
  // No applicable mutant survived or was caught only elsewhere.
  bool passed() const;
};

// Certifies `flow` and then each of `mutants` over it with `options`
// (shrinking off unless the caller set it: detection is what a matrix
// shows; the replay line reproduces a shrunk counterexample). A mutant's
// `min_watchdog` raises the watchdog for its certificate. `progress` (may
// be empty) gets one line per finished certificate. Requires
// ValidateCertifyOptions(options) to be nullopt.
KillMatrix RunKillMatrix(const FlowUnderTest& flow,
                         const std::vector<Mutant>& mutants,
                         const CertifyOptions& options,
                         const std::function<void(std::string_view)>& progress);

// The matrix in `format`: a table (one row per mutant, one column per
// clause: X FAIL, . PASS, - not applicable, C crash, n not reached), the
// same in Markdown, JSON (schema "flowcheck.kill-matrix/1", docs/certify.md)
// or JUnit (one testcase per mutant; a survivor or a catch elsewhere is a
// failure). Never fails.
std::string RenderKillMatrix(const KillMatrix& matrix, ReportFormat format);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_KILL_MATRIX_H_
