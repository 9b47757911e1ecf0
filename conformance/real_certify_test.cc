// Certification of the real transports: each correct one passes, and the
// mutant zoo fails on its clause over real sockets too (E1 mutants over TCP,
// the one transport that can inject a reset).
#include <gtest/gtest.h>

#include "conformance/certify.h"
#include "conformance/mutants.h"
#include "conformance/real_subject.h"
#include "conformance/report.h"

namespace flowcheck::conformance {
namespace {

FlowUnderTest Transport(const std::string& name) {
  for (FlowUnderTest& flow : RealFlowsUnderTest()) {
    if (flow.name == name) return flow;
  }
  ADD_FAILURE() << "no transport " << name;
  return {};
}

class RealFlowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RealFlowTest, PassesEveryApplicableClause) {
  CertifyOptions options;
  options.programs = 60;
  const Certificate certificate = Certify(Transport(GetParam()), options);
  EXPECT_TRUE(certificate.passed())
      << RenderReport(certificate, ReportFormat::kTable);
  EXPECT_EQ(certificate.evidence, Evidence::kBounded);
  const Verdict e1 = certificate.result(Clause::kE1).verdict;
  EXPECT_EQ(e1, GetParam() == "tcp" ? Verdict::kPass : Verdict::kNotApplicable);
}

INSTANTIATE_TEST_SUITE_P(Transports, RealFlowTest,
                         ::testing::Values("socketpair", "tcp", "pipes"));

class RealMutantTest : public ::testing::TestWithParam<Mutant> {};

TEST_P(RealMutantTest, IsCaughtOnItsClause) {
  const Mutant& mutant = GetParam();
  CertifyOptions options;
  options.programs = 40;
  // Detection is what this test is about: short watchdogs (a hanging
  // mutant costs one per case) and no shrinking.
  options.watchdog =
      std::max<Duration>(std::chrono::seconds(1), mutant.min_watchdog);
  options.shrink = false;
  options.only = CertifyParts();
  std::erase(options.only, "observations");
  const FlowUnderTest base =
      Transport(mutant.needs_reset ? "tcp" : "socketpair");
  const Certificate certificate = Certify(Mutate(base, mutant), options);
  EXPECT_TRUE(mutant.CaughtBy(certificate.failed_clauses()))
      << mutant.name << " should fail " << ClauseId(mutant.clause) << "\n"
      << RenderReport(certificate, ReportFormat::kTable);
  // Where the evidence cannot tell the mutant's clause from another (C1 or
  // R5: the bytes never arrived), both rows say so; neither is PASS.
  EXPECT_NE(certificate.result(mutant.clause).verdict, Verdict::kPass)
      << mutant.name << " left its own clause " << ClauseId(mutant.clause)
      << " at PASS\n"
      << RenderReport(certificate, ReportFormat::kTable);
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, RealMutantTest, ::testing::ValuesIn(AllMutants()),
    [](const ::testing::TestParamInfo<Mutant>& param_info) {
      return MutantTestName(param_info.param);
    });

}  // namespace
}  // namespace flowcheck::conformance
