// sim/ring_test.cc: Ring<T> (sim/internal/ring.h) against std::deque, the
// container it replaced, over a long seeded sequence of the operations the
// scheduler and wait lists use -- wrap-around, growth while wrapped, erase
// from the middle, clear and reuse.
#include "sim/internal/ring.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>

#include "sim/random.h"

namespace flowcheck::sim::internal {
namespace {

template <typename R>
void ExpectSame(R& ring, const std::deque<int>& deque) {
  ASSERT_EQ(ring.size(), deque.size());
  ASSERT_EQ(ring.empty(), deque.empty());
  for (std::size_t i = 0; i < deque.size(); ++i) {
    ASSERT_EQ(ring[i], deque[i]) << "at index " << i;
  }
}

TEST(Ring, FifoOrderAcrossWrapAroundAndGrowth) {
  Ring<int> ring;
  // Fill to 6, then turn over 20 times (wraps the 8-slot array), then grow
  // while wrapped.
  int next = 0;
  int expected_front = 0;
  for (int i = 0; i < 6; ++i) ring.push_back(next++);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(ring.front(), expected_front++);
    ring.pop_front();
    ring.push_back(next++);
  }
  for (int i = 0; i < 30; ++i) ring.push_back(next++);
  ASSERT_EQ(ring.size(), 36u);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    EXPECT_EQ(ring[i], expected_front + static_cast<int>(i));
  }
  EXPECT_EQ(ring.back(), next - 1);
}

// With and without entries in place (the links' queues keep four).
template <typename R>
void MatchDequeOverSeededOperations() {
  R ring;
  std::deque<int> deque;
  Random random(20261202);
  int next = 0;
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t op = random.Uniform(10);
    if (op < 4 || deque.empty()) {
      ring.push_back(next);
      deque.push_back(next);
      ++next;
    } else if (op < 6) {
      ring.pop_front();
      deque.pop_front();
    } else if (op < 7) {
      ring.pop_back();
      deque.pop_back();
    } else if (op < 8) {
      const std::size_t index =
          static_cast<std::size_t>(random.Uniform(deque.size()));
      ring.erase(index);
      deque.erase(deque.begin() + static_cast<std::ptrdiff_t>(index));
    } else if (op < 9) {
      const std::size_t index =
          static_cast<std::size_t>(random.Uniform(deque.size()));
      ring[index] = -next;
      deque[index] = -next;
    } else if (random.Uniform(50) == 0) {
      ring.clear();
      deque.clear();
    }
    ExpectSame(ring, deque);
    if (::testing::Test::HasFatalFailure()) {
      FAIL() << "after step " << step;
    }
  }
}

TEST(Ring, MatchesDequeOverSeededOperations) {
  MatchDequeOverSeededOperations<Ring<int>>();
}

TEST(Ring, WithEntriesInPlaceMatchesDequeOverSeededOperations) {
  MatchDequeOverSeededOperations<Ring<int, 4>>();
}

// The links queue Buffers in Rings: an entry that leaves must let go of
// what it held then, not when its slot is next overwritten.
template <typename R>
void ReleaseWhatLeaves() {
  R ring;
  const auto a = std::make_shared<int>(1);
  const auto b = std::make_shared<int>(2);
  const auto c = std::make_shared<int>(3);
  const auto d = std::make_shared<int>(4);
  for (int round = 0; round < 3; ++round) {  // wraps around and grows
    ring.push_back(a);
    ring.push_back(b);
    ring.push_back(c);
    ring.push_back(d);
    EXPECT_EQ(a.use_count(), 2);
    ring.pop_front();
    EXPECT_EQ(a.use_count(), 1);
    ring.pop_back();
    EXPECT_EQ(d.use_count(), 1);
    ring.erase(0);  // b
    EXPECT_EQ(b.use_count(), 1);
    EXPECT_EQ(*ring.front(), 3);
    for (int i = 0; i < 9; ++i) ring.push_back(std::make_shared<int>(i));
    ring.clear();
    EXPECT_EQ(c.use_count(), 1);
    EXPECT_TRUE(ring.empty());
  }
}

TEST(Ring, EntriesThatLeaveReleaseWhatTheyHeld) {
  ReleaseWhatLeaves<Ring<std::shared_ptr<int>>>();
}

// Growing past the entries in place moves them out: the old places must
// not keep them alive, also for a type whose "move" copies.
TEST(Ring, WithEntriesInPlaceEntriesThatLeaveReleaseWhatTheyHeld) {
  ReleaseWhatLeaves<Ring<std::shared_ptr<int>, 4>>();
}

// Copyable only: std::move copies, so a moved-from place still holds.
struct CopyOnly {
  CopyOnly() = default;
  CopyOnly(std::shared_ptr<int> p) : held(std::move(p)) {}  // NOLINT
  CopyOnly(const CopyOnly&) = default;
  CopyOnly& operator=(const CopyOnly&) = default;
  std::shared_ptr<int> held;
};

TEST(Ring, GrowingOutOfPlaceReleasesThePlacesOfCopyOnlyEntries) {
  Ring<CopyOnly, 4> ring;
  const auto a = std::make_shared<int>(1);
  for (int i = 0; i < 4; ++i) ring.push_back(CopyOnly(a));
  EXPECT_EQ(a.use_count(), 5);
  ring.push_back(CopyOnly(a));  // grows: four copies out of place
  EXPECT_EQ(a.use_count(), 6);  // not 10
  ring.clear();
  EXPECT_EQ(a.use_count(), 1);
}

// An entry of the ring pushed onto it as it grows is copied first.
TEST(Ring, PushingItsOwnEntryWhileGrowing) {
  Ring<std::shared_ptr<int>, 4> ring;
  for (int i = 0; i < 4; ++i) ring.push_back(std::make_shared<int>(i));
  ring.push_back(ring.front());  // full: grows while `front()` is read
  ASSERT_EQ(ring.size(), 5u);
  ASSERT_NE(ring.back(), nullptr);
  EXPECT_EQ(*ring.back(), 0);
  EXPECT_EQ(ring.back(), ring.front());
}

}  // namespace
}  // namespace flowcheck::sim::internal
