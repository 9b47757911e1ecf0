#include "conformance/certify.h"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "conformance/mutants.h"
#include "conformance/observe.h"
#include "conformance/program_gen.h"
#include "conformance/scenarios.h"

namespace flowcheck::conformance {
namespace {

constexpr std::size_t kFailuresKept = 3;

// What one case found, in a form that crosses a process boundary.
struct CaseOutcome {
  bool ran = true;
  Evidence evidence = Evidence::kExact;
  int programs = 0;  // property programs that ran (the "programs" case)
  std::vector<std::pair<Clause, Counterexample>> violations;
  std::string error;  // the case could not run: why
};

nlohmann::json ToJson(const CaseOutcome& outcome) {
  nlohmann::json out;
  out["ran"] = outcome.ran;
  out["exact"] = outcome.evidence == Evidence::kExact;
  out["programs"] = outcome.programs;
  out["error"] = outcome.error;
  out["violations"] = nlohmann::json::array();
  for (const auto& [clause, example] : outcome.violations) {
    out["violations"].push_back({{"clause", std::string(ClauseId(clause))},
                                 {"source", example.source},
                                 {"program", example.program},
                                 {"violation", example.violation},
                                 {"details", example.details},
                                 {"replay", example.replay}});
  }
  return out;
}

CaseOutcome FromJson(const nlohmann::json& in) {
  CaseOutcome outcome;
  outcome.ran = in.at("ran").get<bool>();
  outcome.evidence =
      in.at("exact").get<bool>() ? Evidence::kExact : Evidence::kBounded;
  outcome.programs = in.at("programs").get<int>();
  outcome.error = in.at("error").get<std::string>();
  for (const auto& v : in.at("violations")) {
    Counterexample example{v.at("source"), v.at("program"), v.at("violation"),
                           v.at("details"), v.at("replay")};
    outcome.violations.emplace_back(
        *ParseClause(v.at("clause").get<std::string>()), std::move(example));
  }
  return outcome;
}

std::string Replay(const CertifyOptions& options, const FlowUnderTest& flow,
                   const std::string& part) {
  std::string line = options.replay_prefix + " --flow=" + flow.name +
                     " --seed=" + std::to_string(options.seed) +
                     " --only=" + part;
  if (part == "programs")
    line += " --programs=" + std::to_string(options.programs);
  return line;
}

// Keeps only the part of a long explanation a report can show.
std::string Trim(std::string text, std::size_t max = 6000) {
  if (text.size() > max) {
    text.resize(max);
    text += "\n... (cut; replay to see all)\n";
  }
  return text;
}

void AddViolations(CaseOutcome& outcome, const Execution& execution,
                   const std::string& source, const std::string& program,
                   const std::string& replay) {
  outcome.evidence = execution.evidence();
  std::map<Clause, bool> seen;
  for (const Violation& violation : execution.verdict.violations) {
    if (seen[violation.clause]) continue;
    seen[violation.clause] = true;
    std::string details;
    if (!execution.run.pending.empty() || !execution.run.pending_io.empty()) {
      details += "still pending when the run ended (" +
                 std::string(EvidenceName(execution.evidence())) + "):\n" +
                 PendingLines(execution.run);
    }
    details += "history:\n" + execution.history.ToString();
    outcome.violations.emplace_back(
        violation.clause, Counterexample{source, program, violation.ToString(),
                                         Trim(details), replay});
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
  const Execution execution = scenario.run(
      subject, options.seed, std::min(scenario.limit, options.watchdog));
  AddViolations(outcome, execution, scenario.id, scenario.story,
                Replay(options, flow, scenario.id));
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
  const auto property = [&] {
    const Program program = *GenProgram();
    Subject subject = flow.make(program.seed);
    Execution execution = RunProgram(subject, program, options.watchdog);
    ++runs;
    if (execution.evidence() == Evidence::kBounded)
      evidence = Evidence::kBounded;
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
  outcome.evidence = evidence;
  outcome.programs = runs;
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

std::string SignalText(int signal_number) {
  return "killed by signal " + std::to_string(signal_number) + " (" +
         strsignal(signal_number) + ")";
}

// Runs `body` in a child process and returns what it reported; a crash or a
// hang of the whole child becomes an outcome with `error` set.
CaseOutcome Isolated(const std::function<CaseOutcome()>& body,
                     std::chrono::seconds hard_limit) {
  int fds[2];
  if (pipe(fds) != 0) {
    CaseOutcome outcome;
    outcome.error =
        std::string("cannot isolate the case: pipe: ") + strerror(errno);
    return outcome;
  }
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    CaseOutcome outcome;
    outcome.error =
        std::string("cannot isolate the case: fork: ") + strerror(errno);
    return outcome;
  }
  if (child == 0) {
    close(fds[0]);
    const std::string text = ToJson(body()).dump();
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n =
          write(fds[1], text.data() + written, text.size() - written);
      if (n <= 0) _exit(3);
      written += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char chunk[65536];
  const auto deadline = std::chrono::steady_clock::now() + hard_limit;
  bool timed_out = false;
  while (true) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fds[0], &set);
    timeval tv{1, 0};
    const int ready = select(fds[0] + 1, &set, nullptr, nullptr, &tv);
    if (ready > 0) {
      const ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n <= 0) break;
      text.append(chunk, static_cast<std::size_t>(n));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      timed_out = true;
      kill(child, SIGKILL);
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CaseOutcome outcome;
  if (timed_out) {
    outcome.error = "did not finish within " +
                    std::to_string(hard_limit.count()) + " s and was killed";
  } else if (WIFSIGNALED(status)) {
    outcome.error = SignalText(WTERMSIG(status));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    outcome.error = "exited with status " + std::to_string(WEXITSTATUS(status));
  } else {
    try {
      return FromJson(nlohmann::json::parse(text));
    } catch (const std::exception& e) {
      outcome.error = std::string("sent an unreadable result: ") + e.what();
    }
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
  for (Clause clause : kAllClauses) {
    certificate.clauses.push_back(
        ClauseResult{clause, Verdict::kPass, 0, 0, {}, ""});
  }
  const bool can_reset = flow.capabilities.inject_reset;
  auto run_case = [&](const std::function<CaseOutcome()>& body,
                      std::chrono::seconds hard_limit) {
    return options.isolate ? Isolated(body, hard_limit) : body();
  };
  auto absorb = [&](const CaseOutcome& outcome, const std::string& source,
                    const std::string& replay,
                    const std::vector<Clause>& targets) {
    if (!outcome.error.empty()) {
      certificate.crashes.push_back(Crash{source, outcome.error, replay});
      return;
    }
    if (outcome.evidence == Evidence::kBounded)
      certificate.evidence = Evidence::kBounded;
    for (Clause target : targets) {
      ++certificate.clauses[static_cast<int>(target)].scenarios;
    }
    for (const auto& [clause, example] : outcome.violations) {
      ClauseResult& result = certificate.clauses[static_cast<int>(clause)];
      result.verdict = Verdict::kFail;
      if (result.failures.size() < kFailuresKept)
        result.failures.push_back(example);
    }
  };
  auto report = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  if (Selected(options, "programs")) {
    const CaseOutcome outcome =
        run_case([&] { return RunProgramsCase(flow, options); },
                 std::chrono::seconds(60 + options.programs * 5));
    absorb(outcome, "programs (seed " + std::to_string(options.seed) + ")",
           Replay(options, flow, "programs"), {});
    certificate.programs_run = outcome.programs;
    for (ClauseResult& result : certificate.clauses)
      result.programs = outcome.programs;
    report("programs: " + std::to_string(outcome.programs) + " run, " +
           (outcome.error.empty() ? std::to_string(outcome.violations.size()) +
                                        " clauses violated"
                                  : outcome.error));
  }
  for (const Scenario& scenario : AllScenarios()) {
    if (!Selected(options, scenario.id)) continue;
    if (scenario.needs_reset && !can_reset) {
      report(scenario.id + ": not applicable (needs an injected reset)");
      continue;
    }
    const CaseOutcome outcome =
        run_case([&] { return RunScenarioCase(flow, scenario, options); },
                 std::chrono::seconds(60));
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
    certificate.observations = Observe(flow, options.seed);
    report("observations: " + std::to_string(certificate.observations.size()) +
           " recorded");
  }

  // Clauses nothing exercised, or that need what the world cannot do.
  for (ClauseResult& result : certificate.clauses) {
    if (result.verdict == Verdict::kFail) continue;
    if (result.clause == Clause::kE1 && !can_reset) {
      result.verdict = Verdict::kNotApplicable;
      result.note =
          "needs an injected reset, which this flow's world cannot do";
    } else if (result.programs == 0 && result.scenarios == 0) {
      result.verdict = Verdict::kNotApplicable;
      result.note = "not exercised in this run (see --only)";
    } else {
      result.note = std::to_string(result.programs) + " programs, " +
                    std::to_string(result.scenarios) + " scenarios; evidence " +
                    std::string(EvidenceName(certificate.evidence));
    }
  }
  certificate.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return certificate;
}

}  // namespace flowcheck::conformance
