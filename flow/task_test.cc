#include "flow/task.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flow/sanitizers.h"

#ifdef FLOWCHECK_ASAN
#include <sanitizer/lsan_interface.h>
#endif

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

// The frame pool (internal::AllocateFrame / FreeFrame) hands a freed block
// of a size class back to the next frame of that class, keeps frames of
// different sizes apart, sends large frames to the heap, and accepts frames
// freed on another thread.
TEST(FramePoolTest, RecyclesWithinAClassAndKeepsClassesApart) {
  // The largest pooled class (961..1024 bytes), which no other test's
  // frames use: freed, 256 of these 300 fill it.
  std::vector<void*> first;
  for (int i = 0; i < 300; ++i) first.push_back(internal::AllocateFrame(1000));
  for (void* frame : first) internal::FreeFrame(frame, 1000);
  const std::set<void*> freed(first.begin(), first.end());
  std::vector<void*> second;
  int reused = 0;
  for (int i = 0; i < 200; ++i) {
    void* frame = internal::AllocateFrame(970);  // the same 64-byte class
    reused += freed.count(frame) > 0 ? 1 : 0;
    std::memset(frame, 0xab, 970);  // the whole requested size is writable
    second.push_back(frame);
  }
  // Every block comes back but those ASan's quarantine holds (64).
  EXPECT_GE(reused, 200 - 64);
  void* other = internal::AllocateFrame(300);  // another class
  EXPECT_EQ(freed.count(other), 0u);
  std::memset(other, 0xcd, 300);
  internal::FreeFrame(other, 300);
  for (void* frame : second) internal::FreeFrame(frame, 970);

  void* large = internal::AllocateFrame(64 * 1024);
  std::memset(large, 0, 64 * 1024);
  internal::FreeFrame(large, 64 * 1024);
}

TEST(FramePoolTest, AFrameFreedOnAnotherThreadIsFine) {
  std::vector<void*> frames;
  for (int i = 0; i < 1000; ++i) frames.push_back(internal::AllocateFrame(200));
  std::thread other([&frames] {
    for (void* frame : frames) internal::FreeFrame(frame, 200);
  });
  other.join();  // the other thread's pool returned them to the heap
  for (int i = 0; i < 1000; ++i) {
    void* frame = internal::AllocateFrame(200);
    std::memset(frame, 1, 200);
    internal::FreeFrame(frame, 200);
  }
}

TEST(FramePoolTest, ManyLiveTasksAtOnce) {
  // More frames of one class than a class keeps free: the rest go back to
  // the heap, and every task still runs to its value.
  std::vector<Task<int>> tasks;
  for (int i = 0; i < 2000; ++i) tasks.push_back(Constant(i));
  long total = 0;
  auto body = [&]() -> Task<void> {
    for (Task<int>& task : tasks) total += co_await std::move(task);
  };
  Task<void> root = body();
  root.start_detached();
  EXPECT_EQ(total, 1999L * 2000 / 2);
  tasks.clear();
}

#ifdef FLOWCHECK_ASAN
// Free blocks are poisoned, and LeakSanitizer does not look into poisoned
// memory: the pool keeps its links outside the blocks, or every queued block
// would be reported as leaked (libFuzzer checks for leaks whenever an input
// allocated more than it freed).
TEST(FramePoolTest, QueuedBlocksAreNotLeaksUnderAsan) {
  std::vector<void*> frames;
  for (int i = 0; i < 100; ++i) frames.push_back(internal::AllocateFrame(500));
  for (void* frame : frames) internal::FreeFrame(frame, 500);
  EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0);
}

// Under ASan a recycled frame is poisoned while free: a use after free is
// still caught although the heap never saw the free.
TEST(FramePoolDeathTest, UseAfterFreeIsReportedUnderAsan) {
  EXPECT_DEATH(
      {
        char* frame = static_cast<char*>(internal::AllocateFrame(100));
        internal::FreeFrame(frame, 100);
        volatile char byte = frame[10];
        (void)byte;
      },
      "use-after-poison");
}
TEST(FramePoolDeathTest, UseAfterFreeIsReportedAfterTheNextFrameToo) {
  // The next frame of the class does not get the freed block (quarantine),
  // so a dangling handle still lands in poisoned memory.
  EXPECT_DEATH(
      {
        char* frame = static_cast<char*>(internal::AllocateFrame(100));
        internal::FreeFrame(frame, 100);
        char* next = static_cast<char*>(internal::AllocateFrame(100));
        next[0] = 1;
        volatile char byte = frame[10];
        (void)byte;
      },
      "use-after-poison");
}
TEST(FramePoolDeathTest, OverflowPastTheFrameIsReportedUnderAsan) {
  EXPECT_DEATH(
      {
        char* frame = static_cast<char*>(internal::AllocateFrame(100));
        volatile char byte = frame[100];
        (void)byte;
      },
      "use-after-poison");
}
#endif

}  // namespace
}  // namespace flowcheck
