// The kill matrix: fates decided from real certificates of the simulated
// flow -- a caught mutant, one not applicable, and survivors whose only
// failures the baseline already had.
#include "conformance/kill_matrix.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

CertifyOptions Quick() {
  CertifyOptions options;
  options.seed = 3;
  options.programs = 30;
  options.isolate = false;
  options.shrink = false;
  return options;
}

std::vector<Mutant> Named(std::vector<std::string> names) {
  std::vector<Mutant> out;
  for (const std::string& name : names) {
    const Mutant* mutant = FindMutant(name);
    EXPECT_NE(mutant, nullptr) << name;
    if (mutant != nullptr) out.push_back(*mutant);
  }
  return out;
}

TEST(KillMatrix, CaughtAndNotApplicable) {
  // The simulated flow, told it cannot inject resets: E1's mutants cannot
  // be shown, so they are not applicable rather than survivors.
  FlowUnderTest flow = SimFlowUnderTest();
  flow.capabilities.inject_reset = false;
  std::vector<std::string> lines;
  const KillMatrix matrix = RunKillMatrix(
      flow, Named({"empty-data", "silent-errors"}), Quick(),
      [&lines](std::string_view line) { lines.emplace_back(line); });
  ASSERT_EQ(matrix.rows.size(), 2u);
  EXPECT_TRUE(matrix.baseline.passed());
  EXPECT_EQ(matrix.rows[0].fate, MutantFate::kCaught);
  EXPECT_EQ(matrix.rows[0].caught_on, std::vector<Clause>{Clause::kR2});
  EXPECT_EQ(matrix.rows[1].fate, MutantFate::kNotApplicable);
  EXPECT_TRUE(matrix.passed());
  ASSERT_EQ(lines.size(), 3u);  // the baseline, then each mutant
  EXPECT_EQ(lines[1], "[2/3] empty-data: caught (R2)");

  const std::string table = RenderKillMatrix(matrix, ReportFormat::kTable);
  EXPECT_NE(table.find("baseline: the flow itself passes"), std::string::npos)
      << table;
  EXPECT_NE(table.find("silent-errors: not applicable"), std::string::npos)
      << table;
  EXPECT_NE(table.find("RESULT: PASS -- 1 of 1 mutants caught on their "
                       "clause; 1 not applicable"),
            std::string::npos)
      << table;

  const nlohmann::json json =
      nlohmann::json::parse(RenderKillMatrix(matrix, ReportFormat::kJson));
  EXPECT_EQ(json["schema"], "flowcheck.kill-matrix/1");
  EXPECT_EQ(json["mutants"][0]["fate"], "caught");
  EXPECT_EQ(json["mutants"][0]["verdicts"]["R2"], "FAIL");
  EXPECT_EQ(json["mutants"][0]["verdicts"]["R1"], "PASS");
  EXPECT_EQ(json["mutants"][0]["replay"],
            "bazel run //tools:flowcheck -- certify --flow=sim "
            "--mutant=empty-data --seed=3");
  EXPECT_EQ(json["mutants"][1]["fate"], "not applicable");
}

// A row's replay line carries the limits the row ran with, as every
// certificate's replay line does.
TEST(KillMatrix, ReplayLinesCarryNonDefaultLimits) {
  CertifyOptions options = Quick();
  options.only = {"programs"};
  options.programs = 5;
  options.watchdog = std::chrono::milliseconds(1500);
  options.virtual_time_limit = std::chrono::minutes(3);
  const KillMatrix matrix = RunKillMatrix(
      SimFlowUnderTest(), Named({"empty-data"}), options, nullptr);
  ASSERT_EQ(matrix.rows.size(), 1u);
  EXPECT_EQ(matrix.rows[0].replay,
            "bazel run //tools:flowcheck -- certify --flow=sim "
            "--mutant=empty-data --seed=3 --watchdog=1500ms "
            "--virtual-time-limit=180s");
}

TEST(KillMatrix, FailuresTheBaselineAlreadyHasCatchNothing) {
  // Over a flow that already returns empty Data, the same breakage adds
  // nothing new: the mutant survives, and the matrix fails.
  const FlowUnderTest broken =
      Mutate(SimFlowUnderTest(), *FindMutant("empty-data"));
  const KillMatrix matrix =
      RunKillMatrix(broken, Named({"empty-data"}), Quick(), nullptr);
  EXPECT_FALSE(matrix.baseline.passed());
  ASSERT_EQ(matrix.rows.size(), 1u);
  EXPECT_EQ(matrix.rows[0].fate, MutantFate::kSurvived);
  EXPECT_TRUE(matrix.rows[0].caught_on.empty());
  EXPECT_FALSE(matrix.passed());
  const std::string table = RenderKillMatrix(matrix, ReportFormat::kTable);
  EXPECT_NE(table.find("baseline: the flow itself fails R2"), std::string::npos)
      << table;
  EXPECT_NE(table.find("1 SURVIVED"), std::string::npos) << table;
  const std::string junit = RenderKillMatrix(matrix, ReportFormat::kJunit);
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("<failure message=\"SURVIVED\""), std::string::npos)
      << junit;
}

}  // namespace
}  // namespace flowcheck::conformance
