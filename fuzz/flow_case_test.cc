// Tests of the flow fuzz targets' decoding and oracle: cases round-trip
// through their bytes, any bytes decode to a valid case, correct flows pass,
// and broken flows (the mutant zoo) are reported.
#include "fuzz/flow_case.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/mutants.h"
#include "conformance/sim_subject.h"
#include "fuzz/flow_fuzzer.h"
#include "sim/fault_plan_text.h"
#include "sim/random.h"

namespace flowcheck::fuzz {
namespace {

using conformance::ProgramOp;

FlowCase Example() {
  FlowCase flow_case;
  flow_case.program.seed = 42;
  flow_case.program.a.ops = {{ProgramOp::Kind::kWrite, {300}, 0},
                             {ProgramOp::Kind::kPause, {}, 250},
                             {ProgramOp::Kind::kWritev, {3, 0, 17}, 0},
                             {ProgramOp::Kind::kClose, {}, 0}};
  flow_case.program.b.ops = {{ProgramOp::Kind::kClose, {}, 0},
                             {ProgramOp::Kind::kWrite, {5}, 0}};
  flow_case.program.b.readers = 2;
  flow_case.program.b.reads_after_eof = 1;
  flow_case.plan =
      sim::ParseFaultPlan(
          "a>b:latency=1ms..2ms split=1B..8B window=64B b>a:latency=exp(3ms) "
          "tail=500ppm:20ms; stall a>b at=1ms for=3ms; cut b>a after=100B")
          .plan();
  return flow_case;
}

TEST(FlowCaseTest, EncodeThenDecodeGivesTheCaseBack) {
  const FlowCase original = Example();
  const FlowCase decoded = DecodeFlowCase(
      EncodeFlowCase(original, PlanSource::kDecoded), PlanSource::kDecoded);
  EXPECT_EQ(decoded.plan, original.plan);
  EXPECT_EQ(decoded.ToString(PlanSource::kDecoded),
            original.ToString(PlanSource::kDecoded));
}

TEST(FlowCaseTest, WithoutAPlanTheProgramStillRoundTrips) {
  FlowCase original = Example();
  original.plan = {};
  const FlowCase decoded = DecodeFlowCase(
      EncodeFlowCase(original, PlanSource::kFactory), PlanSource::kFactory);
  EXPECT_EQ(decoded.ToString(PlanSource::kFactory),
            original.ToString(PlanSource::kFactory));
}

// A reset (the template's one way to a fault) is in the format.
FlowCase WithReset() {
  FlowCase flow_case;
  flow_case.program.seed = 7;
  flow_case.program.a.ops = {
      {ProgramOp::Kind::kWrite, {300}, 0}, {ProgramOp::Kind::kReset, {}, 0},
      {ProgramOp::Kind::kPause, {}, 1000}, {ProgramOp::Kind::kWrite, {5}, 0},
      {ProgramOp::Kind::kWrite, {6}, 0},   {ProgramOp::Kind::kClose, {}, 0}};
  flow_case.program.b.ops = {{ProgramOp::Kind::kWrite, {40}, 0},
                             {ProgramOp::Kind::kClose, {}, 0}};
  flow_case.program.b.reads_after_eof = 1;
  return flow_case;
}

TEST(FlowCaseTest, AResetRoundTrips) {
  const FlowCase original = WithReset();
  const FlowCase decoded = DecodeFlowCase(
      EncodeFlowCase(original, PlanSource::kFactory), PlanSource::kFactory);
  EXPECT_EQ(decoded.ToString(PlanSource::kFactory),
            original.ToString(PlanSource::kFactory));
  EXPECT_NE(decoded.ToString(PlanSource::kFactory).find("reset"),
            std::string::npos)
      << decoded.ToString(PlanSource::kFactory);
}

TEST(FlowCaseTest, EmptyInputIsTwoEndpointsThatOnlyClose) {
  const FlowCase decoded = DecodeFlowCase({}, PlanSource::kDecoded);
  EXPECT_EQ(decoded.plan, sim::FaultPlan{});
  EXPECT_EQ(decoded.program.a.ops.size(), 1u);
  EXPECT_EQ(decoded.program.a.ops[0].kind, ProgramOp::Kind::kClose);
}

// `size` arbitrary bytes from a seed (the one SplitMix64, sim/random.h).
std::vector<std::uint8_t> RandomBytes(std::uint64_t seed, std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::uint8_t& byte : bytes)
    byte = static_cast<std::uint8_t>(sim::SplitMix64(seed));
  return bytes;
}

std::uint64_t WrittenBytes(const conformance::EndpointProgram& endpoint) {
  std::uint64_t bytes = 0;
  for (const ProgramOp& op : endpoint.ops) {
    for (std::uint32_t size : op.sizes) bytes += size;
  }
  return bytes;
}

// Any bytes give a case with a valid plan (decoding checks it), within its
// byte budgets, that encodes back to bytes decoding the same way.
TEST(FlowCaseTest, AnyBytesDecodeToAValidCaseThatReEncodes) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const std::vector<std::uint8_t> bytes = RandomBytes(seed, seed % 200);
    const FlowCase decoded = DecodeFlowCase(bytes, PlanSource::kDecoded);
    EXPECT_FALSE(sim::ValidateFaultPlan(decoded.plan).has_value());
    EXPECT_LE(WrittenBytes(decoded.program.a),
              BytesBudget(decoded.plan.a_to_b, PlanSource::kDecoded));
    EXPECT_LE(WrittenBytes(decoded.program.b),
              BytesBudget(decoded.plan.b_to_a, PlanSource::kDecoded));
    const FlowCase again = DecodeFlowCase(
        EncodeFlowCase(decoded, PlanSource::kDecoded), PlanSource::kDecoded);
    ASSERT_EQ(again.plan, decoded.plan) << "seed " << seed;
    ASSERT_EQ(again.ToString(PlanSource::kDecoded),
              decoded.ToString(PlanSource::kDecoded))
        << "seed " << seed;
  }
}

