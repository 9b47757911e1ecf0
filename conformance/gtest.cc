#include "conformance/gtest.h"

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "conformance/certify.h"
#include "conformance/observe.h"
#include "conformance/report.h"
#include "conformance/scenarios.h"

namespace flowcheck::conformance {
namespace {

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (end == nullptr || *end != '\0') {
    ADD_FAILURE() << name << " must be a whole number, not '" << text << "'";
    return fallback;
  }
  return value;
}

// "double close" -> "observation.double_close": a key for RecordProperty
// (an XML attribute name in some GoogleTest versions, so no spaces).
std::string PropertyKey(const std::string& observation) {
  std::string key = "observation.";
  for (char c : observation) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-';
    key += plain ? c : '_';
  }
  return key;
}

// With Bazel's TEST_UNDECLARED_OUTPUTS_DIR set, writes the certificate of
// a failing case there as an HTML page with its diagrams and returns a line
// saying where; otherwise (or if it cannot be written) says why not.
std::string WriteHtml(const Certificate& certificate, const std::string& part) {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (dir == nullptr || *dir == '\0') {
    return "(no diagram written: TEST_UNDECLARED_OUTPUTS_DIR is not set)";
  }
  std::string name = part;
  for (char& c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '.'))
      c = '_';
  }
  const std::string path = std::string(dir) + "/flowcheck-" + name + ".html";
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << RenderReport(certificate, ReportFormat::kHtml);
  file.close();
  if (!file) return "(the diagram could not be written to " + path + ")";
  return "diagram of each counterexample: " + path +
         " (Bazel keeps it in the test's outputs: "
         "bazel-testlogs/<package>/<test>/test.outputs/)";
}

}  // namespace

std::vector<ConformanceCase> ConformanceCases(const FlowUnderTest& flow) {
  std::vector<ConformanceCase> cases;
  for (const std::string& part : CertifyParts()) cases.push_back({flow, part});
  return cases;
}

std::string ConformanceCaseName(
    const ::testing::TestParamInfo<ConformanceCase>& info) {
  std::string name = info.param.part;
  for (char& c : name) {
    if (c == '.' || c == '-') c = '_';
  }
  return name;
}

TEST_P(FlowcheckConformance, Case) {
  const ConformanceCase& test_case = GetParam();
  CertifyOptions options;
  options.seed = EnvNumber("FLOWCHECK_SEED", 1);
  options.programs = static_cast<int>(EnvNumber("FLOWCHECK_PROGRAMS", 100));
  options.only = {test_case.part};
  // Each case in a child process, bounded in time and memory; set
  // FLOWCHECK_ISOLATE=0 (bazel test --test_env=FLOWCHECK_ISOLATE=0) to debug
  // a case in this process.
  options.isolate = EnvNumber("FLOWCHECK_ISOLATE", 1) != 0;
  options.watchdog = std::chrono::seconds(EnvNumber(
      "FLOWCHECK_WATCHDOG_SECONDS",
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(options.watchdog)
              .count())));
  options.replay_prefix = "FLOWCHECK_SEED=" + std::to_string(options.seed) +
                          " bazel test <this test> --test_filter=*" +
                          ConformanceCaseName({test_case, 0}) + " #";
  const Certificate certificate = Certify(test_case.flow, options);
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  // A crash is never a skip and never a pass.
  for (const Crash& crash : certificate.crashes) {
    ADD_FAILURE() << "CRASH in " << crash.source << ": " << crash.what
                  << "\n  replay: " << crash.replay;
  }
  if (!certificate.crashes.empty()) FAIL() << table;
  if (test_case.part == "programs") {
    // What the programs reached, in the log (a zero is a gap in the suite).
    std::cout << certificate.coverage.ToString();
  }
  if (test_case.part == "observations") {
    // Spec-silent: reported, never judged. The test still fails unless
    // every observation ran and described what it saw; each result goes
    // to the log and, as a property, into the test's XML report.
    const std::vector<std::string> names = ObservationNames();
    ASSERT_EQ(certificate.observations.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      const Observation& observation = certificate.observations[i];
      EXPECT_EQ(observation.name, names[i]);
      EXPECT_FALSE(observation.result.empty()) << observation.name;
      std::cout << "observation: " << observation.name << ": "
                << observation.result << "\n";
      RecordProperty(PropertyKey(observation.name), observation.result);
    }
    return;
  }
  const Scenario* scenario = FindScenario(test_case.part);
  if (scenario != nullptr && scenario->needs_reset &&
      !test_case.flow.capabilities.inject_reset) {
    GTEST_SKIP() << test_case.part
                 << " is not applicable: it needs an injected reset, which "
                    "this flow's world cannot do (Capabilities::inject_reset)";
  }
  std::string failed;
  for (Clause clause : certificate.failed_clauses()) {
    failed += " " + std::string(ClauseId(clause));
  }
  EXPECT_TRUE(certificate.passed())
      << test_case.part << " found violations of:" << failed << "\n"
      << table << WriteHtml(certificate, test_case.part) << "\n";
}

}  // namespace flowcheck::conformance
