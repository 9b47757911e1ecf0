#include "tools/demo.h"

#include <gtest/gtest.h>

#include <sstream>

namespace flowcheck {
namespace {

TEST(DemoTest, CatchesEveryCorruptionForSeveralSeeds) {
  for (std::uint64_t seed : {1u, 2u, 3u, 42u, 1000u}) {
    std::ostringstream out;
    EXPECT_EQ(RunDemo(seed, /*verbose=*/false, out), 0) << out.str();
    EXPECT_NE(out.str().find("all MUST clauses hold"), std::string::npos);
    EXPECT_EQ(out.str().find("MISSED"), std::string::npos) << out.str();
  }
}

TEST(DemoTest, SameSeedSameOutput) {
  std::ostringstream first, second;
  RunDemo(7, true, first);
  RunDemo(7, true, second);
  EXPECT_EQ(first.str(), second.str());
}

}  // namespace
}  // namespace flowcheck
