#include "fuzz/finding.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace flowcheck::fuzz {

void ReportFinding(std::string_view target, std::string_view what,
                   std::string_view details) {
  std::string report = "flowcheck fuzz finding in " + std::string(target) +
                       ": " + std::string(what) + "\n" + std::string(details);
  if (!report.ends_with('\n')) report += '\n';
  report += "replay: bazel run //fuzz:" + std::string(target) +
            " -- \"$PWD/<the input file>\"  (docs/fuzzing.md: a finding "
            "becomes a regression)\n";
  std::fputs(report.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace flowcheck::fuzz
