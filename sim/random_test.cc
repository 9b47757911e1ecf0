#include "sim/random.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace flowcheck::sim {
namespace {

TEST(RandomTest, SameSeedSameStream) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, GoldenValuesPinTheAlgorithm) {
  // If these change, every recorded seed replays differently: that is a
  // breaking change and must be called out as one.
  Random random(1);
  std::vector<std::uint64_t> first;
  for (int i = 0; i < 3; ++i) first.push_back(random.Next());
  Random again(1);
  EXPECT_EQ(first[0], again.Next());
  EXPECT_EQ(Random(1).Uniform(1000), Random(1).Uniform(1000));
  EXPECT_EQ(first, (std::vector<std::uint64_t>{12966619160104079557ULL,
                                               9600361134598540522ULL,
                                               10590380919521690900ULL}));
}

TEST(RandomTest, UniformStaysInBoundsAndCoversThem) {
  Random random(7);
  std::vector<int> seen(10, 0);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t value = random.Uniform(10);
    ASSERT_LT(value, 10u);
    ++seen[value];
  }
  for (int count : seen) EXPECT_GT(count, 800);
  EXPECT_EQ(random.Uniform(0), 0u);
  EXPECT_EQ(random.Uniform(1), 0u);
}

TEST(RandomTest, BetweenIsInclusive) {
  Random random(3);
  bool low = false, high = false;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t value = random.Between(5, 7);
    ASSERT_GE(value, 5u);
    ASSERT_LE(value, 7u);
    low |= value == 5;
    high |= value == 7;
  }
  EXPECT_TRUE(low && high);
}

TEST(RandomTest, ChanceExtremesAreExact) {
  Random random(9);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(random.Chance(0, 10));
    EXPECT_TRUE(random.Chance(10, 10));
  }
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += random.Chance(1, 4);
  EXPECT_GT(hits, 2200);
  EXPECT_LT(hits, 2800);
}

TEST(RandomTest, ExponentialHasRoughlyItsMeanAndACap) {
  Random random(11);
  std::uint64_t total = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t draw = random.Exponential(1000);
    ASSERT_LE(draw, 64000u);
    total += draw;
  }
  const double mean = static_cast<double>(total) / 20000;
  EXPECT_GT(mean, 950);
  EXPECT_LT(mean, 1050);
  EXPECT_EQ(random.Exponential(0), 0u);
}

TEST(RandomTest, ForksAreIndependentStreams) {
  Random parent(5);
  Random child = parent.Fork();
  EXPECT_NE(child.Next(), parent.Next());
}

}  // namespace
}  // namespace flowcheck::sim
