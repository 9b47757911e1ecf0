#include "conformance/kill_matrix.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "model/clause.h"

namespace flowcheck::conformance {
namespace {

// One character per verdict, for the matrix's cells.
char Cell(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return '.';
    case Verdict::kFail:
      return 'X';
    case Verdict::kNotApplicable:
      return '-';
    case Verdict::kCrash:
      return 'C';
    case Verdict::kNotReached:
      return 'n';
  }
  return '?';
}

bool Contains(const std::vector<Clause>& clauses, Clause clause) {
  return std::find(clauses.begin(), clauses.end(), clause) != clauses.end();
}

std::string ClauseList(const std::vector<Clause>& clauses) {
  std::string out;
  for (Clause clause : clauses) {
    if (!out.empty()) out += ' ';
    out += ClauseId(clause);
  }
  return out;
}

// The first violation sentence of the clauses that caught the mutant, or of
// any FAIL, or the first crash: what a reader needs to see it was real.
std::string FirstEvidence(const MutantRow& row) {
  for (Clause clause : row.caught_on) {
    const ClauseResult& result = row.certificate.result(clause);
    if (!result.failures.empty()) return result.failures.front().violation;
  }
  for (const ClauseResult& result : row.certificate.clauses) {
    if (!result.failures.empty()) return result.failures.front().violation;
  }
  if (!row.certificate.crashes.empty()) {
    const Crash& crash = row.certificate.crashes.front();
    return "crash in " + crash.source + ": " + crash.what;
  }
  return "";
}

// The fate, with what caught it: "caught (E1)", "caught elsewhere (R4;
// W3 PASS)".
std::string FateText(const MutantRow& row) {
  std::string out(MutantFateName(row.fate));
  if (row.fate == MutantFate::kCaught) {
    out += " (" + ClauseList(row.caught_on) + ")";
  } else if (row.fate == MutantFate::kCaughtElsewhere) {
    // Its own clause's real verdict: PASS, or NOT APPLICABLE under --only.
    out += " (" + ClauseList(row.certificate.failed_clauses()) + "; " +
           std::string(ClauseId(row.mutant.clause)) + " " +
           std::string(
               VerdictName(row.certificate.result(row.mutant.clause).verdict)) +
           ")";
  }
  return out;
}

std::string Summary(const KillMatrix& m) {
  const int applicable =
      static_cast<int>(m.rows.size()) - m.Count(MutantFate::kNotApplicable);
  std::string out = std::string(m.passed() ? "RESULT: PASS" : "RESULT: FAIL") +
                    " -- " + std::to_string(m.Count(MutantFate::kCaught)) +
                    " of " + std::to_string(applicable) +
                    " mutants caught on their clause";
  if (int n = m.Count(MutantFate::kCaughtElsewhere); n > 0) {
    out += ", " + std::to_string(n) + " caught elsewhere";
  }
  if (int n = m.Count(MutantFate::kKilledByCrash); n > 0) {
    out += ", " + std::to_string(n) + " killed by a crash";
  }
  if (int n = m.Count(MutantFate::kSurvived); n > 0) {
    out += ", " + std::to_string(n) + " SURVIVED";
  }
  if (int n = m.Count(MutantFate::kNotApplicable); n > 0) {
    out += "; " + std::to_string(n) + " not applicable";
  }
  return out;
}

std::string Header(const KillMatrix& m) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", m.seconds);
  return "seed " + std::to_string(m.seed) + ", " + std::to_string(m.programs) +
         " property programs per certificate, " +
         std::to_string(m.rows.size()) + " mutants, " + seconds;
}

std::string BaselineNote(const KillMatrix& m) {
  const std::vector<Clause> failed = m.baseline.failed_clauses();
  if (failed.empty() && m.baseline.crashes.empty()) {
    return "baseline: the flow itself passes";
  }
  std::string out = "baseline: the flow itself";
  if (!failed.empty()) out += " fails " + ClauseList(failed);
  if (!m.baseline.crashes.empty()) {
    out += (failed.empty() ? " crashed in " : " and crashed in ") +
           std::to_string(m.baseline.crashes.size()) + " cases";
  }
  return out + "; a mutant failing only those clauses is not counted as caught";
}

