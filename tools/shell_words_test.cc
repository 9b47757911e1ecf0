// Tests of quoting and splitting replay lines as /bin/sh does.
#include "tools/shell_words.h"

#include <gtest/gtest.h>

namespace flowcheck::tools {
namespace {

std::vector<std::string> Words(std::string_view line) {
  auto split = ShellSplit(line);
  EXPECT_TRUE(std::holds_alternative<std::vector<std::string>>(split))
      << std::get<std::string>(split);
  return std::get<std::vector<std::string>>(split);
}

TEST(ShellSplitTest, SplitsLikeTheShell) {
  EXPECT_EQ(Words("bazel run //tools:flowcheck -- certify --flow=sim"),
            (std::vector<std::string>{"bazel", "run", "//tools:flowcheck", "--",
                                      "certify", "--flow=sim"}));
  EXPECT_EQ(Words("  a\t b  "), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(
      Words("--plan='latency=1ms; reset a>b after=4KiB'"),
      (std::vector<std::string>{"--plan=latency=1ms; reset a>b after=4KiB"}));
  // A quote inside single quotes, as certify writes it: '\''.
  EXPECT_EQ(Words("--driver='python3 -c '\\''print(1)'\\'''"),
            (std::vector<std::string>{"--driver=python3 -c 'print(1)'"}));
  EXPECT_EQ(Words("\"a \\\"b\\\" $\" c\\ d ''"),
            (std::vector<std::string>{"a \"b\" $", "c d", ""}));
}

TEST(ShellSplitTest, SaysWhatIsWrong) {
  auto unterminated = ShellSplit("--plan='latency=1ms");
  ASSERT_TRUE(std::holds_alternative<std::string>(unterminated));
  EXPECT_EQ(std::get<std::string>(unterminated),
            "unterminated ' quote at character 8");
  auto double_quote = ShellSplit("a \"b");
  ASSERT_TRUE(std::holds_alternative<std::string>(double_quote));
  EXPECT_EQ(std::get<std::string>(double_quote),
            "unterminated \" quote at character 3");
  EXPECT_TRUE(std::holds_alternative<std::string>(ShellSplit("a\\")));
}

TEST(ShellSplitTest, JoinsContinuedLinesAndRefusesOperators) {
  EXPECT_EQ(Words("a\\\nb c"), (std::vector<std::string>{"ab", "c"}));
  for (const char* line :
       {"a; b", "a | b", "a && b", "a > f", "a # c", "$(x)", "`x`"}) {
    auto split = ShellSplit(line);
    ASSERT_TRUE(std::holds_alternative<std::string>(split)) << line;
    EXPECT_NE(std::get<std::string>(split).find("unquoted"), std::string::npos)
        << line;
  }
  EXPECT_EQ(Words("'a; b' \"$x\\$\""),
            (std::vector<std::string>{"a; b", "$x$"}));
}

// Whatever a word holds, quoting it and splitting it back gives it again:
// what makes a replay line with a --plan, --driver or a path read back.
TEST(ShellQuoteTest, RoundTripsThroughShellSplit) {
  const std::vector<std::string> words = {
      "",
      "plain",
      "with space",
      "it's",
      "a'b'c''",
      "back\\slash",
      "new\nline",
      "tab\there",
      "dollar $HOME `cmd` \"quoted\" ; | & < > ( ) #",
      "latency=1ms..5ms split=1..64; reset a>b after=4KiB",
      std::string("\x01\x7f\xff", 3)};
  for (const std::string& word : words) {
    const auto split = ShellSplit(ShellQuote(word));
    ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(split))
        << ShellQuote(word) << ": " << std::get<std::string>(split);
    EXPECT_EQ(std::get<std::vector<std::string>>(split),
              std::vector<std::string>{word})
        << ShellQuote(word);
  }
}

}  // namespace
}  // namespace flowcheck::tools
