#include "tools/certify_command.h"

#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>

#include "conformance/builtin.h"
#include "conformance/certify.h"
#include "conformance/mutants.h"
#include "conformance/report.h"
#include "conformance/scenarios.h"
#include "conformance/sim_subject.h"
#include "sim/fault_plan_text.h"
#include "sim/units.h"

namespace flowcheck::tools {
namespace {

using conformance::FlowUnderTest;

constexpr std::string_view kUsage =
    R"(usage: flowcheck certify [flags]

Certifies flows against the contract (docs/spec.md): property programs
(RapidCheck, shrunk to a minimal counterexample), one or more named
scenarios per clause, and spec-silent observations. Prints one verdict per
clause -- PASS, FAIL or NOT APPLICABLE -- with a counterexample and a replay
command for each FAIL.

flags:
  --flow=NAME       the flow to certify, or 'all' (default: all);
                    --list shows the names
  --seed=N          seed of the programs and scenarios (default 1)
  --programs=N      property programs that must pass (default 100)
  --only=A,B,...    run only these parts: programs, observations, or
                    scenario ids (--list shows them)
  --format=F        table (default), markdown, json or junit
  --output=PATH     write the report to PATH (atomically) instead of
                    stdout; with several flows PATH must contain {flow}
  --plan=SPEC       with --flow=sim: shape every simulated pair's links and
                    inject faults by a fault plan (docs/fault-plans.md),
                    e.g. --plan='latency=1ms..5ms split=1..64; reset a>b after=4KiB'
  --mutant=NAME     certify a deliberately broken variant of the flow
                    (the mutant zoo, --list shows them): see a FAIL
  --no-isolate      run cases in this process (default: each case in a
                    child process, so a crash is a report line)
  --quiet           no progress lines on stderr
  --list            list flows, parts and mutants, then exit
  -h, --help        this text

exit status: 0 every flow passed, 1 some clause failed or a case crashed,
2 bad usage
)";

std::vector<std::string> SplitComma(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void List(std::ostream& out) {
  out << "flows:\n";
  for (const FlowUnderTest& flow : conformance::BuiltinFlows()) {
    out << "  " << flow.name << "  -- " << flow.description << "\n";
  }
  out << "\nparts (--only):\n  programs  -- RapidCheck property programs\n"
      << "  observations  -- spec-silent behaviour, reported not judged\n";
  for (const conformance::Scenario& scenario : conformance::AllScenarios()) {
    out << "  " << scenario.id << "  -- " << scenario.story << "\n";
  }
  out << "\nmutants (--mutant):\n";
  for (const conformance::Mutant& mutant : conformance::AllMutants()) {
    out << "  " << mutant.name << "  -- breaks " << ClauseId(mutant.clause)
        << ": " << mutant.description << "\n";
  }
}

int Usage(std::ostream& err, const std::string& message) {
  err << "flowcheck certify: " << message << "\n"
      << "Run 'flowcheck certify --help' for usage.\n";
  return 2;
}

}  // namespace

std::string_view CertifyUsage() { return kUsage; }

int RunCertify(const std::vector<std::string_view>& args, std::ostream& out,
               std::ostream& err) {
  std::string flow_name = "all";
  std::string format_name = "table";
  std::string output;
  std::string mutant_name;
  std::optional<std::string> plan_text;
  bool quiet = false;
  conformance::CertifyOptions options;
  options.isolate = true;
  for (std::string_view arg : args) {
    // Flags are "--name" or "--name=value".
    const std::size_t equals = arg.find('=');
    const std::string_view name = arg.substr(0, equals);
    const bool has_value = equals != std::string_view::npos;
    const std::string_view value = has_value ? arg.substr(equals + 1) : "";
    std::optional<std::uint64_t> number;
    if (!has_value && (name == "-h" || name == "--help")) {
      out << kUsage;
      return 0;
    } else if (!has_value && name == "--list") {
      List(out);
      return 0;
    } else if (!has_value && name == "--quiet") {
      quiet = true;
    } else if (!has_value && name == "--no-isolate") {
      options.isolate = false;
    } else if (has_value && name == "--flow") {
      flow_name = std::string(value);
    } else if (has_value && name == "--seed") {
      number = sim::ParseDecimal(value, UINT64_MAX);
      if (!number) {
        return Usage(
            err,
            "--seed takes a whole number from 0 to 18446744073709551615, "
            "not '" +
                std::string(value) + "'");
      }
      options.seed = *number;
    } else if (has_value && name == "--programs") {
      number = sim::ParseDecimal(value, 1000000);
      if (!number || *number == 0) {
        return Usage(
            err, "--programs takes a whole number from 1 to 1000000, not '" +
                     std::string(value) + "'");
      }
      options.programs = static_cast<int>(*number);
    } else if (has_value && name == "--only") {
      options.only = SplitComma(value);
      if (options.only.empty())
        return Usage(err, "--only needs at least one part");
    } else if (has_value && name == "--format") {
      format_name = std::string(value);
    } else if (has_value && name == "--output") {
      output = std::string(value);
      if (output.empty()) return Usage(err, "--output needs a path");
    } else if (has_value && name == "--plan") {
      plan_text = std::string(value);
    } else if (has_value && name == "--mutant") {
      mutant_name = std::string(value);
    } else {
      return Usage(err, "unknown flag '" + std::string(arg) + "'");
    }
  }

  const std::optional<conformance::ReportFormat> format =
      conformance::ParseReportFormat(format_name);
  if (!format) {
    return Usage(err, "--format must be table, markdown, json or junit, not '" +
                          format_name + "'");
  }
  std::vector<FlowUnderTest> flows;
  if (plan_text) {
    if (flow_name != "sim") {
      return Usage(err,
                   "--plan applies to --flow=sim only (the real transports "
                   "have no simulated links)");
    }
    const sim::ParsedFaultPlan parsed = sim::ParseFaultPlan(*plan_text);
    if (!parsed.ok()) {
      err << "flowcheck certify: bad --plan:\n"
          << parsed.error().FormatWithCaret(*plan_text);
      return 2;
    }
    flows.push_back(conformance::SimFlowUnderPlan(parsed.plan()));
  } else if (flow_name == "all") {
    flows = conformance::BuiltinFlows();
  } else if (auto flow = conformance::FindBuiltinFlow(flow_name)) {
    flows.push_back(*flow);
  } else {
    std::string names;
    for (const FlowUnderTest& f : conformance::BuiltinFlows())
      names += " " + f.name;
    return Usage(err, "unknown flow '" + flow_name +
                          "'; the flows are:" + names + " (or all)");
  }
  if (!mutant_name.empty()) {
    const conformance::Mutant* mutant = conformance::FindMutant(mutant_name);
    if (mutant == nullptr) {
      return Usage(err, "unknown mutant '" + mutant_name +
                            "' (flowcheck certify --list shows them)");
    }
    for (FlowUnderTest& flow : flows) flow = conformance::Mutate(flow, *mutant);
  }
  if (auto error = conformance::ValidateCertifyOptions(options)) {
    return Usage(err, *error);
  }
  if (!output.empty() && flows.size() > 1 &&
      output.find("{flow}") == std::string::npos) {
    return Usage(err,
                 "--output with several flows needs {flow} in the path, e.g. "
                 "--output=cert-{flow}.json");
  }

  bool all_passed = true;
  for (const FlowUnderTest& flow : flows) {
    conformance::CertifyOptions flow_options = options;
    flow_options.replay_prefix = "bazel run //tools:flowcheck -- certify";
    if (!mutant_name.empty()) {
      flow_options.replay_prefix += " --mutant=" + mutant_name;
    }
    if (plan_text) {
      flow_options.replay_prefix += " --plan='" + *plan_text + "'";
    }
    // Replay lines name the flow as --flow takes it (without the mutant).
    FlowUnderTest named = flow;
    named.name = named.name.substr(0, named.name.find('+'));
    if (!quiet) {
      flow_options.progress = [&err, &flow](std::string_view line) {
        err << "[" << flow.name << "] " << line << "\n";
        err.flush();
      };
      err << "[" << flow.name << "] certifying: " << flow.description << "\n";
    }
    FlowUnderTest certified = named;
    conformance::Certificate certificate =
        conformance::Certify(certified, flow_options);
    certificate.flow = flow.name;
    all_passed &= certificate.passed();
    const std::string report = conformance::RenderReport(certificate, *format);
    if (output.empty()) {
      out << report;
      if (flows.size() > 1) out << "\n";
    } else {
      std::string path = output;
      if (const std::size_t at = path.find("{flow}"); at != std::string::npos) {
        path.replace(at, 6, flow.name);
      }
      if (auto error = conformance::WriteFileAtomically(path, report)) {
        err << "flowcheck certify: " << *error << "\n";
        return 1;
      }
      if (!quiet)
        err << "[" << flow.name << "] report written to " << path << "\n";
    }
  }
  return all_passed ? 0 : 1;
}

}  // namespace flowcheck::tools
