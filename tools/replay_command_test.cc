// Tests of `flowcheck replay`'s parts that need no flow: reading a replay
// line as /bin/sh would, and refusing what is not a replay.
#include "tools/replay_command.h"

#include <gtest/gtest.h>

#include <sstream>

namespace flowcheck::tools {
namespace {

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