// The budget: kMaxReadsPerDirection reads of the smallest unit a read may
// return, never more than kMaxBytesPerEndpoint.
TEST(FlowCaseTest, TheByteBudgetFollowsTheSmallestReadUnit) {
  auto budget = [](const char* link) {
    return BytesBudget(sim::ParseFaultPlan(link).plan().a_to_b,
                       PlanSource::kDecoded);
  };
  EXPECT_EQ(budget(""), kMaxBytesPerEndpoint);
  EXPECT_EQ(budget("split=1B coalesce=off"), kMaxReadsPerDirection);
  EXPECT_EQ(budget("read-max=3B"), 3 * kMaxReadsPerDirection);
  EXPECT_EQ(budget("window=7B split=1B..3B"), 3 * kMaxReadsPerDirection);
  EXPECT_EQ(budget("split=1B..64B"), kMaxBytesPerEndpoint);
  EXPECT_EQ(BytesBudget(sim::ParseFaultPlan("split=1B").plan().a_to_b,
                        PlanSource::kFactory),
            kMaxBytesPerEndpoint);
}

// Inputs asking for more than the budget are clamped to it, not rejected:
// random bytes of the factory's shape reach the budget exactly, never more.
TEST(FlowCaseTest, SizesPastTheBudgetAreClampedWhenDecoded) {
  int at_budget = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::vector<std::uint8_t> bytes = RandomBytes(seed, 600);
    for (std::size_t i = 0; i < bytes.size(); i += 3) bytes[i] |= 0xf0;
    const FlowCase decoded = DecodeFlowCase(bytes, PlanSource::kFactory);
    for (const conformance::EndpointProgram* endpoint :
         {&decoded.program.a, &decoded.program.b}) {
      ASSERT_LE(WrittenBytes(*endpoint), kMaxBytesPerEndpoint)
          << "seed " << seed;
      at_budget += WrittenBytes(*endpoint) == kMaxBytesPerEndpoint;
    }
  }
  EXPECT_GT(at_budget, 0);
}

