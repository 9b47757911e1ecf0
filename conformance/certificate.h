// conformance/certificate.h: Certificate, the verdict of certifying one flow
// implementation -- one line per clause (PASS / FAIL / NOT APPLICABLE) with
// its evidence, a counterexample and replay line for each FAIL, crashes,
// and the spec-silent observations.
//
// Writers for the four formats live in conformance/report.h.
#ifndef FLOWCHECK_CONFORMANCE_CERTIFICATE_H_
#define FLOWCHECK_CONFORMANCE_CERTIFICATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/coverage.h"
#include "conformance/subject.h"
#include "conformance/timeline.h"
#include "model/clause.h"

namespace flowcheck::conformance {

enum class Verdict {
  kPass,           // exercised, and no violation of it was found
  kFail,           // a violation was found: see the counterexamples
  kNotApplicable,  // cannot be exercised on this flow (a capability its
                   // world lacks: an injected reset, shared buffers)
  kCrash,          // a case that targets it crashed, hung or was killed
                   // before it could be judged: see the crash lines
  kNotReached,     // could be exercised but was not: no case for it ran
                   // (--only left them out), none reached what it protects,
                   // or each was stopped before it could be judged (the
                   // virtual time limit); the note says which. Neither
                   // PASS nor FAIL
};

// "PASS", "FAIL", "NOT APPLICABLE", "CRASH", "NOT REACHED".
std::string_view VerdictName(Verdict verdict);

// One violation found, with what is needed to see it again.
struct Counterexample {
  std::string source;     // "programs" or a scenario id
  std::string program;    // the (shrunk) program or the scenario's story
  std::string violation;  // the checker's sentence, clause first
  std::string details;    // pending tasks and the history
  std::string replay;     // a copy-pasteable command
  // The history as a diagram can draw it (conformance/diagram.h), with the
  // operations the violation names marked; unset where none was recorded
  // (a certificate read from an older JSON file).
  std::optional<Timeline> timeline;
  // The simulation's scheduling trace of the run, when it was kept
  // (flowcheck replay --trace; KeepSimulationTraces in sim_subject.h).
  std::string trace;
};

struct ClauseResult {
  Clause clause = Clause::kR1;
  Verdict verdict = Verdict::kPass;
  std::int64_t programs = 0;   // property programs that ran
  std::int64_t scenarios = 0;  // scenarios that ran and target this clause
  std::vector<Counterexample> failures;  // the first few
  std::string note;  // why NOT APPLICABLE or NOT REACHED, or what backs
                     // the verdict
  // NOT REACHED because the run's selection (--only) left out every check
  // of this clause: a gap chosen by the caller, not one of the flow's.
  bool left_out = false;
  // How many seeds FAILed it: 1 for a FAIL of one certification, summed
  // by MergeCertificates (conformance/sweep.h); 0 unless FAIL.
  std::uint64_t seeds_failed = 0;
};

// Seeds first..last, both included (first <= last).
struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;
  // last - first + 1; a range of every uint64 seed saturates at UINT64_MAX.
  std::uint64_t size() const;
  friend bool operator==(const SeedRange&, const SeedRange&) = default;
};

// "7" for one seed, "1..100000" for more.
std::string FormatSeedRange(const SeedRange& range);

// A case that crashed or could not run.
struct Crash {
  std::string source;  // "programs (seed 7)" or a scenario id
  std::string what;    // "killed by signal 11 (Segmentation fault)"
  std::string replay;
};

// What an implementation does where the spec is silent.
struct Observation {
  std::string name;    // "double close"
  std::string result;  // "the second close returns once the peer closed"
};

struct Certificate {
  std::string flow;
  std::string description;
  std::uint64_t seed = 0;  // the first seed covered
  // Every seed covered, ascending, disjoint and not adjacent: {seed..seed}
  // for one certification; a sweep or a merge of shards covers more. Empty
  // only for a shard that was given no seed.
  std::vector<SeedRange> seeds;
  Evidence evidence = Evidence::kExact;
  std::int64_t programs_run = 0;
  std::int64_t scenarios_run = 0;
  // Property programs stopped by the virtual time limit: judged only up to
  // it (what was pending then is undecided).
  std::int64_t programs_cut_off = 0;
  // What the property programs reached, class by class (issue 10: a gap in
  // what the suite exercises shows up as a zero, not as silence).
  Coverage coverage;
  std::vector<ClauseResult> clauses;  // one per clause, in spec order
  std::vector<Crash> crashes;
  std::vector<Observation> observations;
  double seconds = 0;  // wall-clock time the certification took

  // No clause FAILed or CRASHed, and nothing crashed: PASS, NOT
  // APPLICABLE and NOT REACHED let a certificate pass.
  bool passed() const;
  // The clauses that FAILed.
  std::vector<Clause> failed_clauses() const;
  const ClauseResult& result(Clause clause) const;
};

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_CERTIFICATE_H_
