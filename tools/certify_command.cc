#include "tools/certify_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <variant>

#include "conformance/builtin.h"
#include "conformance/certify.h"
#include "conformance/driver_subject.h"
#include "conformance/kill_matrix.h"
#include "conformance/mutants.h"
#include "conformance/relay_subject.h"
#include "conformance/report.h"
#include "conformance/scenarios.h"
#include "conformance/sim_subject.h"
#include "conformance/sweep.h"
#include "sim/fault_plan_text.h"
#include "sim/units.h"
#include "tools/flags.h"
#include "tools/output_file.h"
#include "tools/shell_words.h"

namespace flowcheck::tools {
namespace {

using conformance::FlowUnderTest;

constexpr std::string_view kUsage =
    R"(usage: flowcheck certify [flags]

Certifies flows against the contract (docs/spec.md): property programs
(RapidCheck, shrunk to a minimal counterexample), one or more named
scenarios per clause, and spec-silent observations. Prints one verdict per
clause -- PASS (exercised, and it held), FAIL, NOT APPLICABLE, NOT REACHED
or CRASH -- with a counterexample and a replay command for each FAIL.

With --mutants it prints a kill matrix instead: the flow certified as it
is (the baseline), then every mutant of the zoo wrapped around it, one row
per mutant and one column per clause -- what the suite would catch if the
flow broke in each of these ways.

flags (a value follows '=' or comes as the next argument: --flow sim):
  --flow=NAME       the flow to certify, or 'all' (default: all);
                    --list shows the names
  --driver=COMMAND  certify a flow written in any language, through a
                    driver process speaking the driver protocol
                    (docs/driver-protocol.md), started per case with
                    /bin/sh, e.g. --driver='python3 my_driver.py'
  --relay=COMMAND   certify a relay or proxy: COMMAND listens on {listen}
                    and connects onward to {upstream} (loopback ports
                    flowcheck picks), started per case; the path A <->
                    relay <-> B is certified, e.g. --relay='socat
                    TCP-LISTEN:{listen},bind=127.0.0.1,reuseaddr
                    TCP:127.0.0.1:{upstream}'
  --seed=N          seed of the programs and scenarios (default 1)
  --seeds=A..B      a sweep: one whole certification per seed from A to
                    B, merged into one certificate; progress on stderr
                    (one updating line on a terminal, a line every 10 s
                    otherwise). Each failure's replay line names its seed
  --shard=K/N       with --seeds: only the K-th of N equal slices of the
                    range (K from 1); the N shards cover every seed once,
                    and 'flowcheck merge' combines their JSON certificates
  --programs=N      property programs that must pass (default 100)
  --only=A,B,...    run only these parts: programs, observations, or
                    scenario ids (--list shows them)
  --format=F        table (default), markdown, json, junit, or html (one
                    self-contained page with a space-time diagram of each
                    counterexample; open it in any browser)
  --output=PATH     write the report to PATH instead of stdout ('-' is
                    stdout): a regular file, or a symbolic link to one
                    (written through; the link stays), replaced
                    atomically. Every {flow} in PATH becomes the flow's
                    name; with several flows PATH must contain {flow}.
                    Every path is checked before anything is certified.
  --plan=SPEC       with --flow=sim (or another flow over the simulated
                    links): shape every simulated pair's links and
                    inject faults by a fault plan (docs/fault-plans.md),
                    e.g. --plan='latency=1ms..5ms split=1..64; reset a>b after=4KiB'
  --mutant=NAME     certify a deliberately broken variant of the flow
                    (the mutant zoo, --list shows them): see a FAIL
  --mutants         the kill matrix: certify the flow, then every mutant
                    over it (without shrinking; each row has a replay
                    line). Exit 1 if a mutant survived or was caught only
                    on other clauses while its own said PASS
  --no-isolate      run cases in this process (default: each case in a
                    child process, bounded in time and memory, so a crash,
                    an exit() or a hang is a CRASH line naming the case)
  --watchdog=DUR    real-time flows: how long a case may wait before its
                    pending operations are judged (default 10s); any
                    isolated case that makes no progress for 5s more is
                    killed and reported
  --virtual-time-limit=DUR
                    simulated flows: the virtual time a case may take
                    (default 3600s); a case stopped there says NOT
                    REACHED, never FAIL
  --case-memory=SIZE
                    the address-space limit of each isolated case, e.g.
                    2GiB (default 4GiB; 0: none; not under ASan/TSan)
  --stats           after each flow, print to stderr how many property
                    programs reached each behaviour class and clause
                    (a gap in what the suite exercises shows as a zero)
  --quiet           no progress lines on stderr
  --list            list flows, parts and mutants, then exit
  -h, --help        this text

exit status:
  0  every certified flow passed (--mutants: every applicable mutant was
     caught on its clause, or killed by a crash)
  1  some clause failed or a case crashed (--mutants: a mutant survived,
     or was caught only elsewhere)
  2  bad usage, or an --output path that cannot be written (a directory,
     a device, a FIFO, a missing or read-only directory); nothing was
     certified
  3  a report could not be written after certifying (e.g. the disk is
     full, or stdout is closed); the other flows were still certified and
     written. Takes precedence over 1.
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

void List(std::ostream& out, const FlowCatalog& catalog) {
  out << "flows:\n";
  for (const FlowUnderTest& flow : catalog.flows) {
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
  return kExitUsage;
}

constexpr FlagSpec kFlags[] = {
    {"--flow", true},        {"--driver", true},
    {"--relay", true},       {"--seed", true},
    {"--seeds", true},       {"--shard", true},
    {"--programs", true},    {"--only", true},
    {"--format", true},      {"--output", true},
    {"--plan", true},        {"--mutant", true},
    {"--mutants", false},    {"--no-isolate", false},
    {"--watchdog", true},    {"--virtual-time-limit", true},
    {"--case-memory", true}, {"--stats", false},
    {"--quiet", false},      {"--list", false},
    {"--help", false},       {"-h", false},
};

// `pattern` with every "{flow}" replaced by `flow`.
std::string OutputPathFor(std::string pattern, std::string_view flow) {
  constexpr std::string_view kPlaceholder = "{flow}";
  for (std::size_t at = pattern.find(kPlaceholder); at != std::string::npos;
       at = pattern.find(kPlaceholder, at + flow.size())) {
    pattern.replace(at, kPlaceholder.size(), flow);
  }
  return pattern;
}

}  // namespace

std::string_view CertifyUsage() { return kUsage; }

const FlowCatalog& BuiltinCatalog() {
  static const FlowCatalog* catalog = new FlowCatalog{
      conformance::BuiltinFlows(), "bazel run //tools:flowcheck -- certify"};
  return *catalog;
}

std::variant<CertifyRequest, int> ParseCertifyArgs(
    const std::vector<std::string_view>& args, std::ostream& out,
    std::ostream& err, const FlowCatalog& catalog) {
  std::string flow_name = "all";
  bool flow_given = false;
  std::optional<std::string> driver_command;
  std::optional<std::string> relay_command;
  std::string format_name = "table";
  std::string output;
  std::string mutant_name;
  std::optional<std::string> plan_text;
  std::optional<conformance::SeedRange> seeds;
  std::optional<conformance::Shard> shard;
  bool seed_given = false;
  bool quiet = false;
  bool stats = false;
  bool kill_matrix = false;
  conformance::CertifyOptions options;
  options.isolate = true;
  const auto parsed_flags = ParseFlags(args, kFlags);
  if (const std::string* error = std::get_if<std::string>(&parsed_flags)) {
    return Usage(err, *error);
  }
  for (const Flag& flag : std::get<std::vector<Flag>>(parsed_flags)) {
    const std::string_view name = flag.name;
    const std::string& value = flag.value;
    std::uint64_t number = 0;
    if (name == "-h" || name == "--help") {
      out << kUsage;
      return kExitPassed;
    } else if (name == "--list") {
      List(out, catalog);
      return kExitPassed;
    } else if (name == "--quiet") {
      quiet = true;
    } else if (name == "--stats") {
      stats = true;
    } else if (name == "--mutants") {
      kill_matrix = true;
    } else if (name == "--no-isolate") {
      options.isolate = false;
    } else if (name == "--flow") {
      flow_name = value;
      flow_given = true;
    } else if (name == "--driver") {
      driver_command = value;
    } else if (name == "--relay") {
      relay_command = value;
    } else if (name == "--seed") {
      if (!ParseWholeNumber(value, UINT64_MAX, number)) {
        return Usage(
            err,
            "--seed takes a whole number from 0 to 18446744073709551615, "
            "not '" +
                value + "'");
      }
      options.seed = number;
      seed_given = true;
    } else if (name == "--seeds") {
      auto range = conformance::ParseSeedRange(value);
      if (auto* error = std::get_if<std::string>(&range)) {
        return Usage(err, "--seeds: " + *error);
      }
      seeds = std::get<conformance::SeedRange>(range);
    } else if (name == "--shard") {
      auto parsed_shard = conformance::ParseShard(value);
      if (auto* error = std::get_if<std::string>(&parsed_shard)) {
        return Usage(err, "--shard: " + *error);
      }
      shard = std::get<conformance::Shard>(parsed_shard);
    } else if (name == "--programs") {
      if (!ParseWholeNumber(value, 1000000, number) || number == 0) {
        return Usage(
            err, "--programs takes a whole number from 1 to 1000000, not '" +
                     value + "'");
      }
      options.programs = static_cast<int>(number);
    } else if (name == "--only") {
      options.only = SplitComma(value);
      if (options.only.empty())
        return Usage(err, "--only needs at least one part");
    } else if (name == "--format") {
      format_name = value;
    } else if (name == "--output") {
      output = value;
    } else if (name == "--plan") {
      plan_text = value;
    } else if (name == "--mutant") {
      mutant_name = value;
    } else if (name == "--watchdog" || name == "--virtual-time-limit") {
      const sim::Scanned<std::int64_t> duration =
          sim::ScanDuration(value, std::string(name) + "=");
      if (!duration.ok() || duration.length != value.size() ||
          duration.value == 0) {
        return Usage(err, std::string(name) +
                              " takes a positive duration such as 30s or "
                              "500ms, not '" +
                              value + "'");
      }
      (name == "--watchdog" ? options.watchdog : options.virtual_time_limit) =
          Duration(duration.value);
    } else if (name == "--case-memory") {
      const sim::Scanned<std::uint64_t> size =
          sim::ScanSize(value, "--case-memory=");
      if (!size.ok() || size.length != value.size()) {
        return Usage(err,
                     "--case-memory takes a size such as 2GiB or 0 (no "
                     "limit), not '" +
                         value + "'");
      }
      options.case_memory_bytes = size.value;
    }
  }

  const std::optional<conformance::ReportFormat> format =
      conformance::ParseReportFormat(format_name);
  if (!format) {
    return Usage(
        err, "--format must be table, markdown, json, junit or html, not '" +
                 format_name + "'");
  }
  std::vector<FlowUnderTest> flows;
  if (relay_command && (flow_given || plan_text || driver_command)) {
    return Usage(err, std::string(flow_given  ? "--flow"
                                  : plan_text ? "--plan"
                                              : "--driver") +
                          " and --relay cannot be combined: the relay's path "
                          "is the flow certified");
  }
  if (relay_command) {
    conformance::RelayOptions relay;
    relay.command = *relay_command;
    auto flow = conformance::RelayFlowUnderTest(relay);
    if (auto* error = std::get_if<std::string>(&flow)) {
      return Usage(err, "--relay: " + *error);
    }
    flows.push_back(std::get<FlowUnderTest>(std::move(flow)));
  } else if (driver_command && (flow_given || plan_text)) {
    return Usage(err, std::string(flow_given ? "--flow" : "--plan") +
                          " and --driver cannot be combined: the driver's "
                          "flow is the one certified");
  }
  if (relay_command) {
    // Already in `flows`.
  } else if (driver_command) {
    conformance::DriverOptions driver;
    driver.command = *driver_command;
    auto probed = conformance::DriverFlowUnderTest(driver);
    if (auto* error = std::get_if<std::string>(&probed)) {
      err << "flowcheck certify: --driver: " << *error << "\n"
          << "Nothing was certified (docs/driver-protocol.md says what a "
             "driver must do).\n";
      return kExitUsage;
    }
    flows.push_back(std::get<FlowUnderTest>(std::move(probed)));
  } else if (plan_text) {
    std::string planned_names;
    const FlowUnderTest* planned = nullptr;
    for (const FlowUnderTest& f : catalog.flows) {
      if (!f.under_plan) continue;
      planned_names += " " + f.name;
      if (f.name == flow_name) planned = &f;
    }
    if (planned == nullptr) {
      return Usage(err,
                   planned_names.empty()
                       ? "--plan shapes simulated links, and none of this "
                         "command's flows takes a plan (a flow over the "
                         "simulated links takes one by setting "
                         "FlowUnderTest::under_plan: docs/certify.md)"
                       : "--plan needs --flow naming a flow over the simulated "
                         "links; those are:" +
                             planned_names +
                             (flow_given ? " (not '" + flow_name + "')" : ""));
    }
    const sim::ParsedFaultPlan parsed = sim::ParseFaultPlan(*plan_text);
    if (!parsed.ok()) {
      err << "flowcheck certify: bad --plan:\n"
          << parsed.error().FormatWithCaret(*plan_text);
      return 2;
    }
    flows.push_back(planned->under_plan(parsed.plan()));
  } else if (flow_name == "all") {
    flows = catalog.flows;
  } else if (auto found =
                 std::find_if(catalog.flows.begin(), catalog.flows.end(),
                              [&flow_name](const FlowUnderTest& f) {
                                return f.name == flow_name;
                              });
             found != catalog.flows.end()) {
    flows.push_back(*found);
  } else {
    std::string names;
    for (const FlowUnderTest& f : catalog.flows) names += " " + f.name;
    return Usage(err, "unknown flow '" + flow_name +
                          "'; the flows are:" + names + " (or all)");
  }
  if (kill_matrix && !mutant_name.empty()) {
    return Usage(err,
                 "--mutants runs every mutant; it cannot be combined with "
                 "--mutant=" +
                     mutant_name);
  }
  if (seeds && seed_given) {
    return Usage(err,
                 "--seed and --seeds cannot be combined: --seed=N runs one "
                 "seed, --seeds=A..B a sweep");
  }
  if (shard && !seeds) {
    return Usage(err, "--shard splits a sweep: give --seeds=A..B as well");
  }
  if (seeds && kill_matrix) {
    return Usage(err,
                 "--mutants runs one seed per mutant; it cannot be combined "
                 "with --seeds");
  }
  if (kill_matrix && stats) {
    return Usage(err,
                 "--stats describes one certificate; it cannot be combined "
                 "with --mutants");
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
  const bool to_files = !output.empty() && output != "-";
  if (to_files && flows.size() > 1 &&
      output.find("{flow}") == std::string::npos) {
    return Usage(err,
                 "--output with several flows needs {flow} in the path, e.g. "
                 "--output=cert-{flow}.json");
  }
  // Every report path is checked before the first case runs, so a run is
  // never stopped half way by a path that could have been refused up front.
  if (to_files) {
    bool refused = false;
    for (const FlowUnderTest& flow : flows) {
      const std::string path = OutputPathFor(output, flow.name);
      if (auto problem = CheckOutputFile(path)) {
        err << "flowcheck certify: --output: " << *problem << "\n";
        refused = true;
      }
    }
    if (refused) {
      err << "Nothing was certified. --output needs a regular file (or a "
             "symbolic link to one) in a writable directory, or '-' for "
             "stdout.\n";
      return kExitUsage;
    }
  }

  CertifyRequest request;
  request.format = *format;
  request.output = output;
  request.quiet = quiet;
  request.stats = stats;
  request.kill_matrix = kill_matrix;
  request.seeds = seeds;
  request.shard = shard.value_or(conformance::Shard{});
  for (const FlowUnderTest& flow : flows) {
    conformance::CertifyOptions flow_options = options;
    flow_options.replay_prefix = catalog.replay_prefix;
    if (!mutant_name.empty()) {
      flow_options.replay_prefix += " --mutant=" + mutant_name;
    }
    if (plan_text) {
      flow_options.replay_prefix += " --plan=" + ShellQuote(*plan_text);
    }
    if (driver_command) {
      flow_options.replay_flow = "--driver=" + ShellQuote(*driver_command);
    }
    if (relay_command) {
      flow_options.replay_flow = "--relay=" + ShellQuote(*relay_command);
    }
    // Replay lines name the flow as --flow takes it (without the mutant,
    // which Mutate appended as "+NAME").
    FlowUnderTest named = flow;
    const std::string suffix = "+" + mutant_name;
    if (!mutant_name.empty() && named.name.size() > suffix.size() &&
        named.name.compare(named.name.size() - suffix.size(), suffix.size(),
                           suffix) == 0) {
      named.name.resize(named.name.size() - suffix.size());
    }
    request.flows.push_back(
        PreparedFlow{std::move(named), flow.name, std::move(flow_options)});
  }
  return request;
}

namespace {

// `prepared` over the request's seeds (its shard of them), with progress
// on `err` unless quiet.
conformance::Certificate RunSweep(const CertifyRequest& request,
                                  PreparedFlow& prepared, std::ostream& err) {
  const std::string& name = prepared.display_name;
  const conformance::SeedRange& all = *request.seeds;
  const std::optional<conformance::SeedRange> slice =
      conformance::ShardSlice(all, request.shard);
  const std::string shard_text =
      request.shard.total > 1
          ? "shard " + std::to_string(request.shard.index + 1) + " of " +
                std::to_string(request.shard.total)
          : std::string();
  if (!slice) {
    const std::string why =
        conformance::NoSeedReason(shard_text, request.shard.total, all.size());
    err << "[" << name << "] " << why << "\n";
    return conformance::NoSeedsCertificate(prepared.flow, why);
  }
  conformance::CertifyOptions options = prepared.options;
  options.progress = nullptr;  // one line per seed instead
  const bool quiet = request.quiet;
  const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  if (!quiet) {
    err << "[" << name << "] sweeping seeds "
        << conformance::FormatSeedRange(*slice)
        << (shard_text.empty() ? ""
                               : " (" + shard_text + " over seeds " +
                                     conformance::FormatSeedRange(all) + ")")
        << "\n";
  }
  double last_line = 0;
  const auto on_seed = [&](const conformance::SweepProgress& progress) {
    if (quiet) return;
    const bool done = progress.seeds_done == progress.seeds_total;
    if (terminal) {
      err << "\r\033[K[" << name << "] "
          << conformance::FormatSweepProgress(progress) << (done ? "\n" : "");
      err.flush();
    } else if (conformance::ProgressLineDue(progress, last_line)) {
      err << "[" << name << "] " << conformance::FormatSweepProgress(progress)
          << "\n";
      err.flush();
    }
  };
  return conformance::Sweep(prepared.flow, options, *slice, on_seed);
}

}  // namespace

int RunCertify(const std::vector<std::string_view>& args, std::ostream& out,
               std::ostream& err, const FlowCatalog& catalog) {
  auto parsed = ParseCertifyArgs(args, out, err, catalog);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  CertifyRequest& request = std::get<CertifyRequest>(parsed);
  const bool quiet = request.quiet;
  const bool to_files = !request.output.empty() && request.output != "-";
  bool all_passed = true;
  bool output_failed = false;
  for (PreparedFlow& prepared : request.flows) {
    conformance::CertifyOptions& flow_options = prepared.options;
    const FlowUnderTest& named = prepared.flow;
    const std::string& name = prepared.display_name;
    if (!quiet) {
      flow_options.progress = [&err, &name](std::string_view line) {
        err << "[" << name << "] " << line << "\n";
        err.flush();
      };
      err << "[" << name << "] certifying: " << named.description << "\n";
    }
    std::string report;
    bool passed = false;
    if (request.kill_matrix) {
      conformance::CertifyOptions matrix_options = flow_options;
      matrix_options.shrink = false;
      matrix_options.progress = nullptr;
      const conformance::KillMatrix matrix = conformance::RunKillMatrix(
          named, conformance::AllMutants(), matrix_options,
          quiet ? std::function<void(std::string_view)>()
                : flow_options.progress);
      passed = matrix.passed();
      report = conformance::RenderKillMatrix(matrix, request.format);
    } else {
      conformance::Certificate certificate =
          request.seeds ? RunSweep(request, prepared, err)
                        : conformance::Certify(named, flow_options);
      certificate.flow = name;
      passed = certificate.passed();
      if (request.stats) {
        err << "[" << name << "] what the property programs reached:\n"
            << certificate.coverage.ToString();
      }
      report = conformance::RenderReport(certificate, request.format);
    }
    all_passed &= passed;
    const std::string_view verdict = passed ? "it passed" : "it failed";
    if (!to_files) {
      out << report;
      if (request.flows.size() > 1) out << "\n";
      out.flush();
      if (!out) {  // said once per flow, so every verdict is on stderr
        err << "flowcheck certify: cannot write the report for '" << name
            << "' to stdout (" << verdict << ")\n";
        output_failed = true;
      }
    } else {
      const std::string path = OutputPathFor(request.output, name);
      if (auto error = WriteFileAtomically(path, report)) {
        // The other flows still run: their reports may yet be written.
        err << "flowcheck certify: " << *error << "; the report for '" << name
            << "' is lost (" << verdict << ")\n";
        output_failed = true;
      } else if (!quiet) {
        err << "[" << name << "] report written to " << path << "\n";
      }
    }
  }
  if (output_failed) return kExitOutputError;
  return all_passed ? kExitPassed : kExitFailed;
}

}  // namespace flowcheck::tools
