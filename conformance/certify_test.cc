#include "conformance/certify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/mutants.h"
#include "conformance/observe.h"
#include "conformance/scenarios.h"
#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

std::string Describe(const Certificate& certificate) {
  std::string out;
  for (const ClauseResult& result : certificate.clauses) {
    out += std::string(ClauseId(result.clause)) + " " +
           std::string(VerdictName(result.verdict)) + "\n";
    for (const Counterexample& example : result.failures) {
      out += "  " + example.source + ": " + example.violation + "\n" +
             example.program + "\n" + example.details.substr(0, 3000) + "\n";
    }
  }
  for (const Crash& crash : certificate.crashes) {
    out += "CRASH " + crash.source + ": " + crash.what + "\n";
  }
  return out;
}

TEST(CertifyTest, TheSimulatedFlowPassesEveryClause) {
  CertifyOptions options;
  options.seed = 7;
  options.programs = 150;
  const Certificate certificate = Certify(SimFlowUnderTest(), options);
  EXPECT_TRUE(certificate.passed()) << Describe(certificate);
  EXPECT_EQ(certificate.programs_run, 150);
  EXPECT_EQ(certificate.scenarios_run, static_cast<int>(AllScenarios().size()));
  EXPECT_EQ(certificate.clauses.size(), kAllClauses.size());
  for (const ClauseResult& result : certificate.clauses) {
    EXPECT_EQ(result.verdict, Verdict::kPass) << ClauseId(result.clause);
  }
  EXPECT_EQ(certificate.evidence, Evidence::kExact);
  std::vector<std::string> observed;
  for (const Observation& observation : certificate.observations) {
    observed.push_back(observation.name);
    EXPECT_FALSE(observation.result.empty()) << observation.name;
  }
  EXPECT_EQ(observed, ObservationNames());
}

TEST(CertifyTest, UnknownPartsAreRejectedWithTheList) {
  CertifyOptions options;
  options.only = {"R5.drain-before-eof", "R9.nonsense"};
  const auto error = ValidateCertifyOptions(options);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("unknown part 'R9.nonsense'"), std::string::npos);
  EXPECT_NE(error->find("C4.close-waits-for-peer"), std::string::npos);
}

TEST(CertifyTest, OnlyRunsTheSelectedParts) {
  CertifyOptions options;
  options.only = {"C4.close-waits-for-peer"};
  const Certificate certificate = Certify(SimFlowUnderTest(), options);
  EXPECT_EQ(certificate.programs_run, 0);
  EXPECT_EQ(certificate.scenarios_run, 1);
  EXPECT_EQ(certificate.result(Clause::kC4).verdict, Verdict::kPass);
  // Left out is not reached, never PASS and never "not applicable".
  EXPECT_EQ(certificate.result(Clause::kR5).verdict, Verdict::kNotReached);
  EXPECT_TRUE(certificate.result(Clause::kR5).left_out);
  EXPECT_FALSE(certificate.result(Clause::kC4).left_out);
}

TEST(CertifyTest, IsolationTurnsACrashIntoAReportLine) {
  FlowUnderTest crashing;
  crashing.name = "crashing";
  crashing.make = [](std::uint64_t seed) {
    Subject subject = MakeSimSubject(seed);
    struct Crasher : FlowWrapper {
      using FlowWrapper::FlowWrapper;
      Task<ReadResult> read() override {
        std::abort();
        co_return ReadResult::Eof();
      }
    };
    subject.b = std::make_unique<Crasher>(std::move(subject.b));
    return subject;
  };
  CertifyOptions options;
  options.isolate = true;
  options.only = {"R1.read-pends", "W2.write-after-close"};
  const Certificate certificate = Certify(crashing, options);
  ASSERT_EQ(certificate.crashes.size(), 2u);
  EXPECT_EQ(certificate.crashes[0].source, "R1.read-pends");
  EXPECT_NE(certificate.crashes[0].what.find("signal 6"), std::string::npos)
      << certificate.crashes[0].what;
  EXPECT_NE(certificate.crashes[0].replay.find("--only=R1.read-pends"),
            std::string::npos);
  EXPECT_FALSE(certificate.passed());
}

// The mutant zoo: every mutant FAILs on its clause.
class MutantTest : public ::testing::TestWithParam<Mutant> {};

TEST_P(MutantTest, IsCaughtOnItsClause) {
  const Mutant& mutant = GetParam();
  CertifyOptions options;
  options.seed = 3;
  options.programs = 60;
  options.only = CertifyParts();
  std::erase(options.only, "observations");
  const Certificate certificate =
      Certify(Mutate(SimFlowUnderTest(), mutant), options);
  EXPECT_TRUE(mutant.CaughtBy(certificate.failed_clauses()))
      << mutant.name << " should fail " << ClauseId(mutant.clause) << "\n"
      << Describe(certificate);
  // Over the simulated flow the link can blame a side, so the mutant's own
  // clause itself must never PASS (a reader trusts a PASS row).
  EXPECT_NE(certificate.result(mutant.clause).verdict, Verdict::kPass)
      << mutant.name << " left its own clause " << ClauseId(mutant.clause)
      << " at PASS\n"
      << Describe(certificate);
  EXPECT_TRUE(certificate.crashes.empty()) << Describe(certificate);
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, MutantTest, ::testing::ValuesIn(AllMutants()),
    [](const ::testing::TestParamInfo<Mutant>& param_info) {
      return MutantTestName(param_info.param);
    });

TEST(MutantZooTest, CoversEveryMustClause) {
  for (Clause clause : kAllClauses) {
    bool covered = false;
    for (const Mutant& mutant : AllMutants())
      covered |= mutant.clause == clause;
    EXPECT_TRUE(covered) << "no mutant breaks " << ClauseId(clause);
  }
}

}  // namespace
}  // namespace flowcheck::conformance
