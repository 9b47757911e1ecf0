// Tests of `flowcheck replay`'s parts that need no flow: reading a replay
// line as /bin/sh would, and refusing what is not a replay.
#include "tools/replay_command.h"

#include <gtest/gtest.h>

#include <sstream>

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

int Replay(std::vector<std::string_view> args, std::string& err) {
  std::ostringstream out;
  std::ostringstream error;
  const int status = RunReplay(args, out, error);
  err = error.str();
  return status;
}

TEST(RunReplayTest, RefusesWhatIsNotAReplay) {
  std::string err;
  EXPECT_EQ(Replay({}, err), 2);
  EXPECT_NE(err.find("nothing to replay"), std::string::npos) << err;
  EXPECT_EQ(
      Replay({"FLOWCHECK_SEED=1 bazel test //x:y --test_filter=*R1"}, err), 2);
  EXPECT_NE(err.find("not a replay line of 'flowcheck certify'"),
            std::string::npos)
      << err;
  EXPECT_EQ(Replay({"certify --flow=sim --only=programs --mutants"}, err), 2);
  EXPECT_NE(err.find("--mutants is not for a replay"), std::string::npos)
      << err;
  EXPECT_EQ(Replay({"certify --flow=nosuchflow"}, err), 2);
  EXPECT_NE(err.find("unknown flow 'nosuchflow'"), std::string::npos) << err;
  EXPECT_EQ(Replay({"certify --flow=sim --only='programs"}, err), 2);
  EXPECT_NE(err.find("unterminated ' quote"), std::string::npos) << err;
  EXPECT_EQ(Replay({"certify --flow=sim", "--case=2"}, err), 2);
  EXPECT_EQ(Replay({"/nonexistent/cert.json", "--case=1"}, err), 2);
  EXPECT_NE(err.find("cannot read '/nonexistent/cert.json'"), std::string::npos)
      << err;
  EXPECT_EQ(Replay({"/nonexistent/cert.json", "--case=0"}, err), 2);
  EXPECT_NE(err.find("--case takes a case number"), std::string::npos) << err;
}

}  // namespace
}  // namespace flowcheck::tools
