#include "tools/replay_command.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "conformance/certify.h"
#include "conformance/html_report.h"
#include "conformance/report.h"
#include "conformance/sim_subject.h"
#include "tools/certify_command.h"
#include "tools/flags.h"
#include "tools/output_file.h"
#include "tools/shell_words.h"

namespace flowcheck::tools {
namespace {

constexpr std::string_view kUsage =
    R"usage(usage: flowcheck replay 'REPLAY LINE' [flags]
       flowcheck replay --flow=NAME --seed=N --only=PART ... [flags]
       flowcheck replay CERTIFICATE.json --case=N [flags]

Re-runs one case of a certificate and shows it: the violation, the case,
the pending tasks and the history as text. A replay line is what a
certificate prints under "replay" (quote it as one argument), or the same
flags as 'flowcheck certify' takes. With a JSON certificate, --case picks
a counterexample by its number (every format numbers them: "FAIL C4
(case 3)"), and the replay says whether the same violation came back.

flags:
  --case=N      the case of CERTIFICATE.json to replay (1, 2, ...)
  --html=PATH   also write the case as a self-contained HTML page with its
                space-time diagram (the first counterexample the replay
                found; with --case, the one matching the certificate's)
  --trace       also print the simulation's scheduling trace of the run
                (virtual time, which task ran, deliveries, faults); only
                for simulated flows
  --quiet       no progress lines on stderr
  -h, --help    this text

exit status:
  0  the replayed case passed (a replay line; with --case that is 4)
  1  it failed or crashed (what a replay of a failing case should do)
  2  bad usage, a certificate that cannot be read, is not JSON, is not a
     flowcheck certificate or has no case N, or an --html path that
     cannot be written (a directory, a missing directory); nothing was run
  3  the --html page could not be written after the run (e.g. a full
     disk); takes precedence over 1 and 4
  4  --case: the certificate's clause did not fail again
)usage";

int Usage(std::ostream& err, const std::string& message) {
  err << "flowcheck replay: " << message << "\n"
      << "Run 'flowcheck replay --help' for usage.\n";
  return kExitUsage;
}

// What a certificate says about one of its cases.
struct CertificateCase {
  int number = 0;
  Clause clause = Clause::kR1;
  std::string source;
  std::string violation;
  std::string replay;
};

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// Reads case `number` of the JSON certificate at `path`; on failure, the
// sentence to print.
std::variant<CertificateCase, std::string> ReadCase(const std::string& path,
                                                    std::optional<int> number) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return "cannot read '" + path + "': " + std::strerror(errno);
  }
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return "'" + path + "' is not JSON (" + e.what() +
           "); flowcheck replay reads certificates written by 'flowcheck "
           "certify --format=json'";
  }
  const std::string schema =
      json.is_object() && json.contains("schema") && json["schema"].is_string()
          ? json["schema"].get<std::string>()
          : std::string();
  if (schema == "flowcheck.kill-matrix/1") {
    return "'" + path +
           "' is a kill matrix, not a certificate: replay one of its rows' "
           "replay lines instead";
  }
  if (schema != "flowcheck.certificate/1") {
    return "'" + path + "' is not a flowcheck certificate (" +
           (schema.empty() ? std::string("no \"schema\" field")
                           : "schema \"" + schema + "\"") +
           "; expected \"flowcheck.certificate/1\")";
  }
  std::vector<CertificateCase> cases;
  try {
    for (const auto& clause : json.at("clauses")) {
      const std::string id = clause.at("id").get<std::string>();
      const std::optional<Clause> parsed = ParseClause(id);
      if (!parsed) throw std::runtime_error("unknown clause \"" + id + "\"");
      for (const auto& failure : clause.at("failures")) {
        CertificateCase c;
        c.number = static_cast<int>(cases.size()) + 1;
        if (failure.contains("number") &&
            failure.at("number").get<int>() != c.number) {
          throw std::runtime_error("case numbers are not 1, 2, ... in order");
        }
        c.clause = *parsed;
        c.source = failure.at("source").get<std::string>();
        c.violation = failure.at("violation").get<std::string>();
        c.replay = failure.at("replay").get<std::string>();
        cases.push_back(std::move(c));
      }
    }
  } catch (const std::exception& e) {
    return "'" + path + "' is a damaged certificate: " + e.what();
  }
  if (cases.empty()) {
    return "'" + path +
           "' has no failing case to replay (no clause FAILed; crashes "
           "print their own replay lines)";
  }
  std::string list;
  for (const CertificateCase& c : cases) {
    list += "\n  case " + std::to_string(c.number) + ": FAIL " +
            std::string(ClauseId(c.clause)) + ", found by " + c.source;
  }
  if (!number) {
    return "--case=N is needed with a certificate; '" + path + "' has " +
           std::to_string(cases.size()) + " cases:" + list;
  }
  if (*number < 1 || *number > static_cast<int>(cases.size())) {
    return "'" + path + "' has no case " + std::to_string(*number) +
           "; it has " + std::to_string(cases.size()) + ":" + list;
  }
  return cases[*number - 1];
}

}  // namespace

