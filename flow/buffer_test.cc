#include "flow/buffer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "flow/stringify_for_test.h"

namespace flowcheck {
namespace {

TEST(BufferTest, EmptyByDefault) {
  Buffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.view(), "");
  EXPECT_NE(buffer.data(), nullptr);
}

TEST(BufferTest, CopyHoldsTheBytes) {
  std::string source = "hello";
  Buffer buffer = Buffer::Copy(source);
  source[0] = 'j';
  EXPECT_EQ(buffer.view(), "hello");
  EXPECT_EQ(buffer[1], 'e');
}

TEST(BufferTest, FromBytesKeepsZeroBytes) {
  const std::vector<std::uint8_t> bytes = {0, 1, 0, 255};
  Buffer buffer = Buffer::FromBytes(bytes);
  ASSERT_EQ(buffer.size(), 4u);
  EXPECT_EQ(buffer[0], 0);
  EXPECT_EQ(buffer[3], 255);
}

TEST(BufferTest, CopiesAndSlicesShareStorage) {
  Buffer whole = Buffer::FromString("0123456789");
  Buffer copy = whole;
  Buffer middle = whole.slice(2, 5);
  Buffer tail = whole.slice(7);
  EXPECT_TRUE(copy.SharesStorageWith(whole));
  EXPECT_TRUE(middle.SharesStorageWith(whole));
  EXPECT_EQ(middle.view(), "23456");
  EXPECT_EQ(tail.view(), "789");
  EXPECT_EQ(middle.data(), whole.data() + 2);
  EXPECT_EQ(middle.slice(1, 2).view(), "34");
}

TEST(BufferTest, JoinAdjacentMergesNeighboursWithoutCopying) {
  Buffer whole = Buffer::FromString("0123456789");
  auto joined = whole.slice(2, 3).JoinAdjacent(whole.slice(5, 2));
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->view(), "23456");
  EXPECT_TRUE(joined->SharesStorageWith(whole));
  EXPECT_FALSE(whole.slice(2, 3).JoinAdjacent(whole.slice(6, 2)).has_value());
  EXPECT_FALSE(whole.slice(0, 1).JoinAdjacent(Buffer::Copy("1")).has_value());
  EXPECT_EQ(Buffer().JoinAdjacent(whole.slice(1, 1))->view(), "1");
  EXPECT_EQ(whole.slice(1, 1).JoinAdjacent(Buffer())->view(), "1");
}

TEST(BufferTest, SliceOfNothingIsEmpty) {
  Buffer whole = Buffer::FromString("abc");
  EXPECT_TRUE(whole.slice(3).empty());
  EXPECT_TRUE(whole.slice(1, 0).empty());
}

TEST(BufferDeathTest, SlicePastTheEndAborts) {
  Buffer whole = Buffer::FromString("abc");
  EXPECT_DEATH((void)whole.slice(2, 2), "outside the buffer");
  EXPECT_DEATH((void)whole.slice(4), "past the end");
  EXPECT_DEATH((void)whole[3], "out of range");
}

TEST(BufferTest, OutlivesTheOriginal) {
  Buffer slice;
  {
    Buffer whole = Buffer::FromString(std::string(1000, 'x'));
    slice = whole.slice(10, 3);
  }
  EXPECT_EQ(slice.view(), "xxx");
}

TEST(BufferTest, AdoptSharesMutableStorage) {
  auto storage = std::make_shared<std::string>("abcdef");
  Buffer view = Buffer::Adopt(storage, 1, 3);
  EXPECT_EQ(view.view(), "bcd");
  (*storage)[1] = 'X';  // what R3 / W4 forbid: the view sees the change
  EXPECT_EQ(view.view(), "Xcd");
}

TEST(BufferDeathTest, AdoptOutsideStorageAborts) {
  auto storage = std::make_shared<const std::string>("abc");
  EXPECT_DEATH((void)Buffer::Adopt(storage, 2, 2), "outside the storage");
}

TEST(BufferTest, ComparesBytes) {
  EXPECT_EQ(Buffer::Copy("abc"), Buffer::FromString("xabcx").slice(1, 3));
  EXPECT_FALSE(Buffer::Copy("abc") == Buffer::Copy("abd"));
  EXPECT_EQ(Buffer(), Buffer::Copy(""));
}

TEST(BufferTest, PreviewEscapesAndCuts) {
  EXPECT_EQ(Buffer::Copy(std::string("hi\0\"!", 5)).Preview(),
            "5 bytes \"hi\\x00\\\"!\"");
  EXPECT_EQ(Buffer::Copy("x").Preview(), "1 byte \"x\"");
  EXPECT_EQ(Buffer::Copy("abcdef").Preview(3), "6 bytes \"abc\"...");
  EXPECT_EQ(Buffer::Copy("hi!").HexPreview(), "68 69 21");
  EXPECT_EQ(Buffer::Copy("hi!").HexPreview(2), "68 69 ...");
}

TEST(BufferTest, PrintsThroughStreamsAndAbsl) {
  Buffer buffer = Buffer::Copy("ok");
  std::ostringstream out;
  out << buffer;
  EXPECT_EQ(out.str(), "2 bytes \"ok\"");
  EXPECT_EQ(testing::Stringify(buffer), "2 bytes \"ok\"");
}

TEST(BufferTest, ConcatJoinsInOrder) {
  std::vector<Buffer> parts = {Buffer::Copy("ab"), Buffer(), Buffer::Copy("c")};
  EXPECT_EQ(TotalSize(parts), 3u);
  EXPECT_EQ(Concat(parts).view(), "abc");
  EXPECT_TRUE(Concat(std::vector<Buffer>{}).empty());
}

}  // namespace
}  // namespace flowcheck
