#include "conformance/gtest.h"

#include <cstdlib>

#include "conformance/certify.h"
#include "conformance/report.h"

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
  options.replay_prefix = "FLOWCHECK_SEED=" + std::to_string(options.seed) +
                          " bazel test <this test> --test_filter=*" +
                          ConformanceCaseName({test_case, 0}) + " #";
  const Certificate certificate = Certify(test_case.flow, options);
  if (test_case.part == "observations") {
    for (const Observation& observation : certificate.observations) {
      std::cout << "observation: " << observation.name << ": "
                << observation.result << "\n";
    }
    return;
  }
  if (certificate.scenarios_run == 0 && certificate.programs_run == 0) {
    GTEST_SKIP() << test_case.part
                 << " is not applicable: it needs an injected reset, which "
                    "this flow's world cannot do";
  }
  EXPECT_TRUE(certificate.passed())
      << RenderReport(certificate, ReportFormat::kTable);
}

}  // namespace flowcheck::conformance