TEST(FlowCaseDeathTest, EncodingSizesOverTheBudgetAborts) {
  FlowCase flow_case;
  for (int i = 0; i < 5; ++i) {
    flow_case.program.a.ops.push_back(
        {ProgramOp::Kind::kWrite, {kMaxWriteBytes}, 0});
  }
  EXPECT_DEATH(EncodeFlowCase(flow_case, PlanSource::kFactory),
               "over the endpoint's byte budget");
}

std::vector<std::string> ArgsAfterDefaults(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  char** pointer = argv.data();
  AppendDefaultFlags(&argc, &pointer);
  EXPECT_EQ(pointer[argc], nullptr);
  return std::vector<std::string>(pointer, pointer + argc);
}

// This test is not linked with libFuzzer: like AFL++'s driver or the
// replay driver, it must get argv back untouched.
TEST(FlowFuzzerTest, DefaultFlagsAreLeftOutWhenTheEngineIsNotLibFuzzer) {
  std::string name = "fuzzer";
  std::vector<char*> argv = {name.data(), nullptr};
  int argc = 1;
  char** pointer = argv.data();
  AddDefaultFlags(&argc, &pointer);
  EXPECT_EQ(argc, 1);
  EXPECT_EQ(pointer, argv.data());
}

TEST(FlowFuzzerTest, DefaultFlagsAreAddedUnlessTheCommandLineSetsThem) {
  EXPECT_EQ(ArgsAfterDefaults({"fuzzer", "-runs=5", "corpus"}),
            (std::vector<std::string>{"fuzzer", "-runs=5", "corpus",
                                      "-entropic_scale_per_exec_time=1"}));
  EXPECT_EQ(
      ArgsAfterDefaults({"fuzzer", "-entropic_scale_per_exec_time=0", "c"}),
      (std::vector<std::string>{"fuzzer", "-entropic_scale_per_exec_time=0",
                                "c"}));
}

FlowFuzzTarget SimTarget() {
  return FlowFuzzTarget{
      .name = "test",
      .plan_source = PlanSource::kDecoded,
      .make = [](std::uint64_t seed, const sim::FaultPlan& plan) {
        return conformance::MakeSimSubject(seed, plan);
      }};
}

TEST(FlowFuzzerTest, TheSimulatedFlowPassesRandomCases) {
  const FlowFuzzTarget target = SimTarget();
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const FlowCase flow_case =
        DecodeFlowCase(RandomBytes(seed, 120), PlanSource::kDecoded);
    const std::optional<std::string> finding = CheckFlowCase(target, flow_case);
    EXPECT_FALSE(finding.has_value()) << *finding;
  }
  EXPECT_FALSE(CheckFlowCase(target, Example()).has_value());
}

// Whether the template, over the simulated flow wrapped in the mutant
// `name`, finds something in `flow_case` under one of seeds 1..40.
bool TemplateCatches(const char* name, FlowCase flow_case) {
  const conformance::Mutant* mutant = conformance::FindMutant(name);
  if (mutant == nullptr) {
    ADD_FAILURE() << "no mutant " << name;
    return false;
  }
  const FlowFuzzTarget target = FlowFuzzTargetFor(
      name, conformance::Mutate(conformance::SimFlowUnderTest(false), *mutant));
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    flow_case.program.seed = seed;
    if (CheckFlowCase(target, flow_case).has_value()) return true;
  }
  return false;
}

