#include "conformance/certify.h"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "conformance/coverage.h"
#include "conformance/isolate.h"
#include "conformance/mutants.h"
#include "conformance/observe.h"
#include "conformance/program_gen.h"
#include "conformance/scenarios.h"
#include "sim/units.h"

namespace flowcheck::conformance {
namespace {

constexpr std::size_t kFailuresKept = 3;

// What one case found, in a form that crosses a process boundary.
struct CaseOutcome {
  bool ran = true;
  Evidence evidence = Evidence::kExact;
  int programs = 0;  // property programs that ran (the "programs" case)
  std::vector<std::pair<Clause, Counterexample>> violations;
  int cut_off = 0;    // executions stopped by the virtual time limit
  Coverage coverage;  // what the property programs reached
  std::vector<Observation> observations;  // an observation case's
  std::string error;  // the case could not run, or crashed: why
};

nlohmann::json ToJson(const CaseOutcome& outcome) {
  nlohmann::json out;
  out["ran"] = outcome.ran;
  out["evidence"] = static_cast<int>(outcome.evidence);
  out["programs"] = outcome.programs;
  out["error"] = outcome.error;
  out["cut_off"] = outcome.cut_off;
  out["coverage"] = outcome.coverage.ToJson();
  out["observations"] = nlohmann::json::array();
  for (const Observation& observation : outcome.observations) {
    out["observations"].push_back(
        {{"name", observation.name}, {"result", observation.result}});
  }
  out["violations"] = nlohmann::json::array();
  for (const auto& [clause, example] : outcome.violations) {
    out["violations"].push_back(
        {{"clause", std::string(ClauseId(clause))},
         {"source", example.source},
         {"program", example.program},
         {"violation", example.violation},
         {"details", example.details},
         {"replay", example.replay},
         {"timeline",
          example.timeline ? TimelineToJson(*example.timeline) : std::string()},
         {"trace", example.trace}});
  }
  return out;
}

CaseOutcome FromJson(const nlohmann::json& in) {
  CaseOutcome outcome;
  outcome.ran = in.at("ran").get<bool>();
  outcome.evidence = static_cast<Evidence>(std::clamp(
      in.at("evidence").get<int>(), 0, static_cast<int>(Evidence::kBounded)));
  outcome.programs = in.at("programs").get<int>();
  outcome.error = in.at("error").get<std::string>();
  outcome.cut_off = in.at("cut_off").get<int>();
  if (const std::optional<Coverage> coverage =
          Coverage::FromJson(in.at("coverage").get<std::string>())) {
    outcome.coverage = *coverage;
  }
  for (const auto& o : in.at("observations")) {
    outcome.observations.push_back(Observation{
        o.at("name").get<std::string>(), o.at("result").get<std::string>()});
  }
  for (const auto& v : in.at("violations")) {
    Counterexample example{v.at("source"), v.at("program"), v.at("violation"),
                           v.at("details"), v.at("replay")};
    if (const std::string timeline = v.at("timeline"); !timeline.empty()) {
      std::string error;
      example.timeline = TimelineFromJson(timeline, &error);
      if (!example.timeline) throw std::runtime_error(error);
    }
    example.trace = v.at("trace").get<std::string>();
    outcome.violations.emplace_back(
        *ParseClause(v.at("clause").get<std::string>()), std::move(example));
  }
  return outcome;
}

std::string Replay(const CertifyOptions& options, const FlowUnderTest& flow,
                   const std::string& part) {
  if (!options.replay_command.empty()) return options.replay_command;
  std::string line = options.replay_prefix + " " +
                     (options.replay_flow.empty() ? "--flow=" + flow.name
                                                  : options.replay_flow) +
                     " --seed=" + std::to_string(options.seed) +
                     " --only=" + part;
  if (part == "programs")
    line += " --programs=" + std::to_string(options.programs);
  return line + ReplayLimitFlags(options);
}

// Keeps only the part of a long explanation a report can show.
std::string Trim(std::string text, std::size_t max = 6000) {
  if (text.size() > max) {
    text.resize(max);
    text += "\n... (cut; replay to see all)\n";
  }
  return text;
}

// Which clause a violation is evidence against, and against which side.
struct Attribution {
  Clause clause;
  std::string blame;           // a sentence, or empty
  std::optional<Clause> twin;  // a clause the evidence cannot tell apart
  std::optional<Side> blamed;  // the side the evidence blames, if known
};

// Bytes written with Ok never reached the reader (R5: Eof before the drain;
// C1/W1: a read pending forever). From outside, a writer whose close did
// not flush and a reader that returned Eof early look the same; the
// simulated link knows which bytes the writer's endpoint really handed
// over, so there the side to blame -- and the clause -- is known. Real
// worlds cannot tell, and an R5 there names C1 too.
Attribution Attribute(const Violation& violation, const Execution& execution) {
  Attribution out{violation.clause, "", std::nullopt};
  const History& history = execution.history;
  const Operation* main_op =
      violation.operations.empty()
          ? nullptr
          : &history.operation(violation.operations.front());
  // An Eof after the connection broke (not by a close-like fault) is a
  // fabricated Eof: E1 ("no fake Eof mid-stream"), shown as R6.
  if (violation.clause == Clause::kR6 && main_op != nullptr) {
    for (const FaultRecord& fault : history.faults()) {
      if (fault.side == main_op->side && fault.seq < violation.seq &&
          fault.effects.connection_broken && !fault.effects.may_end) {
        out.clause = Clause::kE1;
        out.twin = Clause::kR6;
        out.blame = "E1: the connection broke (" + fault.name + ") and " +
                    std::string(SideName(main_op->side)) +
                    " read Eof instead of an error";
        return out;
      }
    }
  }
  // A write pending forever while the peer reads, on an endpoint whose own
  // read is pending too: the bytes stuck (W1) or the endpoint cannot carry
  // both directions at once (X1) -- the evidence cannot tell.
  // (The stuck side is the writer: the main operation itself, or for a
  // reader waiting on its bytes, the peer who wrote them.)
  std::optional<Side> stuck_writer;
  if (violation.clause == Clause::kW1 && main_op != nullptr) {
    if (main_op->is_write() && !main_op->completed()) {
      stuck_writer = main_op->side;
    } else if (violation.shortfall) {
      stuck_writer = violation.shortfall->writer;
    }
  }
  // The stuck write, and a read on the same endpoint that was pending when
  // it was invoked.
  const Operation* stuck_write = nullptr;
  const Operation* overlapping_read = nullptr;
  for (const Operation& op : history.operations()) {
    if (stuck_writer && op.side == *stuck_writer && op.is_write() &&
        !op.completed() && stuck_write == nullptr) {
      stuck_write = &op;
    }
  }
  if (stuck_write != nullptr) {
    for (const Operation& op : history.operations()) {
      if (op.side == stuck_write->side && op.kind == OpKind::kRead &&
          op.invoke_seq < stuck_write->invoke_seq &&
          (!op.completed() || *op.complete_seq > stuck_write->invoke_seq)) {
        overlapping_read = &op;
        break;
      }
    }
  }
  if (overlapping_read != nullptr) {
    out.twin = Clause::kX1;
    out.blame =
        "CANNOT TELL APART W1 and X1: " + std::string(SideName(*stuck_writer)) +
        "'s write #" + std::to_string(stuck_write->id) +
        " never completed, and it was invoked while its own read #" +
        std::to_string(overlapping_read->id) +
        " was pending: the flow may not carry both directions at "
        "once (X1), or the bytes are stuck (W1)";
    return out;
  }
  const bool lost_bytes = violation.clause == Clause::kR5 ||
                          violation.clause == Clause::kC1 ||
                          violation.clause == Clause::kW1;
  if (!lost_bytes || !violation.shortfall) return out;
  const Violation::Shortfall& gap = *violation.shortfall;
  const std::string w(SideName(gap.writer));
  const std::string r(SideName(Peer(gap.writer)));
  const std::optional<LinkEvidence>& link =
      execution.link[static_cast<int>(gap.writer)];
  if (!link) {
    if (violation.clause == Clause::kR5) {
      out.twin = Clause::kC1;
      out.blame = "CANNOT TELL APART C1 and R5: either " + w +
                  "'s close did not flush the missing bytes (C1) or " + r +
                  "'s read returned Eof before they were read (R5); this "
                  "world cannot show what " +
                  w + " really sent";
    }
    return out;
  }
  if (link->bytes_sent < gap.bytes_required) {
    // The writer's endpoint never handed the bytes over.
    if (violation.clause == Clause::kR5) out.clause = Clause::kC1;
    out.blamed = gap.writer;
    out.blame = "blame " + w + ": its Ok writes carried " +
                std::to_string(gap.bytes_required) + " bytes, but its " +
                "endpoint handed only " + std::to_string(link->bytes_sent) +
                " to the link: bytes " + std::to_string(link->bytes_sent) +
                ".." + std::to_string(gap.bytes_required - 1) + " never left " +
                w +
                (violation.clause == Clause::kW1
                     ? ""
                     : std::string(" (its close did not flush them)"));
  } else {
    out.blamed = Peer(gap.writer);
    out.blame =
        "blame " + r + ": all " + std::to_string(gap.bytes_required) +
        " bytes " + w + " wrote reached the link (" + r + "'s endpoint took " +
        std::to_string(link->bytes_read) + " of them), but " + r +
        " returned only " + std::to_string(gap.bytes_read) +
        (violation.clause == Clause::kR5 ? " before Eof" : " and then no more");
  }
  return out;
}

void AddViolations(CaseOutcome& outcome, const Execution& execution,
                   const std::string& source, const std::string& program,
                   const std::string& replay) {
  outcome.evidence = execution.evidence();
  std::map<Clause, bool> seen;
  const std::string details = Trim(execution.Details());
  for (const Violation& violation : execution.verdict.violations) {
    const Attribution attribution = Attribute(violation, execution);
    if (seen[attribution.clause]) continue;
    seen[attribution.clause] = true;
    std::string text = violation.ToString();
    if (attribution.clause != violation.clause) {
      text = std::string(ClauseId(attribution.clause)) +
             " violated, shown as " + text;
    }
    if (!attribution.blame.empty()) text += "\n" + attribution.blame;
    Counterexample example{source, program, text, details, replay};
    example.timeline = TimelineOf(execution.history, violation.operations,
                                  execution.run.trace_hash.has_value());
    example.timeline->violation = text;
    if (attribution.blamed) {
      example.timeline->blamed = std::string(SideName(*attribution.blamed));
    }
    example.trace = execution.run.trace_text;
    outcome.violations.emplace_back(attribution.clause, example);
    if (attribution.twin && !seen[*attribution.twin]) {
      seen[*attribution.twin] = true;
      outcome.violations.emplace_back(*attribution.twin, std::move(example));
    }
  }
}

CaseOutcome RunScenarioCase(const FlowUnderTest& flow, const Scenario& scenario,
                            const CertifyOptions& options) {
  CaseOutcome outcome;
  if (scenario.needs_reset && !flow.capabilities.inject_reset) {
    outcome.ran = false;
    return outcome;
  }
  Subject subject = flow.make(options.seed);
  if (scenario.needs_reset && !subject.inject_reset) {
    outcome.error =
        "the flow declares Capabilities::inject_reset, but its factory made "
        "a Subject without inject_reset";
    return outcome;
  }
  NoteProgress(0, "scenario " + scenario.id);
  const Execution execution = scenario.run(
      subject, options.seed,
      RunLimits{.watchdog = std::min(scenario.limit, options.watchdog),
                .virtual_time = options.virtual_time_limit});
  AddViolations(outcome, execution, scenario.id, scenario.story,
                Replay(options, flow, scenario.id));
  outcome.cut_off = execution.cut_off() ? 1 : 0;
  return outcome;
}

// RapidCheck prints "Using configuration: seed=<random>" when it first
// reads its RC_PARAMS configuration; that seed is not the one Certify
// passes, so read the configuration once with stderr silenced.
void InitRapidCheckQuietly() {
  static const bool done = [] {
    std::streambuf* saved = std::cerr.rdbuf(nullptr);
    (void)rc::detail::configuration();
    std::cerr.rdbuf(saved);
    return true;
  }();
  (void)done;
}

// Listens to RapidCheck quietly (its default listener prints to stderr),
// reporting progress every 25 programs and while shrinking.
class ProgressListener : public rc::detail::TestListener {
 public:
  explicit ProgressListener(const CertifyOptions& options)
      : options_(options) {}
  void onTestCaseFinished(
      const rc::detail::CaseDescription& description) override {
    ++cases_;
    if (description.result.type == rc::detail::CaseResult::Type::Failure) {
      Say("programs: a program failed after " + std::to_string(cases_) +
          " cases; shrinking it to a minimal counterexample");
    } else if (cases_ % 25 == 0) {
      Say("programs: " + std::to_string(cases_) + " of " +
          std::to_string(options_.programs) + " passed");
    }
  }
  void onShrinkTried(const rc::detail::CaseDescription&,
                     bool accepted) override {
    if (accepted && ++shrinks_ % 10 == 0) {
      Say("programs: " + std::to_string(shrinks_) + " shrinking steps taken");
    }
  }
  void onTestFinished(const rc::detail::TestMetadata&,
                      const rc::detail::TestResult&) override {}

