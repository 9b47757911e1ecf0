#include "conformance/gtest.h"

#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
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
  // Several suites in one binary (one per flow) must not share a file.
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      (info == nullptr ? std::string()
                       : info->test_suite_name() + std::string("-")) +
      part;
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

// The command that runs the current test again, as it ran: under Bazel,
// "bazel test <TEST_TARGET> --test_env=... --test_filter='<this test>'";
// elsewhere this binary with the environment and --gtest_filter.
std::string ReplayCommand(const ConformanceOptions& given,
                          const CertifyOptions& options) {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = info == nullptr
                                 ? std::string("*")
                                 : std::string(info->test_suite_name()) + "." +
                                       std::string(info->name());
  const std::string seed = "FLOWCHECK_SEED=" + std::to_string(options.seed);
  const std::string programs =
      "FLOWCHECK_PROGRAMS=" + std::to_string(options.programs);
  std::string extra;
  if (!options.isolate) extra += "FLOWCHECK_ISOLATE=0 ";
  if (options.watchdog != given.watchdog) {
    extra += "FLOWCHECK_WATCHDOG_SECONDS=" +
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                options.watchdog)
                                .count()) +
             " ";
  }
  const char* target = std::getenv("TEST_TARGET");
  if (!given.replay_command.empty() || (target != nullptr && *target != '\0')) {
    std::string line = !given.replay_command.empty()
                           ? given.replay_command
                           : "bazel test " + std::string(target);
    line += " --test_env=" + seed + " --test_env=" + programs;
    std::size_t at = 0;
    while (at < extra.size()) {
      const std::size_t end = extra.find(' ', at);
      line += " --test_env=" + extra.substr(at, end - at);
      at = end + 1;
    }
    return line + " --test_filter='" + filter + "'";
  }
  char self[4096];
  const ssize_t size = ::readlink("/proc/self/exe", self, sizeof self - 1);
  const std::string binary =
      size > 0 ? std::string(self, static_cast<std::size_t>(size))
               : std::string("<this test binary>");
  return seed + " " + programs + " " + extra + binary + " --gtest_filter='" +
         filter + "'";
}

// `certificate` without the clauses its one part did not touch (NOT
// APPLICABLE only because of --only): a case's log shows what it judged.
Certificate TouchedOnly(Certificate certificate) {
  std::vector<ClauseResult> kept;
  for (ClauseResult& result : certificate.clauses) {
    if (!result.left_out) kept.push_back(std::move(result));
  }
  certificate.clauses = std::move(kept);
  return certificate;
}

}  // namespace

std::vector<ConformanceCase> ConformanceCases(
    const FlowUnderTest& flow, const ConformanceOptions& options) {
  std::vector<ConformanceCase> cases;
  for (const std::string& part : CertifyParts()) {
    cases.push_back({flow, part, options});
  }
  return cases;
}

void PrintTo(const ConformanceCase& test_case, std::ostream* os) {
  *os << test_case.part << " on '" << test_case.flow.name << "'";
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
  const ConformanceOptions& given = test_case.options;
  CertifyOptions options;
  options.seed = EnvNumber("FLOWCHECK_SEED", given.seed);
  options.programs = static_cast<int>(EnvNumber(
      "FLOWCHECK_PROGRAMS", static_cast<std::uint64_t>(given.programs)));
  options.only = {test_case.part};
  // Each case in a child process, bounded in time and memory; set
  // FLOWCHECK_ISOLATE=0 (bazel test --test_env=FLOWCHECK_ISOLATE=0) to debug
  // a case in this process.
  options.isolate = EnvNumber("FLOWCHECK_ISOLATE", given.isolate ? 1 : 0) != 0;
  options.watchdog = given.watchdog;  // kept exact (500ms stays 500ms)
  if (const char* text = std::getenv("FLOWCHECK_WATCHDOG_SECONDS");
      text != nullptr && *text != '\0') {
    options.watchdog =
        std::chrono::seconds(EnvNumber("FLOWCHECK_WATCHDOG_SECONDS", 0));
  }
  if (options.watchdog <= Duration::zero()) {
    FAIL() << "the watchdog must be positive (ConformanceOptions::watchdog, "
              "FLOWCHECK_WATCHDOG_SECONDS)";
  }
  if (const std::optional<std::string> error =
          ValidateCertifyOptions(options)) {
    FAIL() << *error << " (ConformanceOptions, FLOWCHECK_PROGRAMS)";
  }
  options.replay_command = ReplayCommand(given, options);
  const Certificate certificate = Certify(test_case.flow, options);
  const std::string table =
      RenderReport(TouchedOnly(certificate), ReportFormat::kTable);
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
      << table << WriteHtml(TouchedOnly(certificate), test_case.part) << "\n";
}

}  // namespace flowcheck::conformance
