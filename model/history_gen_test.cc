// The byte pattern: PatternBytes is PatternByte a range at a time, across
// 256-byte runs and 32 KiB periods, for both sides and any seed.
#include "model/history_gen.h"

#include <gtest/gtest.h>

namespace flowcheck {
namespace {

TEST(PatternBytes, IsPatternByteOverARange) {
  for (std::uint64_t seed : {0u, 1u, 96u, 97u, 12345u}) {
    for (Side side : {Side::kA, Side::kB}) {
      for (std::uint64_t offset :
           {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255},
            std::uint64_t{256}, kGeneratedUniquePairsBytes - 3,
            3 * kGeneratedUniquePairsBytes + 200}) {
        const std::string bytes = PatternBytes(seed, side, offset, 70000);
        ASSERT_EQ(bytes.size(), 70000u);
        for (std::size_t i = 0; i < bytes.size(); ++i) {
          ASSERT_EQ(bytes[i], PatternByte(seed, side, offset + i))
              << "seed " << seed << " offset " << offset << " + " << i;
        }
      }
    }
  }
  EXPECT_EQ(PatternBytes(1, Side::kA, 5, 0), "");
}

TEST(PatternBytes, NeighbouringPairsDoNotRepeatWithinAPeriod) {
  const std::string bytes =
      PatternBytes(7, Side::kB, 0, kGeneratedUniquePairsBytes);
  std::vector<bool> seen(65536, false);
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    const int pair = static_cast<unsigned char>(bytes[i]) * 256 +
                     static_cast<unsigned char>(bytes[i + 1]);
    ASSERT_FALSE(seen[pair]) << "pair at " << i << " repeats";
    seen[pair] = true;
  }
}

}  // namespace
}  // namespace flowcheck
