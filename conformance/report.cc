#include "conformance/report.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "conformance/html_report.h"

namespace flowcheck::conformance {
namespace {

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

}  // namespace

std::string SeedsText(const Certificate& c) {
  if (c.seeds.empty()) return "no seeds";
  if (c.seeds.size() == 1 && c.seeds[0].size() == 1) {
    return "seed " + std::to_string(c.seeds[0].first);
  }
  std::string text = "seeds ";
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < c.seeds.size(); ++i) {
    if (i > 0) text += ", ";
    if (i == 3 && c.seeds.size() > 4) {
      text += "... (" + std::to_string(c.seeds.size() - 3) + " more ranges)";
      for (; i < c.seeds.size(); ++i) total += c.seeds[i].size();
      break;
    }
    text += FormatSeedRange(c.seeds[i]);
    total += c.seeds[i].size();
  }
  return text + " (" + std::to_string(total) + " seeds)";
}

std::string ReportHeaderLine(const Certificate& c) {
  return SeedsText(c) + ", " + std::to_string(c.programs_run) +
         " property programs" +
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
    const std::size_t held = c.clauses.size() - not_applicable - not_reached;
    return "RESULT: PASS -- " + std::to_string(held) +
           (held == 1 ? " clause holds" : " clauses hold") +
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
  out["seeds"] = nlohmann::ordered_json::array();
  for (const SeedRange& range : c.seeds) {
    out["seeds"].push_back({range.first, range.last});
  }
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
    clause["seeds_failed"] = r.seeds_failed;
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

namespace {

// Reads one certificate object, naming where it went wrong.
class CertificateReader {
 public:
  // Throws std::runtime_error("PATH: what is wrong").
  Certificate Read(const nlohmann::json& in) {
    Object(in, "the certificate");
    const std::string schema = String(in, "schema", "");
    if (schema != "flowcheck.certificate/1") {
      Fail("schema", "'" + schema +
                         "' is not flowcheck.certificate/1 (a certificate "
                         "written by 'flowcheck certify --format=json')");
    }
    Certificate c;
    c.flow = String(in, "flow", "");
    c.description = String(in, "description", "");
    c.seed = Unsigned(in, "seed", "");
    if (in.contains("seeds")) {
      const nlohmann::json& seeds = Array(in, "seeds", "");
      for (std::size_t i = 0; i < seeds.size(); ++i) {
        const std::string where = "seeds[" + std::to_string(i) + "]";
        const nlohmann::json& range = seeds[i];
        if (!range.is_array() || range.size() != 2 ||
            !range[0].is_number_unsigned() || !range[1].is_number_unsigned() ||
            range[0].get<std::uint64_t>() > range[1].get<std::uint64_t>()) {
          Fail(where, "is not [first, last] with first <= last");
        }
        c.seeds.push_back(SeedRange{range[0].get<std::uint64_t>(),
                                    range[1].get<std::uint64_t>()});
      }
    } else {
      c.seeds = {SeedRange{c.seed, c.seed}};
    }
    const std::string evidence = String(in, "evidence", "");
    bool known = false;
    for (Evidence e : {Evidence::kExact, Evidence::kCompleted,
                       Evidence::kBounded, Evidence::kNone}) {
      if (EvidenceKey(e) == evidence) {
        c.evidence = e;
        known = true;
      }
    }
    if (!known) Fail("evidence", "'" + evidence + "' is not an evidence");
    c.programs_run = Int(in, "programs_run", "");
    c.programs_cut_off = Int(in, "programs_cut_off", "");
    c.scenarios_run = Int(in, "scenarios_run", "");
    if (!in.contains("seconds") || !in["seconds"].is_number()) {
      Fail("seconds", "missing or not a number");
    }
    c.seconds = in["seconds"].get<double>();
    if (!in.contains("coverage")) Fail("coverage", "missing");
    std::optional<Coverage> coverage =
        Coverage::FromJson(in["coverage"].dump());
    if (!coverage) Fail("coverage", "is not a coverage table");
    c.coverage = *coverage;
    const nlohmann::json& clauses = Array(in, "clauses", "");
    if (clauses.size() != std::size(kAllClauses)) {
      Fail("clauses", "has " + std::to_string(clauses.size()) +
                          " entries, not one per clause (" +
                          std::to_string(std::size(kAllClauses)) + ")");
    }
    for (std::size_t i = 0; i < clauses.size(); ++i) {
      c.clauses.push_back(ReadClause(clauses[i], i));
    }
    const nlohmann::json& crashes = Array(in, "crashes", "");
    for (std::size_t i = 0; i < crashes.size(); ++i) {
      const std::string where = "crashes[" + std::to_string(i) + "]";
      Object(crashes[i], where);
      c.crashes.push_back(Crash{String(crashes[i], "source", where),
                                String(crashes[i], "what", where),
                                String(crashes[i], "replay", where)});
    }
    const nlohmann::json& observations = Array(in, "observations", "");
    for (std::size_t i = 0; i < observations.size(); ++i) {
      const std::string where = "observations[" + std::to_string(i) + "]";
      Object(observations[i], where);
      c.observations.push_back(
          Observation{String(observations[i], "name", where),
                      String(observations[i], "result", where)});
    }
    return c;
  }

 private:
  ClauseResult ReadClause(const nlohmann::json& in, std::size_t index) {
    const std::string where = "clauses[" + std::to_string(index) + "]";
    Object(in, where);
    ClauseResult r;
    const std::string id = String(in, "id", where);
    const std::optional<Clause> clause = ParseClause(id);
    if (!clause || *clause != kAllClauses[index]) {
      Fail(where + ".id", "'" + id + "' where " +
                              std::string(ClauseId(kAllClauses[index])) +
                              " belongs (clauses come in spec order)");
    }
    r.clause = *clause;
    const std::string verdict = String(in, "verdict", where);
    bool known = false;
    for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kNotApplicable,
                      Verdict::kCrash, Verdict::kNotReached}) {
      if (VerdictName(v) == verdict) {
        r.verdict = v;
        known = true;
      }
    }
    if (!known) Fail(where + ".verdict", "'" + verdict + "' is not a verdict");
    r.programs = Int(in, "programs", where);
    r.scenarios = Int(in, "scenarios", where);
    r.note = String(in, "note", where);
    if (in.contains("left_out")) {
      if (!in["left_out"].is_boolean()) {
        Fail(where + ".left_out", "is not true or false");
      }
      r.left_out = in["left_out"].get<bool>();
    }
    if (in.contains("seeds_failed")) {
      r.seeds_failed = Unsigned(in, "seeds_failed", where);
    } else if (r.verdict == Verdict::kFail) {
      r.seeds_failed = 1;
    }
    const nlohmann::json& failures = Array(in, "failures", where);
    for (std::size_t i = 0; i < failures.size(); ++i) {
      const std::string at = where + ".failures[" + std::to_string(i) + "]";
      const nlohmann::json& f = failures[i];
      Object(f, at);
      Counterexample e;
      e.source = String(f, "source", at);
      e.program = String(f, "case", at);
      e.violation = String(f, "violation", at);
      e.details = String(f, "details", at);
      e.replay = String(f, "replay", at);
      if (f.contains("timeline")) {
        std::string error;
        e.timeline = TimelineFromJson(f["timeline"].dump(), &error);
        if (!e.timeline) Fail(at + ".timeline", error);
      }
      if (f.contains("trace")) e.trace = String(f, "trace", at);
      r.failures.push_back(std::move(e));
    }
    return r;
  }

  [[noreturn]] static void Fail(const std::string& where,
                                const std::string& what) {
    throw std::runtime_error(where + ": " + what);
  }
  static std::string Join(const std::string& where, const char* key) {
    return where.empty() ? std::string(key) : where + "." + key;
  }
  static void Object(const nlohmann::json& in, const std::string& where) {
    if (!in.is_object()) Fail(where, "is not a JSON object");
  }
  static const nlohmann::json& Field(const nlohmann::json& in, const char* key,
                                     const std::string& where) {
    if (!in.contains(key)) Fail(Join(where, key), "missing");
    return in[key];
  }
  static std::string String(const nlohmann::json& in, const char* key,
                            const std::string& where) {
    const nlohmann::json& v = Field(in, key, where);
    if (!v.is_string()) Fail(Join(where, key), "is not a string");
    return v.get<std::string>();
  }
  static std::uint64_t Unsigned(const nlohmann::json& in, const char* key,
                                const std::string& where) {
    const nlohmann::json& v = Field(in, key, where);
    if (!v.is_number_unsigned()) {
      Fail(Join(where, key), "is not a number >= 0");
    }
    return v.get<std::uint64_t>();
  }
  static std::int64_t Int(const nlohmann::json& in, const char* key,
                          const std::string& where) {
    const std::uint64_t v = Unsigned(in, key, where);
    if (v > static_cast<std::uint64_t>(INT64_MAX)) {
      Fail(Join(where, key), "is too large");
    }
    return static_cast<std::int64_t>(v);
  }
  static const nlohmann::json& Array(const nlohmann::json& in, const char* key,
                                     const std::string& where) {
    const nlohmann::json& v = Field(in, key, where);
    if (!v.is_array()) Fail(Join(where, key), "is not a list");
    return v;
  }
};

}  // namespace

std::variant<Certificate, std::string> CertificateFromJson(
    std::string_view text) {
  nlohmann::json in;
  try {
    in = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return std::string("not JSON: ") + e.what();
  }
  try {
    return CertificateReader().Read(in);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

}  // namespace flowcheck::conformance
