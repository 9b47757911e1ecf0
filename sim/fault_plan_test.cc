#include "sim/fault_plan.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace flowcheck::sim {
namespace {

// How many enumerators FaultKind has. The switch has no default, so the
// compiler (-Wswitch, an error here) names a new enumerator missing from
// it; once it is listed, the static_assert below asks for its row.
constexpr std::size_t CountFaultKindEnumerators() {
  std::size_t count = 0;
  for (int value = 0; value < 256; ++value) {
    switch (static_cast<FaultKind>(value)) {
      case FaultKind::kReset:
      case FaultKind::kReadError:
      case FaultKind::kWriteError:
      case FaultKind::kStall:
      case FaultKind::kPartition:
      case FaultKind::kLoseClose:
      case FaultKind::kSlowClose:
      case FaultKind::kCut:
      case FaultKind::kCorrupt:
      case FaultKind::kDuplicate:
      case FaultKind::kReorder:
      case FaultKind::kTruncate:
        ++count;
        break;
    }
  }
  return count;
}

constexpr bool RowsAreTheEnumeratorsInOrder() {
  if (kFaultKinds.size() != CountFaultKindEnumerators()) return false;
  for (std::size_t i = 0; i < kFaultKinds.size(); ++i) {
    if (kFaultKinds[i].kind != static_cast<FaultKind>(i)) return false;
  }
  return true;
}
static_assert(RowsAreTheEnumeratorsInOrder(),
              "kFaultKinds needs exactly one row per FaultKind, in order");

TEST(FaultKindsTest, InfoFindsEachRowAndNamesAreUnique) {
  for (const FaultKindInfo& info : kFaultKinds) {
    EXPECT_EQ(&Info(info.kind), &info);
    EXPECT_EQ(FaultKindName(info.kind), info.name);
    EXPECT_EQ(BreaksContract(info.kind), info.breaks_contract);
    EXPECT_EQ(KeepsContract(info.kind), info.keeps_contract);
    EXPECT_FALSE(info.summary.empty()) << info.name;
    for (const FaultKindInfo& other : kFaultKinds) {
      if (&other != &info) {
        EXPECT_NE(other.name, info.name);
      }
    }
  }
}

TEST(FaultKindsTest, AKindOutsideTheTableHasNoNameAndNoClass) {
  const auto unnamed = static_cast<FaultKind>(kFaultKinds.size());
  EXPECT_FALSE(IsNamedKind(unnamed));
  EXPECT_FALSE(IsNamedKind(static_cast<FaultKind>(-1)));
  EXPECT_EQ(FaultKindName(unnamed), "?");
  EXPECT_FALSE(BreaksContract(unnamed));
  EXPECT_FALSE(KeepsContract(unnamed));
}

TEST(FaultKindsDeathTest, InfoOfAnUnnamedKindAborts) {
  EXPECT_DEATH(Info(static_cast<FaultKind>(kFaultKinds.size())), "no name");
}

// The rows of the table of kinds in docs/fault-plans.md, cells trimmed.
std::vector<std::vector<std::string>> DocumentedKinds() {
  std::ifstream file("docs/fault-plans.md");
  EXPECT_TRUE(file) << "docs/fault-plans.md is not in the test's runfiles";
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(file, line)) {
    if (line == "| kind | contract | `for=DUR` | what happens |") {
      in_table = true;
      std::getline(file, line);  // |---|---|...
      continue;
    }
    if (!in_table) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells;
    std::stringstream stream(line.substr(1));
    std::string cell;
    while (std::getline(stream, cell, '|')) {
      const std::size_t begin = cell.find_first_not_of(' ');
      const std::size_t end = cell.find_last_not_of(' ');
      cells.push_back(begin == std::string::npos
                          ? ""
                          : cell.substr(begin, end - begin + 1));
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST(FaultKindsTest, DocsTableOfKindsIsTheCodeTable) {
  const std::vector<std::vector<std::string>> rows = DocumentedKinds();
  ASSERT_EQ(rows.size(), kFaultKinds.size())
      << "docs/fault-plans.md lists another number of fault kinds";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const FaultKindInfo& info = kFaultKinds[i];
    const std::string contract = info.breaks_contract  ? "**BREAKS**"
                                 : info.keeps_contract ? "keeps"
                                                       : "relaxes";
    const std::vector<std::string> expected = {
        "`" + std::string(info.name) + "`", contract,
        info.needs_duration ? "required" : "", std::string(info.summary)};
    EXPECT_EQ(rows[i], expected) << "row " << i + 1 << " of the table";
  }
}

TEST(FaultKindsTest, SwarmDrawsNetworkFaultsOrOnlyTimingOnes) {
  Random random(7);
  bool drew_relaxing = false;
  for (int i = 0; i < 500; ++i) {
    for (const FaultRule& rule : SwarmPlan(random, false).faults) {
      EXPECT_TRUE(Info(rule.kind).network_fault) << Info(rule.kind).name;
      drew_relaxing = drew_relaxing || !KeepsContract(rule.kind);
    }
    for (const FaultRule& rule : SwarmPlan(random, true).faults) {
      EXPECT_TRUE(KeepsContract(rule.kind)) << Info(rule.kind).name;
    }
  }
  EXPECT_TRUE(drew_relaxing);
}

// A plan with any values, valid or not: negative durations, rates above
// 100%, fields the shape or trigger does not use, enums out of range.
FaultPlan AnyPlan(Random& random) {
  const auto any_ns = [&random] {
    return static_cast<std::int64_t>(random.Uniform(21)) - 10;
  };
  const auto any_link = [&] {
    LinkOptions link;
    link.latency_shape = static_cast<LatencyShape>(random.Uniform(4));
    link.latency_ns_min = any_ns();
    link.latency_ns_max = any_ns();
    link.latency_ns_mean = any_ns();
    link.tail_per_million = static_cast<std::uint32_t>(
        random.Chance(1, 2) ? random.Uniform(3) : 999999 + random.Uniform(3));
    link.tail_latency_ns = any_ns();
    link.segment_bytes_min = random.Uniform(4);
    link.segment_bytes_max = random.Uniform(4);
    link.close_delay_ns = any_ns();
    return link;
  };
  FaultPlan plan;
  plan.a_to_b = any_link();
  plan.b_to_a = any_link();
  const std::uint64_t faults = random.Uniform(4);
  for (std::uint64_t i = 0; i < faults; ++i) {
    FaultRule rule;
    rule.kind = static_cast<FaultKind>(random.Uniform(kFaultKinds.size() + 1));
    rule.direction = static_cast<Direction>(random.Uniform(3));
    rule.trigger.type = static_cast<FaultTrigger::Type>(random.Uniform(4));
    rule.trigger.at_ns = any_ns();
    rule.trigger.after_bytes = random.Uniform(3);
    rule.trigger.per_million =
        static_cast<std::uint32_t>(999999 + random.Uniform(3));
    rule.duration_ns = any_ns();
    plan.faults.push_back(rule);
  }
  return plan;
}

TEST(ClampToValidTest, EveryPlanComesOutValid) {
  Random random(11);
  int invalid = 0;
  for (int i = 0; i < 20000; ++i) {
    const FaultPlan plan = AnyPlan(random);
    if (ValidateFaultPlan(plan).has_value()) ++invalid;
    const FaultPlan clamped = ClampToValid(plan);
    const std::optional<std::string> problem = ValidateFaultPlan(clamped);
    ASSERT_FALSE(problem.has_value())
        << *problem << "\nfrom " << DebugFields(plan);
    EXPECT_EQ(ClampToValid(clamped), clamped);
  }
  EXPECT_GT(invalid, 10000);  // the generator mostly makes invalid plans
}

TEST(ClampToValidTest, ValidPlansComeBackUnchanged) {
  Random random(12);
  for (int i = 0; i < 2000; ++i) {
    const FaultPlan plan = SwarmPlan(random, i % 2 == 0);
    ASSERT_FALSE(ValidateFaultPlan(plan).has_value());
    EXPECT_EQ(ClampToValid(plan), plan) << DebugFields(plan);
  }
}

// What MakeConnection clamped before it used the validator, it still
// clamps to the same values.
TEST(ClampToValidTest, ClampsToTheNearestValidValue) {
  FaultPlan plan;
  plan.a_to_b.latency_shape = LatencyShape::kUniform;
  plan.a_to_b.latency_ns_min = -5;
  plan.a_to_b.latency_ns_max = -9;
  plan.a_to_b.segment_bytes_max = 5;
  plan.b_to_a.latency_shape = LatencyShape::kUniform;
  plan.b_to_a.latency_ns_min = 7;
  plan.b_to_a.latency_ns_max = 3;
  plan.b_to_a.segment_bytes_min = 6;
  plan.b_to_a.segment_bytes_max = 5;
  plan.faults.push_back(FaultRule{.kind = FaultKind::kReset,
                                  .trigger = {.at_ns = -1, .after_bytes = 3},
                                  .duration_ns = 4});
  plan.faults.push_back(FaultRule{.kind = static_cast<FaultKind>(99)});
  const FaultPlan clamped = ClampToValid(plan);
  EXPECT_EQ(clamped.a_to_b.latency_ns_min, 0);
  EXPECT_EQ(clamped.a_to_b.latency_ns_max, 0);
  EXPECT_EQ(clamped.a_to_b.segment_bytes_min, 1u);
  EXPECT_EQ(clamped.a_to_b.segment_bytes_max, 5u);
  EXPECT_EQ(clamped.b_to_a.latency_ns_min, 7);
  EXPECT_EQ(clamped.b_to_a.latency_ns_max, 7);
  EXPECT_EQ(clamped.b_to_a.segment_bytes_min, 6u);
  EXPECT_EQ(clamped.b_to_a.segment_bytes_max, 6u);
  ASSERT_EQ(clamped.faults.size(), 1u);  // kind 99 has no valid form
  EXPECT_EQ(clamped.faults[0].trigger.at_ns, 0);
  EXPECT_EQ(clamped.faults[0].trigger.after_bytes, 0u);
  EXPECT_EQ(clamped.faults[0].duration_ns, 0);
}

}  // namespace
}  // namespace flowcheck::sim
