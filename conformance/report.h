// conformance/report.h: a Certificate in four formats.
//
//  - table: for a terminal, one line per clause, then the details of each
//    FAIL, crashes and observations, then the result;
//  - markdown: the same for a pull request or a wiki;
//  - json: machine-readable, schema in docs/certify.md (schema version 1);
//  - junit: JUnit XML, one testcase per clause (FAIL = failure, NOT
//    APPLICABLE = skipped) plus one per crash (error), for CI dashboards;
//  - html: one self-contained page with a space-time diagram of each
//    counterexample (conformance/html_report.h).
//
// Counterexamples are numbered 1, 2, ... clause by clause, in the table,
// markdown, json and html formats (JUnit shows each clause's first only):
// "case 3" is what `flowcheck replay cert.json --case=3` re-runs.
//
// Rendering only: writing a report to a file is the command line's job
// (tools/output_file.h).
#ifndef FLOWCHECK_CONFORMANCE_REPORT_H_
#define FLOWCHECK_CONFORMANCE_REPORT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "conformance/certificate.h"

namespace flowcheck::conformance {

enum class ReportFormat { kTable, kMarkdown, kJson, kJunit, kHtml };

// "table", "markdown", "json", "junit", "html" -> the format; anything
// else: nullopt.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

// The certificate in `format`. Never fails.
std::string RenderReport(const Certificate& certificate, ReportFormat format);

// The inverse of the json format: a Certificate read back from `text`
// (flowcheck merge, flowcheck replay). Fields added after schema version 1
// began (seeds, left_out, seeds_failed, timelines) may be missing. Returns
// the certificate, or a sentence naming the first thing wrong and where
// ("clauses[3].verdict: 'PAS' is not a verdict").
std::variant<Certificate, std::string> CertificateFromJson(
    std::string_view text);

// "seed 7", "seeds 1..100000 (100000 seeds)", "seeds 1..8, 17 (9 seeds)",
// "no seeds".
std::string SeedsText(const Certificate& certificate);

// "seed 1, 100 property programs, 19 scenarios, evidence ..., 3.2 s".
std::string ReportHeaderLine(const Certificate& certificate);
// "RESULT: PASS -- 17 clauses hold, 1 not applicable" or "RESULT: FAIL --
// 2 clauses violated: C4 C5".
std::string ReportResultLine(const Certificate& certificate);

// For other reports in these formats (conformance/kill_matrix.h): `text`
// escaped for XML 1.0 text and attributes (control characters other than
// tab and newlines become '?', bytes that are not UTF-8 become U+FFFD, so
// any text -- a driver's stderr, a task's name -- leaves the document
// well-formed), and for a Markdown table cell ('|' escaped, newlines as
// <br>).
std::string XmlEscape(const std::string& text);
// Each line of `text` with `prefix` in front (and a final newline).
std::string IndentLines(const std::string& text, const std::string& prefix);
// `text` padded with spaces to `width` (longer text is kept whole), for
// table columns.
std::string Pad(std::string text, std::size_t width);
std::string MarkdownEscape(std::string text);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_REPORT_H_
