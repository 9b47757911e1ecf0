// Tests of the Runtime seam's WaitQueue (flow/runtime.h), the same cases in
// both worlds: the simulation (sim::Scheduler) and the real one
// (AsioRuntime). Waiters wake in the order they waited, a wait never
// completes inline, a waiter nobody wakes is reported blocked with what it
// waits for, and destroying a waiting task removes its waiter.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "flow/runtime.h"
#include "flows/asio_runtime.h"
#include "sim/scheduler.h"

namespace flowcheck {
namespace {

constexpr Duration kLimit = std::chrono::seconds(60);

struct SimWorld {
  static std::unique_ptr<Runtime> Make() {
    return std::make_unique<sim::Scheduler>(sim::SchedulerOptions{.seed = 7});
  }
};
struct AsioWorld {
  static std::unique_ptr<Runtime> Make() {
    return std::make_unique<flows::AsioRuntime>();
  }
};

template <typename World>
class WaitQueueTest : public testing::Test {
 protected:
  std::unique_ptr<Runtime> runtime_ = World::Make();
};

using Worlds = testing::Types<SimWorld, AsioWorld>;
TYPED_TEST_SUITE(WaitQueueTest, Worlds);

TYPED_TEST(WaitQueueTest, WaitersWakeInTheOrderTheyWaited) {
  Runtime& runtime = *this->runtime_;
  auto queue = runtime.NewWaitQueue("a turn");
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<void> {
    co_await queue->Wait();
    woke.push_back(id);
  };
  auto waker = [&]() -> Task<void> {
    // Let every waiter start waiting first.
    while (queue->waiters() < 3) co_await runtime.sleep(Duration::zero());
    queue->WakeAll();
    queue->WakeAll();  // nobody left: nothing happens
  };
  for (int id = 1; id <= 3; ++id) {
    runtime.spawn(waiter(id), "waiter " + std::to_string(id));
  }
  runtime.spawn(waker(), "waker");
  const RunReport report = runtime.RunFor(kLimit);
  EXPECT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(queue->waiters(), 0u);
  // FIFO wakes; in the simulation the seed may still run them in any order
  // once runnable, so only the set is certain there.
  ASSERT_EQ(woke.size(), 3u);
  if (!runtime.is_simulated()) {
    EXPECT_EQ(woke, (std::vector<int>{1, 2, 3}));
  }
}

TYPED_TEST(WaitQueueTest, AWaitNeverCompletesInline) {
  Runtime& runtime = *this->runtime_;
  auto queue = runtime.NewWaitQueue("a wake that comes at once");
  bool waited = false;
  bool checked = false;
  auto waiter = [&]() -> Task<void> {
    auto wait = queue->Wait();
    co_await std::move(wait);
    waited = true;
  };
  auto checker = [&]() -> Task<void> {
    while (queue->waiters() == 0) co_await runtime.sleep(Duration::zero());
    // The waiter is suspended: it has not gone past its wait.
    EXPECT_FALSE(waited);
    checked = true;
    queue->WakeAll();
  };
  runtime.spawn(waiter(), "waiter");
  runtime.spawn(checker(), "checker");
  const RunReport report = runtime.RunFor(kLimit);
  EXPECT_TRUE(report.all_done()) << report.ToString();
  EXPECT_TRUE(waited);
  EXPECT_TRUE(checked);
}

TYPED_TEST(WaitQueueTest, AWaiterNobodyWakesIsReportedBlocked) {
  Runtime& runtime = *this->runtime_;
  auto queue = runtime.NewWaitQueue("a wake that never comes");
  auto waiter = [&]() -> Task<void> { co_await queue->Wait(); };
  runtime.spawn(waiter(), "stuck");
  const RunReport report = runtime.RunFor(kLimit);
  EXPECT_EQ(report.outcome, RunReport::Outcome::kBlocked) << report.ToString();
  EXPECT_TRUE(report.exact);
  ASSERT_EQ(report.pending.size(), 1u);
  EXPECT_EQ(report.pending[0].name, "stuck");
  EXPECT_EQ(report.pending[0].waiting_on, "a wake that never comes");
  EXPECT_EQ(queue->waiters(), 1u);
  runtime.DestroyTasks();
  EXPECT_EQ(queue->waiters(), 0u);
  // A wake after the waiter is gone resumes nothing.
  queue->WakeAll();
  EXPECT_TRUE(runtime.RunFor(kLimit).all_done());
}

TYPED_TEST(WaitQueueTest, DestroyingAWaitingTaskLeavesTheOthersWaiting) {
  Runtime& runtime = *this->runtime_;
  auto queue = runtime.NewWaitQueue("a turn");
  int woke = 0;
  auto waiter = [&]() -> Task<void> {
    co_await queue->Wait();
    ++woke;
  };
  runtime.spawn(waiter(), "first");
  EXPECT_EQ(runtime.RunFor(kLimit).outcome, RunReport::Outcome::kBlocked);
  runtime.DestroyTasks();
  runtime.spawn(waiter(), "second");
  EXPECT_EQ(runtime.RunFor(kLimit).outcome, RunReport::Outcome::kBlocked);
  EXPECT_EQ(queue->waiters(), 1u);
  auto waker = [&]() -> Task<void> {
    queue->WakeAll();
    co_return;
  };
  runtime.spawn(waker(), "waker");
  const RunReport report = runtime.RunFor(kLimit);
  EXPECT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(woke, 1);
}

}  // namespace
}  // namespace flowcheck
