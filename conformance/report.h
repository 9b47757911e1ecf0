// conformance/report.h: a Certificate in four formats, and atomic report
// files.
//
//  - table: for a terminal, one line per clause, then the details of each
//    FAIL, crashes and observations, then the result;
//  - markdown: the same for a pull request or a wiki;
//  - json: machine-readable, schema in docs/certify.md (schema version 1);
//  - junit: JUnit XML, one testcase per clause (FAIL = failure, NOT
//    APPLICABLE = skipped) plus one per crash (error), for CI dashboards.
//
// WriteFileAtomically writes to a temporary file beside the target and
// renames it into place, so an interrupted run never leaves a half-written
// report.
#ifndef FLOWCHECK_CONFORMANCE_REPORT_H_
#define FLOWCHECK_CONFORMANCE_REPORT_H_

#include <optional>
#include <string>
#include <string_view>

#include "conformance/certificate.h"

namespace flowcheck::conformance {

enum class ReportFormat { kTable, kMarkdown, kJson, kJunit };

// "table", "markdown", "json", "junit" -> the format; anything else: nullopt.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

// The certificate in `format`. Never fails.
std::string RenderReport(const Certificate& certificate, ReportFormat format);

// Writes `contents` to `path` atomically (temporary file + fsync + rename).
// Returns nullopt on success, or a message naming the path and the reason.
std::optional<std::string> WriteFileAtomically(const std::string& path,
                                               std::string_view contents);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_REPORT_H_
