#include "conformance/coverage.h"

#include <gtest/gtest.h>

#include "conformance/program_gen.h"
#include "conformance/real_subject.h"
#include "conformance/sim_subject.h"
#include "flows/pairs.h"

namespace flowcheck::conformance {
namespace {

// The share of the default 100 programs every class must reach.
constexpr double kMinShare = 0.05;

// The default 100 programs of GenProgram() (sizes 0..99, as a RapidCheck
// property draws them) run on pairs from `make`.
Coverage Measure(const std::function<Subject(std::uint64_t)>& make) {
  Coverage total;
  for (int i = 0; i < 100; ++i) {
    const Program program = SampleProgram(20240 + i, i);
    Subject subject = make(program.seed);
    const Execution execution = RunProgram(subject, program);
    EXPECT_TRUE(execution.ok()) << program.ToString() << execution.Explain();
    total.Add(CoverageOf(program, execution));
  }
  return total;
}

TEST(CoverageTest, TheDefaultProgramsReachEveryClassOnTheSimulatedFlow) {
  const FlowUnderTest sim = SimFlowUnderTest();
  const Coverage coverage = Measure(sim.make);
  std::cout << coverage.ToString();
  EXPECT_EQ(coverage.programs, 100);
  for (const CoverageClassInfo& info : CoverageClasses()) {
    EXPECT_GE(coverage.share(info.id), kMinShare) << info.name;
  }
  // Virtual minutes of half-close (RunLimits::half_close_hold_virtual).
  EXPECT_GE(coverage.longest_half_close, std::chrono::minutes(1));
}

TEST(CoverageTest, TheDefaultProgramsReachEveryClassOnASocketpair) {
  const flows::Transport* socketpair = nullptr;
  for (const flows::Transport& transport : flows::AllTransports()) {
    if (transport.name == "socketpair") socketpair = &transport;
  }
  ASSERT_NE(socketpair, nullptr);
  const Coverage coverage = Measure(
      [socketpair](std::uint64_t) { return MakeRealSubject(*socketpair); });
  std::cout << coverage.ToString();
  for (const CoverageClassInfo& info : CoverageClasses()) {
    if (info.needs_reset || info.needs_virtual_time) continue;
    EXPECT_GE(coverage.share(info.id), kMinShare) << info.name;
  }
  EXPECT_GE(coverage.longest_half_close, std::chrono::seconds(1));
}

TEST(CoverageTest, JsonRoundTripsAndAddSums) {
  Coverage one;
  one.programs = 3;
  one.counts[static_cast<int>(CoverageClass::kDoubleClose)] = 2;
  one.longest_half_close = std::chrono::seconds(5);
  const std::optional<Coverage> back = Coverage::FromJson(one.ToJson());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->programs, 3);
  EXPECT_EQ(back->count(CoverageClass::kDoubleClose), 2);
  EXPECT_EQ(back->longest_half_close, std::chrono::seconds(5));
  Coverage sum = one;
  sum.Add(*back);
  EXPECT_EQ(sum.programs, 6);
  EXPECT_EQ(sum.count(CoverageClass::kDoubleClose), 4);
  EXPECT_FALSE(Coverage::FromJson("{\"programs\": 1}").has_value());
  EXPECT_NE(sum.ToString().find("double_close"), std::string::npos);
}

TEST(CoverageTest, CountsWhatHappenedNotWhatWasAsked) {
  // A closer task that closes while a 1 MiB write is pending behind a
  // 4 KiB window: counted only because the write really was pending.
  Program program;
  program.seed = 3;
  ProgramOp close{ProgramOp::Kind::kClose, {}, 0};
  close.actor = ProgramOp::Actor::kCloser;
  program.a.ops = {{ProgramOp::Kind::kWrite, {1 << 20}, 0}, close};
  sim::FaultPlan plan;
  plan.a_to_b.window_bytes = 4096;
  Subject windowed = MakeSimSubject(3, plan);
  const Coverage pending = CoverageOf(program, RunProgram(windowed, program));
  EXPECT_EQ(pending.count(CoverageClass::kCloseDuringPendingWrite), 1);
  EXPECT_EQ(pending.count(CoverageClass::kCloseByOtherTask), 1);
  Subject unlimited = MakeSimSubject(3);  // the write completes at once
  const Coverage done = CoverageOf(program, RunProgram(unlimited, program));
  EXPECT_EQ(done.count(CoverageClass::kCloseDuringPendingWrite), 0);
}

}  // namespace
}  // namespace flowcheck::conformance