std::string Table(const KillMatrix& m) {
  std::size_t name_width = 8;
  for (const MutantRow& row : m.rows) {
    name_width = std::max(name_width, row.mutant.name.size() + 2);
  }
  std::string out = "flowcheck kill matrix for '" + m.flow + "'";
  if (!m.description.empty()) out += ": " + m.description;
  out += "\n" + Header(m) + "\n" + BaselineNote(m) + "\n\n";
  std::string head = Pad("mutant", name_width) + Pad("breaks", 8);
  for (Clause clause : kAllClauses)
    head += Pad(std::string(ClauseId(clause)), 3);
  out += head + " fate\n";
  const auto line = [&](const std::string& name, const std::string& breaks,
                        const Certificate& c, const std::string& fate) {
    std::string text = Pad(name, name_width) + Pad(breaks, 8);
    for (Clause clause : kAllClauses) {
      text += Pad(c.clauses.empty()
                      ? std::string(" ")
                      : std::string(1, Cell(c.result(clause).verdict)),
                  3);
    }
    return text + " " + fate + "\n";
  };
  out += line("(none)", "", m.baseline,
              m.baseline.passed() ? "passes" : "fails (baseline)");
  for (const MutantRow& row : m.rows) {
    out += line(row.mutant.name, std::string(ClauseId(row.mutant.clause)),
                row.certificate, FateText(row));
  }
  out += "\ncells: X FAIL, . PASS, - not applicable, C crash, n not reached\n";
  bool first = true;
  for (const MutantRow& row : m.rows) {
    if (row.fate == MutantFate::kCaught ||
        row.fate == MutantFate::kNotApplicable) {
      continue;
    }
    if (first) out += "\nnot caught on their clause:\n";
    first = false;
    out += "  " + row.mutant.name + " (" + row.mutant.description +
           "): " + FateText(row) + "\n";
    if (const std::string evidence = FirstEvidence(row); !evidence.empty()) {
      out += "    " + evidence + "\n";
    }
    out += "    replay: " + row.replay + "\n";
  }
  for (const MutantRow& row : m.rows) {
    if (row.fate == MutantFate::kNotApplicable) {
      out += "\n" + row.mutant.name +
             ": not applicable (it needs an injected reset, which this "
             "flow's world cannot do)";
    }
  }
  if (m.Count(MutantFate::kNotApplicable) > 0) out += "\n";
  return out + "\n" + Summary(m) + "\n";
}

std::string Markdown(const KillMatrix& m) {
  std::string out = "# flowcheck kill matrix: `" + m.flow + "`\n\n";
  if (!m.description.empty()) out += m.description + "\n\n";
  out += Header(m) + "; " + BaselineNote(m) + "\n\n**" + Summary(m) +
         "**\n\n| mutant | breaks |";
  for (Clause clause : kAllClauses)
    out += " " + std::string(ClauseId(clause)) + " |";
  out += " fate |\n|---|---|";
  for (std::size_t i = 0; i < kAllClauses.size(); ++i) out += "---|";
  out += "---|\n";
  for (const MutantRow& row : m.rows) {
    out += "| `" + row.mutant.name + "` | " +
           std::string(ClauseId(row.mutant.clause)) + " |";
    for (Clause clause : kAllClauses) {
      out += " ";
      if (!row.certificate.clauses.empty()) {
        const char cell = Cell(row.certificate.result(clause).verdict);
        out += cell == 'X' ? std::string("**X**") : std::string(1, cell);
      }
      out += " |";
    }
    out += " " + MarkdownEscape(FateText(row)) + " |\n";
  }
  out += "\nCells: X FAIL, . PASS, - not applicable, C crash, n not reached.\n";
  return out;
}

