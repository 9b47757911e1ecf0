#include "conformance/report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "conformance/html_report.h"

namespace flowcheck::conformance {
namespace {

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

}  // namespace

std::string ReportHeaderLine(const Certificate& c) {
  return "seed " + std::to_string(c.seed) + ", " +
         std::to_string(c.programs_run) + " property programs" +
         (c.programs_cut_off > 0
              ? " (" + std::to_string(c.programs_cut_off) +
                    " stopped at the virtual time limit, judged up to it)"
              : std::string()) +
         ", " + std::to_string(c.scenarios_run) + " scenarios, evidence " +
         std::string(EvidenceName(c.evidence)) + ", " + Seconds(c.seconds);
}

std::string ReportResultLine(const Certificate& c) {
  const std::vector<Clause> failed = c.failed_clauses();
  int not_applicable = 0;
  int not_reached = 0;
  for (const ClauseResult& r : c.clauses) {
    not_applicable += r.verdict == Verdict::kNotApplicable;
    not_reached += r.verdict == Verdict::kNotReached;
  }
  if (c.passed()) {
    return "RESULT: PASS -- " +
           std::to_string(c.clauses.size() - not_applicable - not_reached) +
           " clauses hold" +
           (not_applicable > 0
                ? ", " + std::to_string(not_applicable) + " not applicable"
                : std::string()) +
           (not_reached > 0
                ? ", " + std::to_string(not_reached) + " not reached"
                : std::string());
  }
  std::string out = "RESULT: FAIL --";
  if (!failed.empty()) {
    out += " " + std::to_string(failed.size()) + " clauses violated:";
    for (Clause clause : failed) out += " " + std::string(ClauseId(clause));
  }
  if (!c.crashes.empty()) {
    out += (failed.empty() ? " " : "; ") + std::to_string(c.crashes.size()) +
           " cases crashed";
  }
  return out;
}

namespace {

std::string Header(const Certificate& c) { return ReportHeaderLine(c); }
std::string ResultLine(const Certificate& c) { return ReportResultLine(c); }

std::string Table(const Certificate& c) {
  std::string out = "flowcheck certificate for '" + c.flow + "'";
  if (!c.description.empty()) out += ": " + c.description;
  out += "\n" + Header(c) + "\n\n";
  out += Pad("clause", 8) + Pad("verdict", 16) + "the contract says\n";
  for (const ClauseResult& r : c.clauses) {
    out += Pad(std::string(ClauseId(r.clause)), 8) +
           Pad(std::string(VerdictName(r.verdict)), 16) +
           std::string(ClauseSummary(r.clause)) + "\n";
    if (r.verdict != Verdict::kPass && r.verdict != Verdict::kFail) {
      out += Pad("", 24) + "(" + r.note + ")\n";
    }
  }
  int number = 0;
  for (const ClauseResult& r : c.clauses) {
    for (const Counterexample& e : r.failures) {
      out += "\nFAIL " + std::string(ClauseId(r.clause)) + " (case " +
             std::to_string(++number) + "), found by " + e.source + ":\n" +
             IndentLines(e.violation, "  ") + "  case:\n" +
             IndentLines(e.program, "    ") + "  replay:\n    " + e.replay +
             "\n" + IndentLines(e.details, "  | ");
    }
  }
  for (const Crash& crash : c.crashes) {
    out += "\nCRASH in " + crash.source + ": " + crash.what +
           "\n  replay:\n    " + crash.replay + "\n";
  }
  if (!c.observations.empty()) {
    out += "\nobservations (spec-silent; reported, not judged):\n";
    for (const Observation& o : c.observations) {
      out += "  " + o.name + ": " + o.result + "\n";
    }
  }
  out += "\n" + ResultLine(c) + "\n";
  return out;
}

std::string Markdown(const Certificate& c) {
  std::string out = "# flowcheck certificate: `" + c.flow + "`\n\n";
  if (!c.description.empty()) out += c.description + "\n\n";
  out += Header(c) + "\n\n**" + ResultLine(c) + "**\n\n";
  out +=
      "| clause | verdict | the contract says | evidence "
      "|\n|---|---|---|---|\n";
  for (const ClauseResult& r : c.clauses) {
    out += "| " + std::string(ClauseId(r.clause)) + " | " +
           std::string(VerdictName(r.verdict)) + " | " +
           MarkdownEscape(std::string(ClauseSummary(r.clause))) + " | " +
           MarkdownEscape(r.note) + " |\n";
  }
  int number = 0;
  for (const ClauseResult& r : c.clauses) {
    for (const Counterexample& e : r.failures) {
      out += "\n## FAIL " + std::string(ClauseId(r.clause)) + " (case " +
             std::to_string(++number) + ", found by " + e.source + ")\n\n" +
             e.violation + "\n\nCase:\n\n```\n" + e.program +
             "```\n\nReplay:\n\n```sh\n" + e.replay +
             "\n```\n\n<details><summary>"
             "pending tasks and history</summary>\n\n```\n" +
             e.details + "```\n\n</details>\n";
    }
  }
  for (const Crash& crash : c.crashes) {
    out += "\n## CRASH in " + crash.source + "\n\n" + crash.what +
           "\n\n```sh\n" + crash.replay + "\n```\n";
  }
  if (!c.observations.empty()) {
    out += "\n## Observations (spec-silent; reported, not judged)\n\n";
    for (const Observation& o : c.observations) {
      out += "- **" + o.name + "**: " + o.result + "\n";
    }
  }
  return out;
}

std::string Json(const Certificate& c) {
  nlohmann::ordered_json out;
  out["schema"] = "flowcheck.certificate/1";
  out["flow"] = c.flow;
  out["description"] = c.description;
  out["seed"] = c.seed;
  out["evidence"] = std::string(EvidenceKey(c.evidence));
  out["programs_run"] = c.programs_run;
  out["programs_cut_off"] = c.programs_cut_off;
  out["coverage"] = nlohmann::json::parse(c.coverage.ToJson());
  out["scenarios_run"] = c.scenarios_run;
  out["seconds"] = c.seconds;
  out["passed"] = c.passed();
  out["clauses"] = nlohmann::ordered_json::array();
  int number = 0;
  for (const ClauseResult& r : c.clauses) {
    nlohmann::ordered_json clause;
    clause["id"] = std::string(ClauseId(r.clause));
    clause["summary"] = std::string(ClauseSummary(r.clause));
    clause["verdict"] = std::string(VerdictName(r.verdict));
    clause["programs"] = r.programs;
    clause["scenarios"] = r.scenarios;
    clause["note"] = r.note;
    clause["left_out"] = r.left_out;
    clause["failures"] = nlohmann::ordered_json::array();
    for (const Counterexample& e : r.failures) {
      nlohmann::ordered_json failure = {
          {"number", ++number},   {"source", e.source},
          {"case", e.program},    {"violation", e.violation},
          {"details", e.details}, {"replay", e.replay}};
      if (e.timeline) {
        failure["timeline"] =
            nlohmann::ordered_json::parse(TimelineToJson(*e.timeline));
      }
      if (!e.trace.empty()) failure["trace"] = e.trace;
      clause["failures"].push_back(std::move(failure));
    }
    out["clauses"].push_back(clause);
  }
  out["crashes"] = nlohmann::ordered_json::array();
  for (const Crash& crash : c.crashes) {
    out["crashes"].push_back({{"source", crash.source},
                              {"what", crash.what},
                              {"replay", crash.replay}});
  }
  out["observations"] = nlohmann::ordered_json::array();
  for (const Observation& o : c.observations) {
    out["observations"].push_back({{"name", o.name}, {"result", o.result}});
  }
  return out.dump(2) + "\n";
}

std::string Junit(const Certificate& c) {
  int failures = 0;
  int skipped = 0;
  int errors = static_cast<int>(c.crashes.size());
  for (const ClauseResult& r : c.clauses) {
    failures += r.verdict == Verdict::kFail;
    skipped += r.verdict == Verdict::kNotApplicable ||
               r.verdict == Verdict::kNotReached;
    errors += r.verdict == Verdict::kCrash;
  }
  const std::string suite = "flowcheck." + c.flow;
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", c.seconds);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuite name=\"" + XmlEscape(suite) + "\" tests=\"" +
         std::to_string(c.clauses.size() + c.crashes.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
         "\" time=\"" + time + "\">\n";
  out += "  <properties><property name=\"seed\" value=\"" +
         std::to_string(c.seed) + "\"/><property name=\"evidence\" value=\"" +
         XmlEscape(std::string(EvidenceName(c.evidence))) +
         "\"/></properties>\n";
  for (const ClauseResult& r : c.clauses) {
    out += "  <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" +
           XmlEscape(std::string(ClauseId(r.clause)) + " " +
                     std::string(ClauseSummary(r.clause))) +
           "\">";
    if (r.verdict == Verdict::kFail) {
      const Counterexample& e = r.failures.front();
      out += "\n    <failure message=\"" + XmlEscape(e.violation) + "\">" +
             XmlEscape("case:\n" + e.program + "replay: " + e.replay + "\n" +
                       e.details) +
             "</failure>\n  ";
    } else if (r.verdict == Verdict::kNotApplicable ||
               r.verdict == Verdict::kNotReached) {
      out += "<skipped message=\"" + XmlEscape(r.note) + "\"/>";
    } else if (r.verdict == Verdict::kCrash) {
      out += "<error message=\"" + XmlEscape(r.note) + "\"/>";
    }
    out += "</testcase>\n";
  }
  for (const Crash& crash : c.crashes) {
    out += "  <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" +
           XmlEscape("crash in " + crash.source) +
           "\">\n    <error message=\"" + XmlEscape(crash.what) + "\">" +
           XmlEscape("replay: " + crash.replay) + "</error>\n  </testcase>\n";
  }
  out += "</testsuite>\n";
  return out;
}

}  // namespace

std::string IndentLines(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += prefix + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string Pad(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

std::string MarkdownEscape(std::string text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += "<br>";
    else
      out += ch;
  }
  return out;
}

namespace {

// The length of the valid UTF-8 sequence starting at text[i], or 0 if none
// starts there (a stray continuation byte, a truncated or overlong
// sequence, a surrogate, or past U+10FFFF).
std::size_t Utf8Length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  if ((length == 3 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
      (length == 4 && (code < 0x10000 || code > 0x10ffff)))
    return 0;
  return length;
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const char ch = text[i];
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t' &&
            ch != '\r') {
          out += '?';
        } else if (const std::size_t length = Utf8Length(text, i);
                   length == 0) {
          out += "\xef\xbf\xbd";  // U+FFFD: a byte that is not UTF-8
        } else {
          out.append(text, i, length);
          i += length;
          continue;
        }
    }
    ++i;
  }
  return out;
}

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "markdown") return ReportFormat::kMarkdown;
  if (name == "json") return ReportFormat::kJson;
  if (name == "junit") return ReportFormat::kJunit;
  if (name == "html") return ReportFormat::kHtml;
  return std::nullopt;
}

std::string RenderReport(const Certificate& certificate, ReportFormat format) {
  switch (format) {
    case ReportFormat::kTable:
      return Table(certificate);
    case ReportFormat::kMarkdown:
      return Markdown(certificate);
    case ReportFormat::kJson:
      return Json(certificate);
    case ReportFormat::kJunit:
      return Junit(certificate);
    case ReportFormat::kHtml:
      return HtmlCertificate(certificate);
  }
  return Table(certificate);
}

}  // namespace flowcheck::conformance
