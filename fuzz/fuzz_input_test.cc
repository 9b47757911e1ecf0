// Tests of FuzzInput / FuzzOutput: ranges hold for any bytes, running out
// gives the minimum, and writing then reading gives the same choices.
#include "fuzz/fuzz_input.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace flowcheck::fuzz {
namespace {

TEST(FuzzInputTest, TakesOnlyTheBytesARangeNeeds) {
  const std::vector<std::uint8_t> bytes = {7, 1, 2, 3};
  FuzzInput input(bytes);
  EXPECT_EQ(input.ConsumeInt(5, 5), 5);  // one value: no byte
  EXPECT_EQ(input.ConsumeInt(0, 255), 7);
  EXPECT_EQ(input.ConsumeInt(0, 65535), 1 + 2 * 256);
  EXPECT_EQ(input.remaining(), 1u);
}

TEST(FuzzInputTest, ExhaustedInputGivesTheMinimum) {
  FuzzInput input(nullptr, 0);
  EXPECT_EQ(input.ConsumeInt(-3, 9), -3);
  EXPECT_FALSE(input.ConsumeBool());
  EXPECT_EQ(input.ConsumeBytes(10), "");
  EXPECT_TRUE(input.exhausted());
}

TEST(FuzzInputTest, StaysInRangeForEveryByte) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(byte)};
    FuzzInput input(bytes);
    const int value = input.ConsumeInt(-2, 4);
    EXPECT_GE(value, -2);
    EXPECT_LE(value, 4);
  }
}

TEST(FuzzInputTest, FullRangesOfSignedAndUnsigned) {
  const std::vector<std::uint8_t> ones(16, 0xff);
  FuzzInput input(ones);
  EXPECT_EQ(input.ConsumeInt(std::numeric_limits<std::int64_t>::min(),
                             std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(input.ConsumeInt<std::uint64_t>(0, UINT64_MAX), UINT64_MAX);
}

TEST(FuzzInputTest, BytesStopAtTheEndOfTheInput) {
  const std::vector<std::uint8_t> bytes = {5, 'a', 'b'};
  FuzzInput input(bytes);
  EXPECT_EQ(input.ConsumeBytes(9), "ab");
}

TEST(FuzzOutputTest, ReadsBackWhatItWrote) {
  FuzzOutput output;
  output.PutInt(-7, -10, 10);
  output.PutInt<std::uint32_t>(70000, 0, 1000000);
  output.PutInt(std::numeric_limits<std::int64_t>::min(),
                std::numeric_limits<std::int64_t>::min(),
                std::numeric_limits<std::int64_t>::max());
  output.PutBool(true);
  output.PutBytes("hello", 8);
  output.PutInt(3, 3, 3);
  FuzzInput input(output.bytes());
  EXPECT_EQ(input.ConsumeInt(-10, 10), -7);
  EXPECT_EQ(input.ConsumeInt<std::uint32_t>(0, 1000000), 70000u);
  EXPECT_EQ(input.ConsumeInt(std::numeric_limits<std::int64_t>::min(),
                             std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(input.ConsumeBool());
  EXPECT_EQ(input.ConsumeBytes(8), "hello");
  EXPECT_EQ(input.ConsumeInt(3, 3), 3);
  EXPECT_TRUE(input.exhausted());
}

}  // namespace
}  // namespace flowcheck::fuzz
