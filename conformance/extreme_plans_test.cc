// Valid plans never fail a correct flow: extreme but legal fault plans --
// links of 1 KiB/s, two-hour close delays, latencies and tails at the
// limit of int64 nanoseconds -- may stop a case at the virtual time limit
// (NOT REACHED, with the reason), but the simulated flow never FAILs a
// clause and nothing crashes. Under --config=asan, UBSan proves the time
// arithmetic never overflows on them.
#include <gtest/gtest.h>

#include <string>

#include "conformance/certify.h"
#include "conformance/report.h"
#include "conformance/sim_subject.h"
#include "sim/fault_plan_text.h"

namespace flowcheck::conformance {
namespace {

class ExtremePlanTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtremePlanTest, NeverFailsTheSimulatedFlow) {
  const sim::ParsedFaultPlan parsed = sim::ParseFaultPlan(GetParam());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  CertifyOptions options;
  options.programs = 5;
  options.isolate = false;  // a crash here should show its stack
  options.only = {"programs",
                  "R5.drain-before-eof",
                  "C1.close-flushes",
                  "C4.close-waits-for-peer",
                  "C5.both-closes-return",
                  "E1.reset-mid-transfer"};
  const Certificate certificate =
      Certify(SimFlowUnderPlan(parsed.plan()), options);
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  EXPECT_TRUE(certificate.passed()) << table;
  EXPECT_TRUE(certificate.failed_clauses().empty()) << table;
  EXPECT_TRUE(certificate.crashes.empty()) << table;
  for (const ClauseResult& result : certificate.clauses) {
    if (result.verdict == Verdict::kNotReached) {
      // Stopped by the virtual time limit, or never reached by the few
      // programs this test runs -- never FAIL.
      EXPECT_TRUE(result.note.find("virtual time limit") != std::string::npos ||
                  result.note.find("programs reached it") != std::string::npos)
          << result.note;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Plans, ExtremePlanTest,
    ::testing::Values("bandwidth=1KiB/s", "close-delay=7200s",
                      "latency=1ms tail=100%:9223372036854775807ns",
                      "latency=exp(9223372036854775807ns)",
                      "latency=9223372036854775807ns",
                      "close-delay=9223372036854775807ns; "
                      "slow-close a>b at=0ns for=9223372036854775807ns",
                      "; stall a>b at=1ms for=9223372036854775807ns"));

}  // namespace
}  // namespace flowcheck::conformance
