// sim/ring_test.cc: Ring<T> (sim/internal/ring.h) against std::deque, the
// container it replaced, over a long seeded sequence of the operations the
// scheduler and wait lists use -- wrap-around, growth while wrapped, erase
// from the middle, clear and reuse.
#include "sim/internal/ring.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>

#include "sim/random.h"

namespace flowcheck::sim::internal {
namespace {

void ExpectSame(Ring<int>& ring, const std::deque<int>& deque) {
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

TEST(Ring, MatchesDequeOverSeededOperations) {
  Ring<int> ring;
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

}  // namespace
}  // namespace flowcheck::sim::internal
