#include "flow/result.h"

#include <gtest/gtest.h>

#include <sstream>

#include "flow/stringify_for_test.h"

namespace flowcheck {
namespace {

TEST(ErrorTest, PrintsCodeAndDescription) {
  Error error(ErrorCode::kConnectionReset, "recv: Connection reset by peer");
  EXPECT_EQ(error.ToString(),
            "connection reset: recv: Connection reset by peer");
  EXPECT_EQ(testing::Stringify(error), error.ToString());
  std::ostringstream out;
  out << error;
  EXPECT_EQ(out.str(), error.ToString());
}

TEST(ErrorTest, SaysWhenTheDescriptionIsMissing) {
  EXPECT_EQ(Error(ErrorCode::kIo, "").ToString(),
            "I/O error (no description given)");
}

TEST(ReadResultTest, EachCaseIsItsOwn) {
  ReadResult data = ReadResult::Data(Buffer::Copy("abc"));
  ASSERT_TRUE(data.is_data());
  EXPECT_FALSE(data.is_eof());
  EXPECT_EQ(data.data().view(), "abc");
  EXPECT_EQ(data.ToString(), "Data 3 bytes \"abc\"");

  ReadResult eof = ReadResult::Eof();
  EXPECT_TRUE(eof.is_eof());
  EXPECT_EQ(eof.kind(), ReadResult::Kind::kEof);
  EXPECT_EQ(testing::Stringify(eof), "Eof");

  ReadResult failed =
      ReadResult::Failure(Error(ErrorCode::kTimedOut, "no answer in 5 s"));
  ASSERT_TRUE(failed.is_error());
  EXPECT_EQ(failed.error().code(), ErrorCode::kTimedOut);
  EXPECT_EQ(failed.ToString(), "Error timed out: no answer in 5 s");
}

TEST(ReadResultDeathTest, WrongAccessorAborts) {
  EXPECT_DEATH((void)ReadResult::Eof().data(), "not Data");
  EXPECT_DEATH((void)ReadResult::Eof().error(), "not an Error");
}

TEST(WriteResultTest, ClosedIsItsOwnCase) {
  EXPECT_TRUE(WriteResult::Ok().is_ok());
  WriteResult closed = WriteResult::Closed();
  EXPECT_TRUE(closed.is_closed());
  EXPECT_FALSE(closed.is_error());
  EXPECT_EQ(closed.kind(), WriteResult::Kind::kClosed);
  EXPECT_EQ(closed.ToString(), "Closed");

  WriteResult failed =
      WriteResult::Failure(Error(ErrorCode::kBrokenPipe, "send: EPIPE"));
  EXPECT_EQ(failed.error().code(), ErrorCode::kBrokenPipe);
  EXPECT_EQ(testing::Stringify(failed), "Error broken pipe: send: EPIPE");
}

TEST(WriteResultDeathTest, ErrorOfOkAborts) {
  EXPECT_DEATH((void)WriteResult::Ok().error(), "not an Error");
}

}  // namespace
}  // namespace flowcheck
