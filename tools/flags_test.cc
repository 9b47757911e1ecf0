#include "tools/flags.h"

#include <gtest/gtest.h>

namespace flowcheck::tools {
namespace {

constexpr FlagSpec kSpecs[] = {
    {"--flow", true}, {"--output", true}, {"--quiet", false}, {"-h", false}};

// The flags of `args` as "name=value" strings, or the error.
std::vector<std::string> Parse(std::vector<std::string_view> args) {
  const auto parsed = ParseFlags(args, kSpecs);
  if (const std::string* error = std::get_if<std::string>(&parsed)) {
    return {"error: " + *error};
  }
  std::vector<std::string> flags;
  for (const Flag& flag : std::get<std::vector<Flag>>(parsed)) {
    flags.push_back(std::string(flag.name) + "=" + flag.value);
  }
  return flags;
}

using Strings = std::vector<std::string>;

TEST(FlagsTest, ValuesFollowAnEqualsSignOrComeNext) {
  EXPECT_EQ(Parse({"--flow=sim", "--quiet", "--output", "x.json", "-h"}),
            (Strings{"--flow=sim", "--quiet=", "--output=x.json", "-h="}));
  EXPECT_EQ(Parse({"--flow", "sim"}), Strings{"--flow=sim"});
  EXPECT_EQ(Parse({"--output=-"}), Strings{"--output=-"});
  EXPECT_EQ(Parse({"--output", "-"}), Strings{"--output=-"});
  EXPECT_EQ(Parse({"--flow=a=b"}), Strings{"--flow=a=b"});
}

TEST(FlagsTest, MissingAndEmptyValuesNameTheFlag) {
  EXPECT_EQ(Parse({"--flow="}),
            Strings{"error: --flow needs a value, and '--flow=' gives an "
                    "empty one"});
  EXPECT_EQ(Parse({"--flow", ""}),
            Strings{"error: --flow needs a value, and '--flow ' gives an "
                    "empty one"});
  EXPECT_EQ(Parse({"--flow"}),
            Strings{"error: --flow needs a value (--flow=VALUE or --flow "
                    "VALUE)"});
  EXPECT_EQ(Parse({"--flow", "--quiet"}),
            Strings{"error: --flow needs a value (--flow=VALUE or --flow "
                    "VALUE)"});
}

TEST(FlagsTest, UnknownFlagsAndStrayArguments) {
  EXPECT_EQ(Parse({"--flwo=sim"}),
            Strings{"error: unknown flag '--flwo=sim' (did you mean --flow?)"});
  EXPECT_EQ(Parse({"--frobnicate"}),
            Strings{"error: unknown flag '--frobnicate'"});
  EXPECT_EQ(Parse({"sim"}),
            Strings{"error: unexpected argument 'sim' (flags start with --)"});
  EXPECT_EQ(Parse({"--quiet=yes"}),
            Strings{"error: --quiet takes no value, not 'yes'"});
}

TEST(FlagsTest, WholeNumbers) {
  std::uint64_t value = 7;
  EXPECT_TRUE(ParseWholeNumber("18446744073709551615", UINT64_MAX, value));
  EXPECT_EQ(value, UINT64_MAX);
  EXPECT_TRUE(ParseWholeNumber("0", 5, value));
  EXPECT_EQ(value, 0u);
  EXPECT_TRUE(ParseWholeNumber("5", 5, value));
  EXPECT_EQ(value, 5u);
  value = 7;
  EXPECT_FALSE(ParseWholeNumber("18446744073709551616", UINT64_MAX, value));
  EXPECT_FALSE(ParseWholeNumber("6", 5, value));
  EXPECT_FALSE(ParseWholeNumber("9", 5, value));
  EXPECT_FALSE(ParseWholeNumber("", 5, value));
  EXPECT_FALSE(ParseWholeNumber("-1", 5, value));
  EXPECT_FALSE(ParseWholeNumber("1e3", 5000, value));
  EXPECT_EQ(value, 7u);
}

}  // namespace
}  // namespace flowcheck::tools
