#include "sim/fault_plan.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
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

}  // namespace
}  // namespace flowcheck::sim
