#include "flow/task.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowcheck {
namespace {

// An awaitable a test sets by hand: the simplest possible "runtime".
class ManualEvent {
 public:
  bool await_ready() const noexcept { return set_; }
  void await_suspend(std::coroutine_handle<> waiter) { waiter_ = waiter; }
  void await_resume() const noexcept {}

  void Set() {
    set_ = true;
    if (auto waiter = std::exchange(waiter_, {})) waiter.resume();
  }
  bool has_waiter() const { return static_cast<bool>(waiter_); }

 private:
  bool set_ = false;
  std::coroutine_handle<> waiter_;
};

Task<int> Constant(int value) { co_return value; }

Task<int> AddAfter(ManualEvent& event, int a, int b) {
  co_await event;
  co_return a + b;
}

Task<void> Collect(std::vector<int>& out, Task<int> task) {
  out.push_back(co_await std::move(task));
}

TEST(TaskTest, IsLazy) {
  bool ran = false;
  auto body = [&]() -> Task<void> {
    ran = true;
    co_return;
  };
  Task<void> task = body();
  EXPECT_FALSE(ran);
  EXPECT_TRUE(task.valid());
  task.start_detached();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(task.done());
}

TEST(TaskTest, AwaitYieldsTheValue) {
  std::vector<int> out;
  Task<void> root = Collect(out, Constant(42));
  root.start_detached();
  EXPECT_TRUE(root.done());
  EXPECT_EQ(out, std::vector<int>{42});
}

TEST(TaskTest, ResumesTheAwaiterWhenTheInnerTaskResumes) {
  ManualEvent event;
  std::vector<int> out;
  Task<void> root = Collect(out, AddAfter(event, 2, 3));
  root.start_detached();
  EXPECT_FALSE(root.done());
  EXPECT_TRUE(event.has_waiter());
  event.Set();
  EXPECT_TRUE(root.done());
  EXPECT_EQ(out, std::vector<int>{5});
}

TEST(TaskTest, MovesOnlyValues) {
  auto make = []() -> Task<std::unique_ptr<std::string>> {
    co_return std::make_unique<std::string>("moved");
  };
  std::string seen;
  // The lambda must outlive its coroutine (it holds the captures).
  auto body = [&]() -> Task<void> {
    std::unique_ptr<std::string> value = co_await make();
    seen = *value;
  };
  Task<void> root = body();
  root.start_detached();
  EXPECT_EQ(seen, "moved");
}

TEST(TaskTest, ExceptionsReachTheAwaiter) {
  auto thrower = []() -> Task<int> {
    throw std::runtime_error("boom");
    co_return 1;
  };
  std::string caught;
  auto body = [&]() -> Task<void> {
    try {
      (void)co_await thrower();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  };
  Task<void> root = body();
  root.start_detached();
  EXPECT_EQ(caught, "boom");
  EXPECT_EQ(root.exception(), nullptr);
}

TEST(TaskTest, ExceptionOfATopLevelTaskIsKept) {
  auto thrower = []() -> Task<void> {
    throw std::logic_error("escaped");
    co_return;
  };
  Task<void> root = thrower();
  root.start_detached();
  ASSERT_TRUE(root.done());
  ASSERT_NE(root.exception(), nullptr);
  EXPECT_THROW(std::rethrow_exception(root.exception()), std::logic_error);
}

// Counts live instances, to see that destroying a suspended chain runs every
// destructor in it.
struct Tracked {
  explicit Tracked(int& live) : live(live) { ++live; }
  ~Tracked() { --live; }
  int& live;
};

Task<int> Inner(ManualEvent& event, int& live) {
  Tracked held(live);
  std::vector<char> big(1 << 16);  // ASan reports it if the frame leaks
  co_await event;
  co_return static_cast<int>(big.size());
}

Task<void> Outer(ManualEvent& event, int& live) {
  Tracked held(live);
  (void)co_await Inner(event, live);
}

TEST(TaskTest, DestroyingASuspendedTaskFreesTheWholeChain) {
  ManualEvent event;
  int live = 0;
  {
    Task<void> root = Outer(event, live);
    root.start_detached();
    EXPECT_EQ(live, 2);
    EXPECT_FALSE(root.done());
  }
  EXPECT_EQ(live, 0);
}

TEST(TaskTest, DestroyingAnUnstartedTaskFreesIt) {
  ManualEvent event;
  int live = 0;
  { Task<void> never = Outer(event, live); }
  EXPECT_EQ(live, 0);
}

TEST(TaskTest, MoveAssignmentDestroysTheOldFrame) {
  ManualEvent event;
  int live = 0;
  Task<void> task = Outer(event, live);
  task.start_detached();
  EXPECT_EQ(live, 2);
  task = Task<void>();
  EXPECT_EQ(live, 0);
  EXPECT_FALSE(task.valid());
}

TEST(TaskTest, LongChainsDoNotGrowTheStack) {
  // 1,000,000 sequential awaits of already-finishing tasks; symmetric transfer
  // keeps the stack flat.
  auto sum = []() -> Task<long> {
    long total = 0;
    for (int i = 0; i < 1000000; ++i) total += co_await Constant(1);
    co_return total;
  };
  long result = 0;
  auto body = [&]() -> Task<void> { result = co_await sum(); };
  Task<void> root = body();
  root.start_detached();
  EXPECT_EQ(result, 1000000);
}

}  // namespace
}  // namespace flowcheck
