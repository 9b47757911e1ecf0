// The mutants that only the swarm dimensions of the property programs can
// catch (conformance/program_gen.h) are caught by the programs alone, with
// no named scenario, on their own clause.
#include <gtest/gtest.h>

#include "conformance/certify.h"
#include "conformance/mutants.h"
#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

class GeneratorMutantTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratorMutantTest, TheProgramsAloneCatchIt) {
  const Mutant* mutant = FindMutant(GetParam());
  ASSERT_NE(mutant, nullptr);
  CertifyOptions options;
  options.seed = 11;
  options.programs = 60;
  options.only = {"programs"};
  const Certificate certificate =
      Certify(Mutate(SimFlowUnderTest(), *mutant), options);
  std::string failed;
  for (Clause clause : certificate.failed_clauses()) {
    failed += std::string(ClauseId(clause)) + " ";
  }
  EXPECT_TRUE(mutant->CaughtBy(certificate.failed_clauses()))
      << mutant->name << " failed only: " << failed;
}

INSTANTIATE_TEST_SUITE_P(
    NewDimensions, GeneratorMutantTest,
    ::testing::Values("close-loses-pending-write", "ok-after-second-close",
                      "second-close-hangs", "writev-drops-past-many-parts",
                      "teardown-after-close"),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
      std::string name = param_info.param;
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace flowcheck::conformance
