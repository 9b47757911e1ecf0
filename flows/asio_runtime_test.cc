// Tests of AsioRuntime and RunWithWatchdog: tasks start inside run(), sleep
// and yield resume on the io_context, exceptions come out of run(),
// destroying a waiting task cancels what it waited on, and the watchdog
// reports and cancels instead of hanging. No assertion on wall-clock time
// beyond "at least the duration slept" and generous watchdogs.
#include "flows/asio_runtime.h"

#include <gtest/gtest.h>

#include <chrono>
#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowcheck::flows {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Duration kWatchdog = seconds(60);

// Parks its task with a ticket nobody ever wakes (a deadlock on purpose).
class ParkForever {
 public:
  explicit ParkForever(AsioRuntime& runtime) : runtime_(runtime) {}
  ~ParkForever() {
    if (ticket_) ticket_->Abandon();
  }
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    ticket_ = runtime_.Park(handle, "a ticket nobody holds");
  }
  void await_resume() const noexcept {}

 private:
  AsioRuntime& runtime_;
  std::shared_ptr<ParkedCoroutine> ticket_;
};

TEST(AsioRuntime, TasksStartInsideRunNotInsideSpawn) {
  AsioRuntime runtime;
  std::vector<std::string> events;
  auto task = [&](std::string name) -> Task<void> {
    events.push_back(name);
    co_return;
  };
  runtime.spawn(task("first"), "first");
  runtime.spawn(task("second"), "second");
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(runtime.live_tasks(), 2u);
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  EXPECT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(events, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(runtime.live_tasks(), 0u);
}

TEST(AsioRuntime, SleepLastsAtLeastItsDurationAndNowNeverGoesBack) {
  AsioRuntime runtime;
  Duration before{0};
  Duration after{0};
  auto sleeper = [&]() -> Task<void> {
    before = runtime.now();
    co_await runtime.sleep(milliseconds(20));
    after = runtime.now();
  };
  runtime.spawn(sleeper(), "sleeper");
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  ASSERT_TRUE(report.all_done()) << report.ToString();
  EXPECT_GE(after - before, milliseconds(20));
}

TEST(AsioRuntime, YieldLetsOtherTasksRunInTurn) {
  AsioRuntime runtime;
  std::vector<std::string> events;
  auto task = [&](std::string name) -> Task<void> {
    for (int i = 0; i < 3; ++i) {
      events.push_back(name + std::to_string(i));
      co_await runtime.sleep(Duration::zero());
    }
  };
  runtime.spawn(task("a"), "a");
  runtime.spawn(task("b"), "b");
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  ASSERT_TRUE(report.all_done()) << report.ToString();
  // Resumptions are posted FIFO on one thread: a strict alternation.
  EXPECT_EQ(events,
            (std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

TEST(AsioRuntime, CurrentTaskNameIsTheRunningTask) {
  AsioRuntime runtime;
  std::vector<std::string> seen;
  auto task = [&]() -> Task<void> {
    seen.push_back(runtime.current_task_name());
    co_await runtime.sleep(milliseconds(1));
    seen.push_back(runtime.current_task_name());
  };
  runtime.spawn(task(), "alpha");
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  ASSERT_TRUE(report.all_done()) << report.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"alpha", "alpha"}));
  EXPECT_EQ(runtime.current_task_name(), "");
}

TEST(AsioRuntime, AnExceptionFromATaskComesOutOfRun) {
  AsioRuntime runtime;
  auto failing = [&]() -> Task<void> {
    co_await runtime.sleep(milliseconds(1));
    throw std::runtime_error("boom");
  };
  runtime.spawn(failing(), "failing");
  EXPECT_THROW(runtime.run(), std::runtime_error);
  EXPECT_EQ(runtime.live_tasks(), 0u);
}

TEST(AsioRuntime, DestroyingASleepingTaskCancelsItsTimer) {
  AsioRuntime runtime;
  auto sleeper = [&]() -> Task<void> {
    co_await runtime.sleep(std::chrono::hours(1));
  };
  runtime.spawn(sleeper(), "sleeper");
  RunReport report = runtime.RunFor(milliseconds(10));
  ASSERT_EQ(report.outcome, RunReport::Outcome::kTimeLimit)
      << report.ToString();
  runtime.DestroyTasks();
  // With the timer cancelled the io_context runs out of work at once (its
  // aborted handler runs and resumes nobody); with the timer still armed it
  // would still have work after 30 seconds.
  runtime.io_context().restart();
  runtime.io_context().run_for(seconds(30));
  EXPECT_TRUE(runtime.io_context().stopped());
}

TEST(AsioRuntime, RunForReportsWhatPendingTasksWaitOn) {
  AsioRuntime runtime;
  auto sleeper = [&]() -> Task<void> {
    co_await runtime.sleep(std::chrono::hours(1));
  };
  runtime.spawn(sleeper(), "sleeper");
  RunReport report = runtime.RunFor(milliseconds(10));
  EXPECT_EQ(report.outcome, RunReport::Outcome::kTimeLimit);
  ASSERT_EQ(report.pending.size(), 1u) << report.ToString();
  EXPECT_EQ(report.pending[0].name, "sleeper");
  EXPECT_NE(report.pending[0].waiting_on.find("sleep for 3600"),
            std::string::npos)
      << report.ToString();
  // RunFor cancels nothing: the task is still there.
  EXPECT_EQ(runtime.live_tasks(), 1u);
  EXPECT_FALSE(report.cancelled);
}

TEST(AsioRuntime, WatchdogCancelsPendingTasksAndSaysWhy) {
  AsioRuntime runtime;
  bool finished = false;
  auto sleeper = [&]() -> Task<void> {
    co_await runtime.sleep(std::chrono::hours(1));
    finished = true;
  };
  auto quick = [&]() -> Task<void> { co_await runtime.sleep(milliseconds(1)); };
  runtime.spawn(sleeper(), "sleeper");
  runtime.spawn(quick(), "quick");
  // 500 times the quick task's sleep, so that even a loaded 2-core machine
  // under ASan runs it to the end before the watchdog fires.
  RunReport report = RunWithWatchdog(runtime, milliseconds(500));
  EXPECT_EQ(report.outcome, RunReport::Outcome::kTimeLimit);
  EXPECT_TRUE(report.cancelled);
  ASSERT_EQ(report.pending.size(), 1u) << report.ToString();
  EXPECT_EQ(report.pending[0].name, "sleeper");
  EXPECT_NE(report.ToString().find("'sleeper' waits on sleep"),
            std::string::npos)
      << report.ToString();
  EXPECT_FALSE(finished);
  EXPECT_EQ(runtime.live_tasks(), 0u);
}

TEST(AsioRuntime, ATaskNothingCanWakeIsReportedAsStalled) {
  AsioRuntime runtime;
  auto stuck = [&]() -> Task<void> { co_await ParkForever(runtime); };
  runtime.spawn(stuck(), "stuck");
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  EXPECT_EQ(report.outcome, RunReport::Outcome::kBlocked) << report.ToString();
  ASSERT_EQ(report.pending.size(), 1u);
  EXPECT_EQ(report.pending[0].waiting_on, "a ticket nobody holds");
  EXPECT_TRUE(report.cancelled);
}

TEST(AsioRuntime, RunWithNoTasksReturnsAtOnce) {
  AsioRuntime runtime;
  runtime.run();
  RunReport report = RunWithWatchdog(runtime, kWatchdog);
  EXPECT_TRUE(report.all_done());
}

TEST(AsioRuntime, TheRuntimeCanRunAgainAfterAWatchdog) {
  AsioRuntime runtime;
  auto sleeper = [&]() -> Task<void> {
    co_await runtime.sleep(std::chrono::hours(1));
  };
  runtime.spawn(sleeper(), "sleeper");
  RunReport first = RunWithWatchdog(runtime, milliseconds(10));
  ASSERT_TRUE(first.cancelled);
  bool ran = false;
  auto later = [&]() -> Task<void> {
    co_await runtime.sleep(milliseconds(1));
    ran = true;
  };
  runtime.spawn(later(), "later");
  RunReport second = RunWithWatchdog(runtime, kWatchdog);
  EXPECT_TRUE(second.all_done()) << second.ToString();
  EXPECT_TRUE(ran);
}

TEST(AsioRuntime, DestroyingTheRuntimeDestroysUnfinishedTasks) {
  bool frame_destroyed = false;
  struct SetOnDestroy {
    bool* flag;
    ~SetOnDestroy() { *flag = true; }
  };
  {
    AsioRuntime runtime;
    auto sleeper = [&]() -> Task<void> {
      SetOnDestroy guard{&frame_destroyed};
      co_await runtime.sleep(std::chrono::hours(1));
    };
    runtime.spawn(sleeper(), "sleeper");
    runtime.RunFor(milliseconds(5));
    EXPECT_FALSE(frame_destroyed);
  }
  EXPECT_TRUE(frame_destroyed);
}

}  // namespace
}  // namespace flowcheck::flows
