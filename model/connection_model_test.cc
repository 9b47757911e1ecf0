#include "model/connection_model.h"

#include <gtest/gtest.h>

namespace flowcheck {
namespace {

constexpr Side A = Side::kA;
constexpr Side B = Side::kB;

TEST(ConnectionModelTest, ReadPendsUntilSomethingIsReadable) {
  ConnectionModel model;
  EXPECT_TRUE(model.ReadMustPend(B));  // R1
  EXPECT_EQ(model.Write(A, "hello"), WriteResult::Kind::kOk);
  EXPECT_EQ(model.Readable(B), 5u);
  EXPECT_EQ(model.Readable(A), 0u);
  EXPECT_EQ(model.Deliver(B, 2), "he");  // any split is legal
  EXPECT_EQ(model.Deliver(B, 3), "llo");
  EXPECT_TRUE(model.ReadMustPend(B));
}

TEST(ConnectionModelTest, EofOnlyAfterCloseAndDrain) {
  ConnectionModel model;
  model.Write(A, "abc");
  model.Close(A);
  EXPECT_FALSE(model.EofReadable(B));  // R5: data first
  EXPECT_EQ(model.Deliver(B, 3), "abc");
  EXPECT_TRUE(model.EofReadable(B));  // C2
  model.DeliverEof(B);
  EXPECT_TRUE(model.saw_eof(B));
  EXPECT_TRUE(model.EofReadable(B));  // R7
}

TEST(ConnectionModelTest, WriteAfterCloseIsClosed) {
  ConnectionModel model;
  model.Close(A);
  EXPECT_EQ(model.Write(A, "late"), WriteResult::Kind::kClosed);  // W2
  EXPECT_EQ(model.Readable(B), 0u);
}

TEST(ConnectionModelTest, HalfCloseKeepsTheOtherDirection) {
  ConnectionModel model;
  model.Close(A);
  EXPECT_EQ(model.Write(B, "reply"), WriteResult::Kind::kOk);  // C3
  EXPECT_EQ(model.Readable(A), 5u);
  EXPECT_FALSE(model.EofReadable(A));
}

TEST(ConnectionModelTest, CloseReturnsOnceThePeerClosed) {
  ConnectionModel model;
  model.Close(A);
  EXPECT_FALSE(model.CloseMayReturn(A));  // C4
  model.Close(B);
  EXPECT_TRUE(model.CloseMayReturn(A));  // C5
  EXPECT_TRUE(model.CloseMayReturn(B));
}

TEST(ConnectionModelDeathTest, IllegalDeliveriesAbort) {
  ConnectionModel model;
  model.Write(A, "ab");
  EXPECT_DEATH(model.Deliver(B, 0), "illegal byte count");
  EXPECT_DEATH(model.Deliver(B, 3), "illegal byte count");
  EXPECT_DEATH(model.DeliverEof(B), "too early");
}

}  // namespace
}  // namespace flowcheck