 private:
  void Say(const std::string& line) {
    if (options_.progress) options_.progress(line);
  }
  const CertifyOptions& options_;
  int cases_ = 0;
  int shrinks_ = 0;
};

CaseOutcome RunProgramsCase(const FlowUnderTest& flow,
                            const CertifyOptions& options) {
  InitRapidCheckQuietly();
  CaseOutcome outcome;
  std::optional<Program> failing;
  std::optional<Execution> failing_execution;
  int runs = 0;
  Evidence evidence = Evidence::kExact;
  // An exception from the flow must not be taken for a failing program
  // (RapidCheck would shrink on it and swallow it): it is kept and rethrown
  // out of the case, which reports it as a crash.
  std::exception_ptr escaped;
  int cut_off = 0;
  Coverage coverage;
  const auto property = [&] {
    const Program program = *GenProgram();
    if (escaped) std::rethrow_exception(escaped);
    NoteProgress(0, "property program " + std::to_string(runs + 1) + " (seed " +
                        std::to_string(program.seed) + ")");
    std::optional<Execution> run;
    try {
      Subject subject = flow.make(program.seed);
      run = RunProgram(subject, program,
                       RunLimits{.watchdog = options.watchdog,
                                 .virtual_time = options.virtual_time_limit});
    } catch (...) {
      escaped = std::current_exception();
      throw;
    }
    Execution execution = std::move(*run);
    ++runs;
    if (execution.cut_off()) ++cut_off;
    // What the generated programs reached (not the shrinking re-runs).
    if (!failing) coverage.Add(CoverageOf(program, execution));
    evidence = Weaker(evidence, execution.evidence());
    if (!execution.ok()) {
      Program normalized = program;
      normalized.Normalize();
      failing = normalized;
      failing_execution = std::move(execution);
      RC_FAIL(failing_execution->verdict.violations.front().ToString());
    }
  };
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.programs;
  params.maxSize = 100;
  params.disableShrinking = !options.shrink;
  ProgressListener listener(options);
  const rc::detail::TestResult result = rc::detail::checkTestable(
      property, rc::detail::TestMetadata{"flowcheck.programs", flow.name},
      params, listener);
  if (escaped) std::rethrow_exception(escaped);
  outcome.evidence = evidence;
  outcome.programs = runs;
  outcome.cut_off = cut_off;
  outcome.coverage = coverage;
  if (failing && failing_execution) {
    // The last failing run is RapidCheck's minimal (shrunk) program.
    AddViolations(outcome, *failing_execution, "programs", failing->ToString(),
                  Replay(options, flow, "programs"));
  } else if (result.template is<rc::detail::GaveUpResult>()) {
    outcome.error = "RapidCheck gave up generating programs";
  } else {
    rc::detail::FailureResult failure;
    if (result.match(failure)) {
      outcome.error = "a property program failed outside the checker: " +
                      failure.description;
    }
  }
  return outcome;
}

// Runs `body` as one case: in a child process within `limits` when
// isolating, guarded against exceptions otherwise. A case that crashed,
// hung or sent nothing readable comes back with `error` set, in words.
CaseOutcome RunCase(const std::function<CaseOutcome()>& body,
                    const CertifyOptions& options,
                    const IsolationLimits& limits) {
  const auto serialized = [&body] { return ToJson(body()).dump(); };
  const CaseRun run = options.isolate ? RunIsolated(serialized, limits)
                                      : RunGuarded(serialized);
  CaseOutcome outcome;
  if (!run.result) {
    outcome.error = run.error;
    return outcome;
  }
  try {
    return FromJson(nlohmann::json::parse(*run.result));
  } catch (const std::exception& e) {
    // Only a child that wrote something other than our own JSON gets here.
    outcome.error = std::string(
                        "sent a result flowcheck cannot read (did "
                        "the flow write to flowcheck's pipe?): ") +
                    e.what();
  }
  return outcome;
}

bool Selected(const CertifyOptions& options, const std::string& part) {
  if (options.only.empty()) return true;
  for (const std::string& name : options.only) {
    if (name == part) return true;
  }
  return false;
}

}  // namespace

std::string ReplayLimitFlags(const CertifyOptions& options) {
  // Limits that change what a case sees (a shorter watchdog judges pending
  // operations sooner) replay with it.
  const CertifyOptions defaults;
  std::string flags;
  if (options.watchdog != defaults.watchdog)
    flags += " --watchdog=" + sim::FormatDuration(options.watchdog.count());
  if (options.virtual_time_limit != defaults.virtual_time_limit) {
    flags += " --virtual-time-limit=" +
             sim::FormatDuration(options.virtual_time_limit.count());
  }
  return flags;
}

std::vector<std::string> CertifyParts() {
  std::vector<std::string> parts = {"programs", "observations"};
  for (const Scenario& scenario : AllScenarios()) parts.push_back(scenario.id);
  return parts;
}

std::optional<std::string> ValidateCertifyOptions(
    const CertifyOptions& options) {
  const std::vector<std::string> parts = CertifyParts();
  for (const std::string& name : options.only) {
    bool known = false;
    for (const std::string& part : parts) known |= part == name;
    if (!known) {
      std::string list;
      for (const std::string& part : parts) list += "\n  " + part;
      return "unknown part '" + name + "'; the parts are:" + list;
    }
  }
  if (options.programs < 1) return "the number of programs must be at least 1";
  return std::nullopt;
}

Certificate Certify(const FlowUnderTest& flow, const CertifyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Certificate certificate;
  certificate.flow = flow.name;
  certificate.description = flow.description;
  certificate.seed = options.seed;
  certificate.seeds = {SeedRange{options.seed, options.seed}};
  for (Clause clause : kAllClauses) {
    certificate.clauses.push_back(
        ClauseResult{clause, Verdict::kPass, 0, 0, {}, ""});
  }
  const bool can_reset = flow.capabilities.inject_reset;
  // Bounds of an isolated case: no progress for the watchdog plus a grace
  // period means a flow that never yields (or hangs in a system call); the
  // total is a backstop far above any correct run.
  IsolationLimits limits;
  limits.stall_limit = options.watchdog + options.stall_grace;
  limits.total_limit = 3 * options.watchdog + std::chrono::seconds(60);
  limits.memory_bytes = options.case_memory_bytes;
  IsolationLimits program_limits = limits;
  program_limits.total_limit =
      options.programs * (options.watchdog + options.stall_grace) +
      std::chrono::seconds(60);

  auto crashed = [&](const std::string& source, const std::string& what,
                     const std::string& replay,
                     const std::vector<Clause>& targets) {
    certificate.crashes.push_back(Crash{source, what, replay});
    for (Clause target : targets) {
      ClauseResult& result = certificate.clauses[static_cast<int>(target)];
      if (result.verdict == Verdict::kFail) continue;
      result.verdict = Verdict::kCrash;
      result.note = "the case " + source + " that targets it crashed: " + what;
    }
  };
  // The weakest evidence of the cases that ran to their end; none if none
  // did (every case crashed, or none was selected).
  std::optional<Evidence> evidence_seen;
  auto absorb = [&](const CaseOutcome& outcome, const std::string& source,
                    const std::string& replay,
                    const std::vector<Clause>& targets) {
    if (!outcome.error.empty()) {
      crashed(source, outcome.error, replay, targets);
      return;
    }
    evidence_seen = evidence_seen ? Weaker(*evidence_seen, outcome.evidence)
                                  : outcome.evidence;
    for (Clause target : targets) {
      ClauseResult& result = certificate.clauses[static_cast<int>(target)];
      if (outcome.cut_off > 0) {
        if (result.verdict == Verdict::kPass) {
          result.verdict = Verdict::kNotReached;
          result.note =
              "the case " + source +
              " that targets it hit the virtual time limit (" +
              sim::FormatDuration(options.virtual_time_limit.count()) +
              ") before it could be judged; a slower plan needs a "
              "larger --virtual-time-limit";
        }
        continue;
      }
      ++result.scenarios;
    }
    for (const auto& [clause, example] : outcome.violations) {
      ClauseResult& result = certificate.clauses[static_cast<int>(clause)];
      result.verdict = Verdict::kFail;
      result.seeds_failed = 1;
      if (result.failures.size() < kFailuresKept)
        result.failures.push_back(example);
    }
  };
  auto report = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  if (Selected(options, "programs")) {
    const CaseOutcome outcome =
        RunCase([&] { return RunProgramsCase(flow, options); }, options,
                program_limits);
    absorb(outcome, "programs (seed " + std::to_string(options.seed) + ")",
           Replay(options, flow, "programs"), {});
    certificate.programs_run = outcome.programs;
    certificate.programs_cut_off = outcome.cut_off;
    certificate.coverage = outcome.coverage;
    for (ClauseResult& result : certificate.clauses)
      result.programs = outcome.programs - outcome.cut_off;
    report("programs: " + std::to_string(outcome.programs) + " run, " +
           (outcome.error.empty() ? std::to_string(outcome.violations.size()) +
                                        " clauses violated"
                                  : "CRASH " + outcome.error));
  }
  for (const Scenario& scenario : AllScenarios()) {
    if (!Selected(options, scenario.id)) continue;
    if (scenario.needs_reset && !can_reset) {
      report(scenario.id + ": not applicable (needs an injected reset)");
      continue;
    }
    const CaseOutcome outcome =
        RunCase([&] { return RunScenarioCase(flow, scenario, options); },
                options, limits);
    ++certificate.scenarios_run;
    absorb(outcome, scenario.id, Replay(options, flow, scenario.id),
           scenario.clauses);
    report(scenario.id + ": " +
           (!outcome.error.empty() ? "CRASH " + outcome.error
            : outcome.violations.empty()
                ? std::string("ok")
                : "violations of " + std::to_string(outcome.violations.size()) +
                      " clauses"));
  }
  if (Selected(options, "observations")) {
    for (const ObservationCase& observation : AllObservations()) {
      const CaseOutcome outcome = RunCase(
          [&] {
            NoteProgress(0, "observation " + observation.name);
            CaseOutcome result;
            result.observations.push_back(observation.run(flow, options.seed));
            return result;
          },
          options, limits);
      if (!outcome.error.empty() || outcome.observations.size() != 1) {
        const std::string what = outcome.error.empty()
                                     ? std::string("sent no observation")
                                     : outcome.error;
        crashed("observation '" + observation.name + "'", what,
                Replay(options, flow, "observations"), {});
        certificate.observations.push_back(
            Observation{observation.name, "CRASH: " + what});
        report("observation " + observation.name + ": CRASH " + what);
        continue;
      }
      certificate.observations.push_back(outcome.observations.front());
    }
    report("observations: " + std::to_string(certificate.observations.size()) +
           " recorded");
  }

  // Clauses nothing exercised, or that need what the world cannot do.
  for (ClauseResult& result : certificate.clauses) {
    if (result.verdict == Verdict::kFail || result.verdict == Verdict::kCrash ||
        result.verdict == Verdict::kNotReached)
      continue;
    if (result.clause == Clause::kE1 && !can_reset) {
      result.verdict = Verdict::kNotApplicable;
      result.note =
          "needs an injected reset, which this flow's world cannot do";
    } else if ((result.clause == Clause::kR3 || result.clause == Clause::kW4) &&
               !flow.capabilities.shares_buffers) {
      result.verdict = Verdict::kNotApplicable;
      result.note =
          "the flow runs in another process and never holds the suite's "
          "buffers, so whether it changes one cannot be seen";
    } else if (result.programs == 0 && result.scenarios == 0 &&
               certificate.programs_cut_off > 0) {
      result.verdict = Verdict::kNotReached;
      result.note = "every program that ran hit the virtual time limit (" +
                    sim::FormatDuration(options.virtual_time_limit.count()) +
                    ") before it could be judged";
    } else if (result.programs == 0 && result.scenarios == 0) {
      result.verdict = Verdict::kNotReached;
      result.left_out = !options.only.empty();
      result.note = result.left_out
                        ? "left out of this run by --only"
                        : "not exercised: no program or scenario ran for it";
    } else if (std::optional<std::string> unreached = UnreachedReason(
                   result.clause, certificate.coverage, result.scenarios)) {
      // No vacuous PASS: the programs ran, but never did what the clause
      // protects (no Eof read for C2, no fault for E1, ...).
      result.verdict = Verdict::kNotReached;
      result.note = std::move(*unreached);
    } else {
      result.note = std::to_string(result.programs) + " programs, " +
                    std::to_string(result.scenarios) + " scenarios; evidence " +
                    std::string(EvidenceName(certificate.evidence));
      if (const std::optional<CoverageClass> shown_by =
              ClassThatReaches(result.clause);
          shown_by && certificate.coverage.programs > 0) {
        result.note += "; reached by " +
                       std::to_string(certificate.coverage.count(*shown_by)) +
                       " programs";
      }
      if ((result.clause == Clause::kC3 || result.clause == Clause::kC4) &&
          certificate.coverage.programs > 0) {
        result.note += "; longest half-close held " +
                       FormatTime(certificate.coverage.longest_half_close);
      }
    }
  }
  certificate.evidence = evidence_seen.value_or(Evidence::kNone);
  certificate.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return certificate;
}

}  // namespace flowcheck::conformance