std::string_view ReplayUsage() { return kUsage; }

int RunReplay(const std::vector<std::string_view>& args, std::ostream& out,
              std::ostream& err, const FlowCatalog& catalog) {
  std::optional<int> case_number;
  std::string html;
  bool trace = false;
  bool quiet = false;
  std::vector<std::string> rest;  // what to replay
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const auto value_of = [&](std::string_view flag,
                              std::string& value) -> std::optional<int> {
      if (arg.size() > flag.size() && arg[flag.size()] == '=') {
        value = std::string(arg.substr(flag.size() + 1));
      } else if (i + 1 < args.size()) {
        value = std::string(args[++i]);
      }
      if (value.empty()) {
        return Usage(err, std::string(flag) + " needs a value");
      }
      return std::nullopt;
    };
    const auto is = [&](std::string_view flag) {
      return arg == flag ||
             (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag &&
              arg[flag.size()] == '=');
    };
    if (arg == "-h" || arg == "--help") {
      out << kUsage;
      return kExitPassed;
    } else if (is("--case")) {
      std::string value;
      if (auto status = value_of("--case", value)) return *status;
      std::uint64_t n = 0;
      if (!ParseWholeNumber(value, 1000000, n) || n == 0) {
        return Usage(
            err, "--case takes a case number (1, 2, ...), not '" + value + "'");
      }
      case_number = static_cast<int>(n);
    } else if (is("--html")) {
      if (auto status = value_of("--html", html)) return *status;
    } else if (arg == "--trace") {
      trace = true;
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      rest.emplace_back(arg);
    }
  }
  if (rest.empty()) {
    return Usage(err,
                 "nothing to replay: give a replay line, certify's flags, or "
                 "a JSON certificate with --case=N");
  }

  std::optional<CertificateCase> expected;
  std::vector<std::string> words;
  const bool one_word = rest.size() == 1;
  const bool looks_like_file = one_word &&
                               rest[0].find(' ') == std::string::npos &&
                               rest[0].rfind("--", 0) != 0;
  if (looks_like_file) {
    auto read = ReadCase(rest[0], case_number);
    if (const std::string* error = std::get_if<std::string>(&read)) {
      err << "flowcheck replay: " << *error << "\nNothing was replayed.\n";
      return kExitUsage;
    }
    expected = std::get<CertificateCase>(std::move(read));
    auto split = ShellSplit(expected->replay);
    if (const std::string* error = std::get_if<std::string>(&split)) {
      err << "flowcheck replay: case " << *case_number << "'s replay line ("
          << expected->replay << ") cannot be read: " << *error << "\n";
      return kExitUsage;
    }
    words = std::get<std::vector<std::string>>(std::move(split));
  } else {
    if (case_number) {
      return Usage(err,
                   "--case picks a case of a JSON certificate; give the "
                   "certificate's path, not a replay line");
    }
    if (one_word) {
      auto split = ShellSplit(rest[0]);
      if (const std::string* error = std::get_if<std::string>(&split)) {
        return Usage(err, "the replay line cannot be read: " + *error);
      }
      words = std::get<std::vector<std::string>>(std::move(split));
    } else {
      words = rest;
    }
  }
  // A replay line runs certify: keep what follows the word "certify".
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "certify") {
      words.erase(words.begin(), words.begin() + static_cast<long>(i) + 1);
      break;
    }
  }
  if (words.empty() || words[0].rfind("--", 0) != 0) {
    return Usage(err,
                 "not a replay line of 'flowcheck certify': expected '... "
                 "flowcheck -- certify --flow=NAME --seed=N --only=PART' or "
                 "certify's flags, got '" +
                     (words.empty() ? std::string() : words[0]) + "'");
  }
  for (const std::string& word : words) {
    if (word == "--mutants" || word.rfind("--format", 0) == 0 ||
        word.rfind("--output", 0) == 0) {
      return Usage(err, word.substr(0, word.find('=')) +
                            " is not for a replay: it prints the case, and "
                            "--html=PATH draws it");
    }
  }
  const std::vector<std::string_view> certify_args(words.begin(), words.end());
  std::ostringstream certify_out;
  std::ostringstream certify_err;
  auto parsed =
      ParseCertifyArgs(certify_args, certify_out, certify_err, catalog);
  if (const int* status = std::get_if<int>(&parsed)) {
    err << "flowcheck replay: the replay line was refused by certify:\n"
        << certify_err.str() << certify_out.str();
    return *status == kExitPassed ? kExitUsage : *status;
  }
  CertifyRequest& request = std::get<CertifyRequest>(parsed);
  if (request.flows.size() != 1) {
    return Usage(err, "a replay runs one flow; this line names " +
                          std::to_string(request.flows.size()) +
                          " (--flow=all)");
  }
  if (!html.empty()) {
    if (auto problem = CheckOutputFile(html)) {
      err << "flowcheck replay: --html: " << *problem
          << "\nNothing was replayed.\n";
      return kExitUsage;
    }
  }
  PreparedFlow& prepared = request.flows.front();
  if (trace) conformance::KeepSimulationTraces(true);
  if (!quiet) {
    prepared.options.progress = [&err](std::string_view line) {
      err << "[replay] " << line << "\n";
      err.flush();
    };
  }
  out << "replaying " << prepared.display_name << ":";
  for (const std::string& word : words) out << " " << word;
  out << "\n";
  if (expected) {
    out << "the certificate's case " << expected->number << ": FAIL "
        << ClauseId(expected->clause) << ", found by " << expected->source
        << "\n"
        << conformance::IndentLines(expected->violation, "  ");
  }
  const conformance::Certificate certificate =
      conformance::Certify(prepared.flow, prepared.options);

  const conformance::Counterexample* drawn = nullptr;
  Clause drawn_clause = Clause::kR1;
  bool same = false;
  int number = 0;
  for (const conformance::ClauseResult& r : certificate.clauses) {
    for (const conformance::Counterexample& e : r.failures) {
      ++number;
      out << "\nFAIL " << ClauseId(r.clause) << " (replayed case " << number
          << "), found by " << e.source << ":\n"
          << conformance::IndentLines(e.violation, "  ") << "  case:\n"
          << conformance::IndentLines(e.program, "    ")
          << "  pending tasks and history:\n"
          << conformance::IndentLines(e.details, "  | ");
      if (trace) {
        out << "  scheduling trace:\n"
            << (e.trace.empty()
                    ? std::string("    (none: this flow does not run in the "
                                  "simulation)\n")
                    : conformance::IndentLines(e.trace, "  ~ "));
      }
      const bool matches = expected && r.clause == expected->clause &&
                           e.source == expected->source;
      if (drawn == nullptr || (matches && !same)) {
        drawn = &e;
        drawn_clause = r.clause;
        same = matches;
      }
    }
  }
  for (const conformance::Crash& crash : certificate.crashes) {
    out << "\nCRASH in " << crash.source << ": " << crash.what << "\n";
  }
  if (number == 0 && certificate.crashes.empty()) {
    out << "\nthe replayed case passed: no clause failed, nothing crashed\n";
  }
  int status = certificate.passed() ? kExitPassed : kExitFailed;
  if (expected) {
    const conformance::ClauseResult& again =
        certificate.result(expected->clause);
    if (again.verdict != conformance::Verdict::kFail) {
      out << "\nNOT REPRODUCED: " << ClauseId(expected->clause) << " is "
          << conformance::VerdictName(again.verdict)
          << " in the replay (the certificate said FAIL)\n";
      status = kExitNotReproduced;
    } else {
      bool identical = false;
      for (const conformance::Counterexample& e : again.failures) {
        identical |= FirstLine(e.violation) == FirstLine(expected->violation);
      }
      out << "\nREPRODUCED: " << ClauseId(expected->clause) << " failed again"
          << (identical ? ", with the same violation"
                        : "; the violation's sentence differs from the "
                          "certificate's (a real-time run need not repeat "
                          "exactly)")
          << "\n";
    }
  }
  if (!html.empty()) {
    if (drawn == nullptr) {
      err << "flowcheck replay: no counterexample to draw; --html '" << html
          << "' was not written\n";
    } else {
      const std::string page = conformance::HtmlCounterexample(
          "flowcheck replay: FAIL " + std::string(ClauseId(drawn_clause)) +
              " on " + prepared.display_name,
          drawn_clause, *drawn);
      if (auto error = WriteFileAtomically(html, page)) {
        err << "flowcheck replay: " << *error << "\n";
        return kExitOutputError;
      }
      if (!quiet) err << "[replay] diagram written to " << html << "\n";
    }
  }
  return status;
}

}  // namespace flowcheck::tools
