// bench/scheduler_floor.h: the scheduler's yardstick -- a bare coroutine
// resume (the cheapest thing a scheduling step could ever cost) and a
// ping-pong between two tasks through wait lists (a wake, a pick and a
// resume per step) -- for scheduler_benchmark and for the interleaved
// rounds of steady_benchmark, which compares the two in one run
// (docs/performance.md, "Scheduler").
//
// Header-only so that the bare resume is inlined into its loop exactly as
// in the benchmark that reports it.
#ifndef FLOWCHECK_BENCH_SCHEDULER_FLOOR_H_
#define FLOWCHECK_BENCH_SCHEDULER_FLOOR_H_

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <utility>

#include "sim/scheduler.h"
#include "sim/wait_list.h"

namespace flowcheck::bench {

// A coroutine that suspends forever in a loop, counting its resumptions.
// Owns its frame.
class SpinLoop {
 public:
  struct promise_type {
    SpinLoop get_return_object() {
      return SpinLoop(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  SpinLoop(SpinLoop&& other) noexcept
      : handle_(std::exchange(other.handle_, {})) {}
  SpinLoop& operator=(SpinLoop&&) = delete;
  ~SpinLoop() {
    if (handle_) handle_.destroy();
  }

  // One resume. The frame's address passes through an empty asm statement
  // first, so the compiler cannot see which coroutine resumes: clang would
  // otherwise elide the frame, inline the body and fold a loop of resumes
  // into one addition.
  void Resume() {
    void* address = handle_.address();
    asm volatile("" : "+r"(address));
    std::coroutine_handle<>::from_address(address).resume();
  }

 private:
  explicit SpinLoop(std::coroutine_handle<promise_type> handle)
      : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

inline SpinLoop Spin(std::uint64_t& counter) {
  while (true) {
    ++counter;
    co_await std::suspend_always{};
  }
}

// One player of a ping-pong: wakes the other, then waits for its turn.
inline Task<void> PingPongPlayer(sim::WaitList& mine, sim::WaitList& theirs,
                                 std::int64_t turns) {
  for (std::int64_t i = 0; i < turns; ++i) {
    theirs.WakeOne();
    co_await mine.Wait();
  }
  theirs.WakeOne();
}

// Nanoseconds per bare resume, over `resumes` of them.
inline double BareResumeNsOnce(std::uint64_t resumes) {
  std::uint64_t counter = 0;
  SpinLoop loop = Spin(counter);
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < resumes; ++i) loop.Resume();
  const double ns = std::chrono::duration<double, std::nano>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  return counter == 0 ? 0 : ns / static_cast<double>(resumes);
}

// Nanoseconds per scheduling step of a ping-pong of `turns` turns each
// (seeded pick, or fifo). Setup and teardown are not timed.
inline double PingPongNsOnce(std::int64_t turns, bool fifo) {
  sim::Scheduler scheduler({.seed = 1, .fifo = fifo});
  sim::WaitList ping(scheduler, "ping");
  sim::WaitList pong(scheduler, "pong");
  scheduler.spawn(PingPongPlayer(ping, pong, turns), "ping");
  scheduler.spawn(PingPongPlayer(pong, ping, turns), "pong");
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t steps = scheduler.RunUntilQuiescent().steps;
  const double ns = std::chrono::duration<double, std::nano>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  scheduler.DestroyTasks();
  return ns / static_cast<double>(steps);
}

}  // namespace flowcheck::bench

#endif  // FLOWCHECK_BENCH_SCHEDULER_FLOOR_H_