// The oracle is worth something only if it catches broken flows: a few
// mutants of the zoo, each on the same handful of programs.
TEST(FlowFuzzerTest, CatchesMutantsOfTheSimulatedFlow) {
  FlowCase flow_case = Example();
  flow_case.plan = {};
  for (const char* name :
       {"flip-byte", "writev-reorders", "empty-data", "hang-after-eof",
        "close-never-returns", "ok-after-close"}) {
    EXPECT_TRUE(TemplateCatches(name, flow_case))
        << "mutant " << name << " was not caught";
  }
}

// A world whose runs do not follow from the seed: each pair gets the next
// seed of a counter.
FlowFuzzTarget NonDeterministicTarget(std::uint32_t every) {
  auto counter = std::make_shared<std::uint64_t>(0);
  return FlowFuzzTarget{
      .name = "non-deterministic",
      .plan_source = PlanSource::kDecoded,
      .make =
          [counter](std::uint64_t seed, const sim::FaultPlan& plan) {
            return conformance::MakeSimSubject(seed + ++*counter, plan);
          },
      .determinism_every = every};
}

// Through the template a flow's faults come only from resets in the
// programs: without them, mutants that mishandle errors (E1) were never
// found (fuzz/zoo_detection.sh, 2026-12-02).
TEST(FlowFuzzerTest, ResetsLetTheTemplateCatchErrorMutants) {
  for (const char* name :
       {"error-as-eof", "silent-errors", "ok-forever-after-reset"}) {
    EXPECT_TRUE(TemplateCatches(name, WithReset()))
        << "mutant " << name << " was not caught";
  }
  // The correct flow passes the same cases.
  const FlowFuzzTarget correct =
      FlowFuzzTargetFor("sim", conformance::SimFlowUnderTest(false));
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    FlowCase flow_case = WithReset();
    flow_case.program.seed = seed;
    const auto finding = CheckFlowCase(correct, flow_case);
    EXPECT_FALSE(finding.has_value()) << *finding;
  }
}

TEST(FlowFuzzerTest, DeterminismIsCheckedOnASampleDecidedByTheInput) {
  const FlowFuzzTarget every = NonDeterministicTarget(1);
  const FlowFuzzTarget sampled = NonDeterministicTarget(8);
  int caught_every = 0;
  int caught_sampled = 0;
  for (std::uint64_t seed = 1; seed <= 64; ++seed) {
    FlowCase flow_case = Example();
    flow_case.program.seed = seed;
    const auto finding = CheckFlowCase(every, flow_case);
    if (finding) {
      ++caught_every;
      EXPECT_NE(finding->find("non-deterministic replay"), std::string::npos)
          << *finding;
    }
    const bool first = CheckFlowCase(sampled, flow_case).has_value();
    // The same input is sampled (or not) every time.
    EXPECT_EQ(CheckFlowCase(sampled, flow_case).has_value(), first) << seed;
    caught_sampled += first;
  }
  EXPECT_GE(caught_every, 60);
  EXPECT_GT(caught_sampled, 0);
  EXPECT_LT(caught_sampled, 32);
}

TEST(FlowFuzzerTest, AFindingIsAlwaysRunTwice) {
  const conformance::Mutant* mutant = conformance::FindMutant("flip-byte");
  ASSERT_NE(mutant, nullptr);
  FlowFuzzTarget target = FlowFuzzTargetFor(
      "flip-byte",
      conformance::Mutate(conformance::SimFlowUnderTest(false), *mutant));
  target.determinism_every = 1000000;  // no sampled re-runs
  std::optional<std::string> finding;
  for (std::uint64_t seed = 1; seed <= 40 && !finding; ++seed) {
    FlowCase flow_case = Example();
    flow_case.plan = {};
    flow_case.program.seed = seed;
    finding = CheckFlowCase(target, flow_case);
  }
  ASSERT_TRUE(finding.has_value());
  EXPECT_NE(finding->find("(the second run did the same)"), std::string::npos)
      << *finding;
  EXPECT_NE(finding->find("--- run 2 ---"), std::string::npos) << *finding;
}

}  // namespace
}  // namespace flowcheck::fuzz
