// sim/wait_list.h: WaitList, where simulated tasks wait until a simulated
// component wakes them (a condition variable for coroutines).
//
//   WaitList readers(scheduler, "read on B");
//   while (nothing_to_read()) co_await readers.Wait();   // in a task
//   ...
//   readers.WakeAll();                                    // when bytes arrive
//
// Waiters are woken in the order they started waiting (FIFO); a woken task
// becomes runnable, and the scheduler's seed decides when it runs. A waiter
// whose coroutine is destroyed while waiting leaves the list on its own.
// Wait() is a hint, not a guarantee: callers re-check their condition in a
// loop.
//
// Ownership: destroying a WaitList while tasks wait on it leaves them
// suspended forever (they forget the list, so the scheduler can still
// destroy them safely). Single-threaded, like the Scheduler.
#ifndef FLOWCHECK_SIM_WAIT_LIST_H_
#define FLOWCHECK_SIM_WAIT_LIST_H_

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flow/check.h"
#include "sim/internal/ring.h"
#include "sim/scheduler.h"

namespace flowcheck::sim {

class WaitList {
 public:
  // `what` names what waiters wait on, in reports of blocked tasks.
  WaitList(Scheduler& scheduler, std::string what);
  // The same for a name with static storage (a literal), which is not
  // copied: a simulated connection makes eight lists per run.
  struct Literal {
    // Only a string literal converts (at compile time): a Literal made of
    // a std::string would dangle.
    template <std::size_t N>
    explicit consteval Literal(const char (&literal)[N])
        : text(literal, N - 1) {}
    std::string_view text;
  };
  WaitList(Scheduler& scheduler, Literal what);
  ~WaitList();
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  class Awaiter {
   public:
    explicit Awaiter(WaitList& list) : list_(list) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    ~Awaiter();
    bool await_ready() const noexcept { return false; }
    // Inline, like WakeOne: both are on every step of a ping-pong.
    void await_suspend(std::coroutine_handle<> handle) {
      task_ = list_.scheduler_.current_task();
      FLOWCHECK_CHECK(task_ != 0, "WaitList awaited outside a scheduler task");
      handle_ = handle;
      waiting_ = true;
      list_.waiters_.push_back(this);
      list_.scheduler_.Suspended(task_, list_.what_);
    }
    void await_resume() const noexcept {}

   private:
    friend class WaitList;
    WaitList& list_;
    bool waiting_ = false;
    std::uint64_t task_ = 0;
    std::coroutine_handle<> handle_;
  };

  // Suspends the calling task until WakeOne/WakeAll picks it.
  [[nodiscard]] Awaiter Wait() { return Awaiter(*this); }

  // Makes the longest-waiting task runnable. Returns false if none waited.
  bool WakeOne() {
    if (waiters_.empty()) return false;
    Awaiter* waiter = waiters_.front();
    waiters_.pop_front();
    waiter->waiting_ = false;
    scheduler_.MakeRunnable(waiter->task_, waiter->handle_);
    return true;
  }
  // Makes every waiting task runnable.
  void WakeAll();

  bool has_waiters() const { return !waiters_.empty(); }
  std::size_t waiters() const { return waiters_.size(); }

 private:
  Scheduler& scheduler_;
  const std::string owned_;      // what_'s storage, unless a Literal
  const std::string_view what_;  // never changes: waiting tasks refer to it
  // FIFO; pointers identify, never order. Two in place: a flow's wait
  // lists rarely hold more, and each run of a fuzzer builds new ones.
  internal::Ring<Awaiter*, 2> waiters_;
};

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_WAIT_LIST_H_