std::string Json(const KillMatrix& m) {
  nlohmann::ordered_json out;
  out["schema"] = "flowcheck.kill-matrix/1";
  out["flow"] = m.flow;
  out["description"] = m.description;
  out["seed"] = m.seed;
  out["programs"] = m.programs;
  out["seconds"] = m.seconds;
  out["passed"] = m.passed();
  nlohmann::ordered_json baseline;
  baseline["passed"] = m.baseline.passed();
  baseline["failed"] = nlohmann::ordered_json::array();
  for (Clause clause : m.baseline.failed_clauses()) {
    baseline["failed"].push_back(std::string(ClauseId(clause)));
  }
  baseline["crashes"] = m.baseline.crashes.size();
  out["baseline"] = baseline;
  out["mutants"] = nlohmann::ordered_json::array();
  for (const MutantRow& row : m.rows) {
    nlohmann::ordered_json entry;
    entry["name"] = row.mutant.name;
    entry["description"] = row.mutant.description;
    entry["breaks"] = std::string(ClauseId(row.mutant.clause));
    entry["fate"] = std::string(MutantFateName(row.fate));
    entry["caught_on"] = nlohmann::ordered_json::array();
    for (Clause clause : row.caught_on) {
      entry["caught_on"].push_back(std::string(ClauseId(clause)));
    }
    nlohmann::ordered_json verdicts = nlohmann::ordered_json::object();
    for (const ClauseResult& result : row.certificate.clauses) {
      verdicts[std::string(ClauseId(result.clause))] =
          std::string(VerdictName(result.verdict));
    }
    entry["verdicts"] = verdicts;
    entry["crashes"] = row.certificate.crashes.size();
    entry["evidence"] = FirstEvidence(row);
    entry["replay"] = row.replay;
    out["mutants"].push_back(entry);
  }
  return out.dump(2) + "\n";
}

std::string Junit(const KillMatrix& m) {
  int failures = 0;
  int skipped = 0;
  for (const MutantRow& row : m.rows) {
    failures += row.fate == MutantFate::kSurvived ||
                row.fate == MutantFate::kCaughtElsewhere;
    skipped += row.fate == MutantFate::kNotApplicable;
  }
  const std::string suite = "flowcheck.mutants." + m.flow;
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", m.seconds);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuite name=\"" + XmlEscape(suite) + "\" tests=\"" +
         std::to_string(m.rows.size()) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(skipped) + "\" time=\"" + time + "\">\n";
  for (const MutantRow& row : m.rows) {
    out += "  <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" +
           XmlEscape(row.mutant.name + " breaks " +
                     std::string(ClauseId(row.mutant.clause))) +
           "\">";
    if (row.fate == MutantFate::kSurvived ||
        row.fate == MutantFate::kCaughtElsewhere) {
      out += "\n    <failure message=\"" + XmlEscape(FateText(row)) + "\">" +
             XmlEscape(FirstEvidence(row) + "\nreplay: " + row.replay) +
             "</failure>\n  ";
    } else if (row.fate == MutantFate::kNotApplicable) {
      out += "<skipped message=\"needs an injected reset\"/>";
    }
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n";
}

}  // namespace

std::string_view MutantFateName(MutantFate fate) {
  switch (fate) {
    case MutantFate::kCaught:
      return "caught";
    case MutantFate::kCaughtElsewhere:
      return "caught elsewhere";
    case MutantFate::kKilledByCrash:
      return "killed by a crash";
    case MutantFate::kSurvived:
      return "SURVIVED";
    case MutantFate::kNotApplicable:
      return "not applicable";
  }
  return "?";
}

int KillMatrix::Count(MutantFate fate) const {
  return static_cast<int>(
      std::count_if(rows.begin(), rows.end(),
                    [fate](const MutantRow& row) { return row.fate == fate; }));
}

bool KillMatrix::passed() const {
  return Count(MutantFate::kSurvived) == 0 &&
         Count(MutantFate::kCaughtElsewhere) == 0;
}

KillMatrix RunKillMatrix(
    const FlowUnderTest& flow, const std::vector<Mutant>& mutants,
    const CertifyOptions& options,
    const std::function<void(std::string_view)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  KillMatrix matrix;
  matrix.flow = flow.name;
  matrix.description = flow.description;
  matrix.seed = options.seed;
  matrix.programs = options.programs;
  const auto say = [&progress](const std::string& line) {
    if (progress) progress(line);
  };
  const std::size_t total = mutants.size() + 1;
  matrix.baseline = Certify(flow, options);
  say("[1/" + std::to_string(total) + "] baseline (no mutant): " +
      (matrix.baseline.passed() ? "passes" : "fails"));
  const std::vector<Clause> baseline_failed = matrix.baseline.failed_clauses();
  std::size_t done = 1;
  for (const Mutant& mutant : mutants) {
    MutantRow row;
    row.mutant = mutant;
    row.replay = options.replay_prefix + " " +
                 (options.replay_flow.empty() ? "--flow=" + flow.name
                                              : options.replay_flow) +
                 " --mutant=" + mutant.name +
                 " --seed=" + std::to_string(options.seed) +
                 ReplayLimitFlags(options);
    if (mutant.needs_reset && !flow.capabilities.inject_reset) {
      row.fate = MutantFate::kNotApplicable;
    } else {
      CertifyOptions mutant_options = options;
      mutant_options.watchdog =
          std::max(mutant_options.watchdog, mutant.min_watchdog);
      mutant_options.replay_prefix =
          options.replay_prefix + " --mutant=" + mutant.name;
      mutant_options.progress = nullptr;
      FlowUnderTest mutated = Mutate(flow, mutant);
      mutated.name = flow.name;  // replay lines name the base flow
      row.certificate = Certify(mutated, mutant_options);
      row.certificate.flow = flow.name + "+" + mutant.name;
      std::vector<Clause> new_failures;  // not failed by the baseline
      for (Clause clause : row.certificate.failed_clauses()) {
        if (Contains(baseline_failed, clause)) continue;
        new_failures.push_back(clause);
        if (mutant.CaughtBy(std::vector<Clause>{clause})) {
          row.caught_on.push_back(clause);
        }
      }
      const bool own_pass =
          row.certificate.result(mutant.clause).verdict == Verdict::kPass;
      if (!row.caught_on.empty() && !own_pass) {
        row.fate = MutantFate::kCaught;
      } else if (!new_failures.empty()) {
        row.fate = MutantFate::kCaughtElsewhere;
      } else if (!row.certificate.crashes.empty() &&
                 matrix.baseline.crashes.empty()) {
        row.fate = MutantFate::kKilledByCrash;
      } else {
        row.fate = MutantFate::kSurvived;
      }
    }
    ++done;
    say("[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
        mutant.name + ": " + FateText(row));
    matrix.rows.push_back(std::move(row));
  }
  matrix.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return matrix;
}

std::string RenderKillMatrix(const KillMatrix& matrix, ReportFormat format) {
  switch (format) {
    case ReportFormat::kTable:
      return Table(matrix);
    case ReportFormat::kMarkdown:
      return Markdown(matrix);
    case ReportFormat::kJson:
      return Json(matrix);
    case ReportFormat::kJunit:
      return Junit(matrix);
    case ReportFormat::kHtml:
      // The matrix has no history to draw: the table, in a page.
      return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
             "charset=\"utf-8\"/><title>flowcheck kill matrix: " +
             XmlEscape(matrix.flow) + "</title></head><body><pre>" +
             XmlEscape(Table(matrix)) + "</pre></body></html>\n";
  }
  return Table(matrix);
}

}  // namespace flowcheck::conformance
